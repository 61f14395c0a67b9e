/**
 * A rules directory with the default rules plus `extra` generated ones, for
 * the bench's rule-count comparison. The generated rules are shaped like
 * the real ones — a window threshold, an event field, a shared macro — and
 * in shadow mode, so they are evaluated on every event but never act.
 */
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CONDITIONS = [
  (n: number) => `window.requests1m >= ${1_000 + n} && !is_health_check`,
  (n: number) => `window.networks5m >= ${20 + n} && event.routeId == "route-${n % 17}"`,
  (n: number) => `event.method == "DELETE" && event.path.startsWith("/admin/${n}")`,
  (n: number) => `window.countries1h >= ${6 + (n % 5)} && !window.countryKnown`,
];

/** Create the directory; returns its path (under the OS temp folder). */
export function manyRulesDir(sourceDir: string, extra: number): string {
  const dir = mkdtempSync(join(tmpdir(), "tokenwatch-bench-rules-"));
  for (const file of readdirSync(sourceDir)) {
    if (file.endsWith(".yaml")) copyFileSync(join(sourceDir, file), join(dir, file));
  }

  const rules: string[] = [];
  for (let n = 0; n < extra; n++) {
    const condition = CONDITIONS[n % CONDITIONS.length]?.(n) ?? "false";
    rules.push(
      [
        `  - id: bench-generated-${n}`,
        "    version: 1",
        "    description: A generated rule for the benchmark's rule-count comparison.",
        `    condition: '${condition}'`,
        "    severity: low",
        "    score: 10",
        "    action: alert",
        "    mode: shadow",
        "    cooldown: 1h",
        "    evidence:",
        "      - window.requests1m",
      ].join("\n"),
    );
  }
  writeFileSync(join(dir, "generated.yaml"), `version: 1\n\nrules:\n${rules.join("\n\n")}\n`);
  return dir;
}
