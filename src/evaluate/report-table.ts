import type { EvaluationReport } from "./evaluation-report.js";
import type { Delay, Figures, Ratio } from "./score.js";

/*
 * The evaluation report as text for a terminal or a CI log: per scenario
 * tokenwatch beside the baseline, the overall figures, every rule, and the
 * targets with their gaps.
 */

/** Render the whole report as aligned plain-text tables. */
export function renderReport(report: EvaluationReport): string {
  const { input } = report;
  const lines = [
    `evaluated ${input.events} events of ${input.tokens} labelled tokens ` +
      `(${input.attackedTokens} attacked, ${input.benignTokenDays} benign token-days)`,
    "",
    "per scenario           tokenwatch                                  | baseline",
    table(
      [
        "scenario",
        "tokens",
        "detected",
        "revoked",
        "false alert",
        "false revoke",
        "ttd s (req)",
      ].concat(["detected", "revoked", "false alert", "false revoke", "ttd s (req)"]),
      Object.entries(report.tokenwatch.scenarios).map(([name, tw]) => {
        const base = report.baseline.scenarios[name] as Figures;
        return [name, String(tw.tokens), ...cells(tw), ...cells(base)];
      }),
    ),
    "",
    "overall",
    table(
      ["system", "alert precision", "alert recall", "revoke precision", "revoke recall"].concat([
        "false revokes/10k token-days",
        "ttd median s",
        "ttd p90 s",
        "ttd median req",
        "revoke median s",
      ]),
      [
        overall("tokenwatch", report.tokenwatch.overall),
        overall("baseline", report.baseline.overall),
        overall("tw sharing+theft", report.tokenwatch.sharingTheft),
        overall("bl sharing+theft", report.baseline.sharingTheft),
      ],
    ),
    "",
    "rules (raw findings, before cooldowns and guards)",
    table(
      ["rule", "mode", "action", "findings", "tokens", "precision", "recall"].concat([
        "benign fires/10k token-days",
        "fires/1k events",
      ]),
      report.rules.map((rule) => [
        rule.id,
        rule.mode,
        rule.action,
        String(rule.findings),
        String(rule.tokens),
        num(rule.precision),
        num(rule.recall),
        num(rule.benignFiresPer10kTokenDays),
        num(rule.firesPer1kEvents),
      ]),
    ),
    "",
    "targets (tokenwatch)",
    table(
      ["target", "wanted", "actual", "gap", "result"],
      report.targets.map((t) => [
        t.id,
        `${t.comparison === "at least" ? ">=" : "<="} ${t.target}`,
        num(t.actual),
        t.gap === null ? "-" : t.gap > 0 ? `+${t.gap}` : String(t.gap),
        t.met ? "met" : "MISSED",
      ]),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

function cells(f: Figures): string[] {
  return [
    fraction(f.alerts.recall),
    fraction(f.revocations.recall),
    String(f.alerts.falseTokens),
    String(f.revocations.falseRevocations),
    delay(f.timeToAlert),
  ];
}

function overall(name: string, f: Figures): string[] {
  return [
    name,
    num(f.alerts.precision.value),
    num(f.alerts.recall.value),
    num(f.revocations.precision.value),
    num(f.revocations.recall.value),
    num(f.falseRevocationsPer10kTokenDays),
    num(f.timeToAlert.medianSeconds),
    num(f.timeToAlert.p90Seconds),
    num(f.timeToAlert.medianRequests),
    num(f.timeToRevoke.medianSeconds),
  ];
}

function fraction(r: Ratio): string {
  return r.of === 0 ? "-" : `${r.hits}/${r.of}`;
}

function delay(d: Delay): string {
  if (d.medianSeconds === null) return "-";
  return `${Math.round(d.medianSeconds)} (${d.medianRequests})`;
}

function num(value: number | null): string {
  if (value === null) return "-";
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
}

/** Columns padded to their widest cell; the first column left-aligned, the rest right. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].map((row) => `  ${row}`).join("\n");
}
