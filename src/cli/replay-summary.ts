import type { Decision } from "../decide/decision.js";
import type { BatchResult } from "../pipeline/pipeline.js";
import type { RunFacts } from "../report/report-model.js";

/** Counts what a replay read, set aside and decided, for the summary on stderr. */
export class ReplaySummary {
  private lines = 0;
  private events = 0;
  private withoutToken = 0;
  private readonly rejected = new Map<string, number>();
  private firstTs: number | null = null;
  private lastTs: number | null = null;

  add(result: BatchResult, lines: number): void {
    this.lines += lines;
    this.events += result.events;
    this.withoutToken += result.withoutToken;
    for (const reject of result.rejects) {
      this.rejected.set(reject.reason, (this.rejected.get(reject.reason) ?? 0) + 1);
    }
    if (result.oldestTs !== null && (this.firstTs === null || result.oldestTs < this.firstTs)) {
      this.firstTs = result.oldestTs;
    }
    if (result.newestTs !== null && (this.lastTs === null || result.newestTs > this.lastTs)) {
      this.lastTs = result.newestTs;
    }
  }

  /** What was read, for the report's "run" section. */
  facts(input: string, tokens: number): RunFacts {
    return {
      input,
      lines: this.lines,
      events: this.events,
      withoutToken: this.withoutToken,
      rejected: Object.fromEntries(this.rejected),
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      tokens,
    };
  }

  render(decisions: readonly Decision[], tokens: number): string {
    const out: string[] = ["", "replay summary"];
    out.push(`  lines read         ${this.lines}`);
    out.push(`  events             ${this.events} (${this.withoutToken} without a token)`);
    out.push(`  tokens             ${tokens}`);
    if (this.firstTs !== null && this.lastTs !== null) {
      const from = new Date(this.firstTs).toISOString();
      const to = new Date(this.lastTs).toISOString();
      out.push(`  time span          ${from} .. ${to}`);
    }
    const rejected = [...this.rejected].map(([reason, n]) => `${reason}=${n}`).join(" ");
    out.push(`  rejected           ${sum(this.rejected)}${rejected ? ` (${rejected})` : ""}`);

    const byAction = countBy(decisions, (decision) => decision.action);
    const actions = [...byAction].map(([action, n]) => `${action}=${n}`).join(" ");
    out.push(`  decisions          ${decisions.length}${actions ? ` (${actions})` : ""}`);
    for (const [rule, n] of countBy(decisions, (decision) => decision.ruleId)) {
      out.push(`    ${rule.padEnd(32)} ${n}`);
    }
    const revoked = new Set(
      decisions.filter((d) => d.action === "revoke").map((decision) => decision.tokenFp),
    );
    out.push(
      `  tokens revoked     ${revoked.size}${revoked.size ? ` (${[...revoked].join(", ")})` : ""}`,
    );
    return `${out.join("\n")}\n`;
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function sum(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
