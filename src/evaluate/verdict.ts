/*
 * What the evaluator scores: verdicts (decisions, tokenwatch's or the
 * baseline's) and raw findings, reduced to the few fields scoring needs.
 */

/** An action a system took on a token at an event time. */
export interface Verdict {
  readonly tokenFp: string;
  readonly ts: number;
  readonly action: "alert" | "step_up" | "revoke";
  readonly ruleId: string;
}

/** One detector finding, before cooldowns and the policy (shadow ones included). */
export interface FindingRecord {
  readonly tokenFp: string;
  readonly ts: number;
  readonly ruleId: string;
}

/** Verdicts grouped per token, in event-time order. */
export function byToken<T extends { readonly tokenFp: string; readonly ts: number }>(
  items: readonly T[],
): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(item.tokenFp);
    if (list) list.push(item);
    else grouped.set(item.tokenFp, [item]);
  }
  for (const list of grouped.values()) list.sort((a, b) => a.ts - b.ts);
  return grouped;
}
