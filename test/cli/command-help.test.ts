import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/* Every command's --help, as the built CLI prints it. */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function help(path: string[]): { code: number | null; text: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), ...path, "--help"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: result.status, text: result.stdout };
}

/** The subcommand names a help text lists under "Commands:". */
function subcommands(text: string): string[] {
  const section = text.split("Commands:\n")[1]?.split("\n\n")[0] ?? "";
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] as string)
    .filter((name) => name !== "help");
}

test("every command and command group has --help with an example, exit 0", () => {
  const seen: string[] = [];
  const queue: string[][] = [[]];
  while (queue.length > 0) {
    const path = queue.shift() as string[];
    const { code, text } = help(path);

    assert.equal(code, 0, `tokenwatch ${path.join(" ")} --help`);
    assert.match(
      text,
      /\nExamples?:\n {2}(\S+ )*tokenwatch /,
      `tokenwatch ${path.join(" ")} --help`,
    );
    seen.push(path.join(" "));
    for (const name of subcommands(text)) queue.push([...path, name]);
  }

  for (const command of ["replay", "explain", "config check", "rules validate"]) {
    assert.ok(seen.includes(command), `${command} was not listed`);
  }
});

test("the top-level help documents the exit codes", () => {
  assert.match(help([]).text, /Exit codes: 0 success; 1 failure at run time; 2 invalid/);
});
