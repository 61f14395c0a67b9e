import { isAttack, type TokenLabel } from "./label.js";
import type { FindingRecord } from "./verdict.js";

/*
 * Each rule on its own, from its raw findings (before cooldowns, the risk
 * score and the guards, shadow rules included): which tokens it fired on,
 * how many of those were under attack at the time, how many attacked
 * tokens it caught, and how often it fires on owners alone. Findings are
 * tallied as they come, so a rule firing on every event of a long run
 * costs counters, not memory per finding.
 */

/** What the rule set says about a rule, for the report. */
export interface RuleInfo {
  readonly id: string;
  readonly mode: string;
  readonly action: string;
}

/** One rule's figures. */
export interface RuleScore extends RuleInfo {
  readonly findings: number;
  /** Labelled tokens it fired on. */
  readonly tokens: number;
  /** Tokens fired on during an attack, over all labelled tokens fired on. */
  readonly precision: number | null;
  /** Attacked tokens fired on during the attack, over all attacked tokens. */
  readonly recall: number | null;
  /** Findings on owners alone, per 10,000 benign token-days. */
  readonly benignFiresPer10kTokenDays: number | null;
  /** Findings per 1,000 events, every token. */
  readonly firesPer1kEvents: number | null;
  /** Attacked tokens caught, per scenario. */
  readonly caught: Readonly<Record<string, number>>;
}

interface Tally {
  findings: number;
  benignFires: number;
  readonly tokens: Set<string>;
  readonly hits: Set<string>;
}

/** Tallies findings per rule against the labels. */
export class RuleTally {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly labels: ReadonlyMap<string, TokenLabel>) {}

  add(finding: FindingRecord): void {
    let tally = this.tallies.get(finding.ruleId);
    if (!tally) {
      tally = { findings: 0, benignFires: 0, tokens: new Set(), hits: new Set() };
      this.tallies.set(finding.ruleId, tally);
    }
    tally.findings += 1;

    const label = this.labels.get(finding.tokenFp);
    if (!label) return;
    tally.tokens.add(finding.tokenFp);
    if (isAttack(label) && finding.ts >= (label.attackStart as number)) {
      tally.hits.add(finding.tokenFp);
    } else {
      tally.benignFires += 1;
    }
  }

  /** Every rule of the rule set, and any other rule id that fired. */
  scores(rules: readonly RuleInfo[], events: number): RuleScore[] {
    const known = new Map(rules.map((rule) => [rule.id, rule]));
    for (const id of this.tallies.keys()) {
      if (!known.has(id)) known.set(id, { id, mode: "unknown", action: "unknown" });
    }
    const all = [...this.labels.values()];
    const attacked = all.filter(isAttack).length;
    const tokenDays = all.reduce((sum, label) => sum + label.benignDays, 0);

    return [...known.values()].map((rule) => {
      const tally = this.tallies.get(rule.id);
      const hits = tally?.hits.size ?? 0;
      const tokens = tally?.tokens.size ?? 0;
      const findings = tally?.findings ?? 0;
      const caught: Record<string, number> = {};
      for (const fp of tally?.hits ?? []) {
        const scenario = this.labels.get(fp)?.scenario ?? "unlabelled";
        caught[scenario] = (caught[scenario] ?? 0) + 1;
      }
      return {
        ...rule,
        findings,
        tokens,
        precision: tokens === 0 ? null : round(hits / tokens),
        recall: attacked === 0 ? null : round(hits / attacked),
        benignFiresPer10kTokenDays:
          tokenDays === 0 ? null : round(((tally?.benignFires ?? 0) * 10_000) / tokenDays),
        firesPer1kEvents: events === 0 ? null : round((findings * 1_000) / events),
        caught,
      };
    });
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
