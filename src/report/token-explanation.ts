import { max, mean, median } from "simple-statistics";
import type { DecisionView } from "./report-model.js";

/** One remembered network or user-agent family, with when it was last used. */
export interface Remembered {
  readonly name: string;
  readonly lastSeen: number;
  /** Requests, when the source counts them (a replay does; Redis keeps only last-seen). */
  readonly requests?: number;
  readonly detail?: string;
}

/**
 * What `tokenwatch explain` prints about one token, from Redis or from a
 * replay: its current windows, the baseline it has learned and its recent
 * decisions. By fingerprint only; the raw token was never stored anywhere.
 */
export interface TokenExplanation {
  readonly tokenFp: string;
  readonly source: string;
  readonly consumerId: string | null;
  readonly credentialId: string | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number;
  readonly totalRequests: number;
  /** Window counts as of the token's newest event, by the state's own names. */
  readonly windows: Readonly<Record<string, number>>;
  /** Per-minute requests of the completed minutes of the last hour, oldest first. */
  readonly minuteHistory: readonly number[];
  /** 7 × 24 hour-of-week levels (0–15), Monday first, UTC. */
  readonly hourOfWeek: readonly (readonly number[])[];
  readonly activeHours: number | null;
  readonly networks: readonly Remembered[];
  readonly userAgents: readonly Remembered[];
  readonly decisions: readonly DecisionView[];
  /** Each rule's last firing (Redis keeps these, not a decision log). */
  readonly ruleFirings: ReadonlyArray<{ ruleId: string; ts: number; decisionId: string }>;
  /** The decision id holding the token's one revocation, or null. */
  readonly revokedBy: string | null;
  /** The decision whose revocation an operator withdrew (`revocations undo`), if any. */
  readonly withdrawnRevocation?: string | null;
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/** One character per level, so a day's profile reads as a 24-character strip. */
const SHADES = " .:-=+*#%@@@@@@@";

/** The explanation as readable text for a terminal. */
export function renderExplanation(x: TokenExplanation): string {
  const out: string[] = [`token ${x.tokenFp}  (${x.source})`];
  if (x.consumerId) out.push(`  consumer           ${x.consumerId}`);
  if (x.credentialId) out.push(`  credential         ${x.credentialId}`);
  out.push(`  first seen         ${iso(x.firstSeen)}`);
  out.push(`  last seen          ${iso(x.lastSeen)}`);
  out.push(`  requests           ${x.totalRequests}`);
  out.push(`  revoked            ${revokedLine(x)}`);

  out.push("", "windows (as of the last event)");
  for (const [name, value] of Object.entries(x.windows)) out.push(`  ${name.padEnd(18)} ${value}`);

  out.push("", "baseline");
  out.push(`  requests/minute    ${baseline(x.minuteHistory)}`);
  if (x.activeHours !== null) out.push(`  active hours       ${x.activeHours}`);
  out.push("  hour of week (UTC) 0         6         12        18      23");
  x.hourOfWeek.forEach((levels, day) => {
    const strip = levels.map((level) => SHADES[level] ?? "@").join("");
    out.push(`    ${DAYS[day]}              |${strip}|`);
  });

  out.push("", `networks (${x.networks.length})`);
  for (const n of x.networks) out.push(`  ${remembered(n)}`);
  out.push("", `user agents (${x.userAgents.length})`);
  for (const agent of x.userAgents) out.push(`  ${remembered(agent)}`);

  if (x.ruleFirings.length > 0) {
    out.push("", "last firing per rule");
    for (const f of x.ruleFirings) {
      out.push(`  ${iso(f.ts)}  ${f.ruleId.padEnd(32)} decision ${f.decisionId}`);
    }
  }

  if (x.decisions.length === 0 && x.ruleFirings.length > 0) {
    // Redis keeps each rule's last firing, not the decisions (the alerts topic has them).
    return `${out.join("\n")}\n`;
  }
  out.push("", `recent decisions (${x.decisions.length})`);
  if (x.decisions.length === 0) out.push("  none");
  for (const d of x.decisions) {
    const guard = d.guard ? ` (${d.guard})` : "";
    out.push(
      `  ${iso(d.ts)}  ${d.action.toUpperCase().padEnd(7)} ` +
        `${d.ruleId}${guard}  risk ${d.riskScore}`,
    );
    const primary = d.findings.find((f) => f.ruleId === d.ruleId);
    if (primary) {
      const evidence = Object.entries(primary.evidence).map(([k, v]) => `${k}=${v}`);
      if (evidence.length) out.push(`      ${evidence.join(" ")}`);
    }
  }
  return `${out.join("\n")}\n`;
}

function revokedLine(x: TokenExplanation): string {
  if (x.revokedBy) return `yes (decision ${x.revokedBy})`;
  if (x.withdrawnRevocation) return `no (decision ${x.withdrawnRevocation}'s revocation withdrawn)`;
  return "no";
}

function baseline(history: readonly number[]): string {
  if (history.length === 0) return "no completed minute yet";
  // The same statistics the rate-baseline detector uses, so the explanation
  // shows the median the rule compared against (an even history averages the middle two).
  const summary = `mean ${mean(history).toFixed(2)}, median ${median(history)}`;
  return `${summary}, max ${max(history)} over ${history.length} minutes`;
}

function remembered(item: Remembered): string {
  const requests =
    item.requests === undefined
      ? ""
      : `  ${item.requests} ${item.requests === 1 ? "request" : "requests"}`;
  const detail = item.detail ? `  ${item.detail}` : "";
  return `${item.name.padEnd(40)} last ${iso(item.lastSeen)}${requests}${detail}`;
}

function iso(ts: number | null): string {
  return ts === null || !Number.isFinite(ts) ? "-" : new Date(ts).toISOString();
}
