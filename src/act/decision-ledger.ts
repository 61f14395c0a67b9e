import type { Decision } from "../decide/decision.js";
import { DependencyError, TokenwatchError } from "../errors.js";
import type { RedisClient } from "../state/state-scripts.js";

/** Decisions can be marked as false positives for this long after they were made. */
const LEDGER_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/** What the ledger keeps of a decision: enough to find its rule, nothing secret. */
export interface LedgerEntry {
  readonly decisionId: string;
  readonly tokenFp: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly action: string;
  readonly ts: number;
}

/** Per-rule counts of decisions and of those people marked as false positives. */
export interface RuleQuality {
  readonly rule: string;
  readonly decisions: number;
  readonly falsePositives: number;
}

/**
 * Remembers decisions so that a person can later mark one as a false positive
 * (`tokenwatch decisions false-positive <id>`), and keeps per-rule counts in
 * Redis so that every process, and the CLI, see the same rule quality.
 *
 * Keys under `redis.keyPrefix` `P`: `P{ledger}:d:<decision id>` (JSON entry,
 * 90 days), `P{ledger}:fp:<decision id>` (the mark), `P{ledger}:quality` (hash
 * `<rule>|decisions`, `<rule>|false_positives`). The hash tag keeps them in
 * one Redis Cluster slot, which is what lets `record` send a batch's writes
 * as one pipeline (on a Cluster a pipeline may only address one node). The
 * price is that all ledger traffic lands on one master; it is one write per
 * decision, not per event, so that master carries a tiny share of the load.
 *
 * A decision is counted once even when its batch is redelivered: the entry is
 * written with NX and only a new entry increments the count.
 */
export class DecisionLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(kind: string, id = ""): string {
    return `${this.prefix}{ledger}:${kind}${id ? `:${id}` : ""}`;
  }

  async record(decisions: readonly Decision[]): Promise<void> {
    if (decisions.length === 0) return;
    const writes = this.redis.pipeline();
    for (const decision of decisions) {
      const entry: LedgerEntry = {
        decisionId: decision.id,
        tokenFp: decision.tokenFp,
        ruleId: decision.ruleId,
        ruleVersion: decision.ruleVersion,
        action: decision.action,
        ts: decision.ts,
      };
      writes.set(this.key("d", decision.id), JSON.stringify(entry), "PX", LEDGER_TTL_MS, "NX");
    }
    const results = (await writes.exec()) ?? [];

    const counts = this.redis.pipeline();
    results.forEach(([err, reply], i) => {
      const decision = decisions[i];
      if (err || reply !== "OK" || !decision) return;
      counts.hincrby(this.key("quality"), `${decision.ruleId}|decisions`, 1);
    });
    if (counts.length > 0) await counts.exec();
  }

  async get(decisionId: string): Promise<LedgerEntry | null> {
    const value = await this.redis.get(this.key("d", decisionId));
    return value === null ? null : (JSON.parse(value) as LedgerEntry);
  }

  /**
   * Mark a decision as a false positive; false when it was already marked.
   * @throws TokenwatchError `DECISION_UNKNOWN` when the ledger has no such decision.
   */
  async markFalsePositive(decisionId: string): Promise<{ entry: LedgerEntry; marked: boolean }> {
    const entry = await this.get(decisionId);
    if (!entry) {
      throw new TokenwatchError(
        "DECISION_UNKNOWN",
        `no decision ${decisionId} in the ledger: check the id (the "id" of the alert) ` +
          "and the redis.keyPrefix; decisions are kept 90 days",
      );
    }
    const ok = await this.redis.set(this.key("fp", decisionId), "1", "PX", LEDGER_TTL_MS, "NX");
    if (ok !== "OK") return { entry, marked: false };
    await this.redis.hincrby(this.key("quality"), `${entry.ruleId}|false_positives`, 1);
    return { entry, marked: true };
  }

  /** Per-rule counts, for the metrics endpoint. */
  async quality(): Promise<RuleQuality[]> {
    let hash: Record<string, string>;
    try {
      hash = await this.redis.hgetall(this.key("quality"));
    } catch (err) {
      throw new DependencyError("LEDGER_UNAVAILABLE", "reading rule quality failed", {
        cause: err,
      });
    }
    const byRule = new Map<string, { decisions: number; falsePositives: number }>();
    for (const [field, value] of Object.entries(hash)) {
      const [rule, kind] = field.split("|");
      if (!rule) continue;
      const counts = byRule.get(rule) ?? { decisions: 0, falsePositives: 0 };
      if (kind === "decisions") counts.decisions = Number(value);
      if (kind === "false_positives") counts.falsePositives = Number(value);
      byRule.set(rule, counts);
    }
    return [...byRule].map(([rule, counts]) => ({ rule, ...counts }));
  }
}
