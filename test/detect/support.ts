import { rmSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DetectionInput, Finding } from "../../src/detect/finding.js";
import { RuleEngine } from "../../src/detect/rule-engine.js";
import { type FixtureCase, fixtureInput } from "../../src/detect/rules/fixtures/fixture-spec.js";
import { loadRules } from "../../src/detect/rules/load-rules.js";

/** The repository's own rules/ folder. */
export const RULES_DIR = new URL("../../rules/", import.meta.url).pathname;

type Partial = Pick<FixtureCase, "event" | "window" | "enrichment">;

/** A DetectionInput: the fixture defaults with the given fields over them. */
export function input(parts: { [K in keyof Partial]?: Partial[K] } = {}): DetectionInput {
  const spec = {
    name: "test",
    event: parts.event ?? {},
    window: parts.window ?? {},
    enrichment: parts.enrichment ?? {},
    expect: {},
  };
  return fixtureInput(spec, "test", 0);
}

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Write `files` (relative path → text) into a fresh temporary rule directory. */
export async function ruleDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tokenwatch-rules-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** One rule file holding the given rules, each a YAML block indented under `rules:`. */
export function ruleFile(...rules: string[]): string {
  return `version: 1\nrules:\n${rules.join("")}`;
}

/** A valid rule (YAML block) with `fields` replacing or adding to its lines. */
export function rule(id: string, fields: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    id,
    version: "1",
    description: "test rule",
    condition: "window.networks5m >= 5",
    severity: "high",
    score: "80",
    action: "revoke",
    mode: "enforce",
    cooldown: "10m",
    ...fields,
  };
  const lines = Object.entries(all).map(
    ([key, value], i) => `${i === 0 ? "  - " : "    "}${key}: ${value}`,
  );
  return `${lines.join("\n")}\n`;
}

/** A YAML block sequence to use as a rule field's value, e.g. `evidence`. */
export function yamlList(items: readonly string[]): string {
  return items.map((item) => `\n      - ${item}`).join("");
}

/** Load a rule directory written from `files` and return its engine's findings for `given`. */
export async function findingsFor(
  files: Record<string, string>,
  given: DetectionInput,
): Promise<Finding[]> {
  const ruleSet = await loadRules(await ruleDir(files));
  return new RuleEngine(ruleSet).detect(given);
}
