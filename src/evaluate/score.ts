import { quantileSorted } from "simple-statistics";
import type { AttackActivity } from "./attack-activity.js";
import { isAttack, type TokenLabel } from "./label.js";
import { byToken, type Verdict } from "./verdict.js";

/*
 * Detection quality of one system (tokenwatch, or the baseline) over
 * labelled tokens. Everything is counted per token: a token is detected
 * when any verdict on it comes at or after its attack start, falsely
 * flagged when a verdict comes while only its owner used it. Time to
 * detect is the attacker's activity before the first verdict: seconds
 * since the attack's first request, and attacker requests let through.
 */

/** A ratio with its counts, so a reader sees 0/0 for what it is. */
export interface Ratio {
  readonly value: number | null;
  readonly hits: number;
  readonly of: number;
}

/** How long the attacker was active before a verdict, over the detected tokens. */
export interface Delay {
  readonly tokens: number;
  readonly medianSeconds: number | null;
  readonly p90Seconds: number | null;
  readonly medianRequests: number | null;
  readonly p90Requests: number | null;
}

/** The figures of one group of tokens (a scenario, a family, or all of them). */
export interface Figures {
  readonly tokens: number;
  readonly attacked: number;
  readonly benignTokenDays: number;
  readonly alerts: {
    readonly precision: Ratio;
    readonly recall: Ratio;
    readonly falseTokens: number;
  };
  readonly revocations: {
    readonly precision: Ratio;
    readonly recall: Ratio;
    readonly falseRevocations: number;
  };
  readonly timeToAlert: Delay;
  readonly timeToRevoke: Delay;
  /** Tokens revoked while only their owner used them, per 10,000 benign token-days. */
  readonly falseRevocationsPer10kTokenDays: number | null;
}

/** Verdicts on one token, split at its attack start. */
interface TokenOutcome {
  readonly label: TokenLabel;
  readonly firstAlert: Verdict | null;
  readonly firstRevoke: Verdict | null;
  readonly falseAlert: boolean;
  readonly falseRevoke: boolean;
}

/** Figures for `labels` given a system's verdicts. */
export function figures(
  labels: readonly TokenLabel[],
  verdicts: ReadonlyMap<string, readonly Verdict[]>,
  activity: AttackActivity,
): Figures {
  const outcomes = labels.map((label) => outcomeOf(label, verdicts.get(label.fingerprint) ?? []));
  const attacks = outcomes.filter((o) => isAttack(o.label));
  const flagged = outcomes.filter((o) => o.firstAlert || o.falseAlert);
  const revoked = outcomes.filter((o) => o.firstRevoke || o.falseRevoke);
  const mustRevoke = attacks.filter((o) => o.label.expect === "revoke");
  const falseRevocations = outcomes.filter((o) => o.falseRevoke).length;
  const tokenDays = labels.reduce((sum, label) => sum + label.benignDays, 0);

  return {
    tokens: labels.length,
    attacked: attacks.length,
    benignTokenDays: tokenDays,
    alerts: {
      precision: ratio(flagged.filter((o) => o.firstAlert).length, flagged.length),
      recall: ratio(attacks.filter((o) => o.firstAlert).length, attacks.length),
      falseTokens: flagged.filter((o) => !o.firstAlert).length,
    },
    revocations: {
      precision: ratio(revoked.filter((o) => o.firstRevoke).length, revoked.length),
      recall: ratio(mustRevoke.filter((o) => o.firstRevoke).length, mustRevoke.length),
      falseRevocations,
    },
    timeToAlert: delay(attacks, (o) => o.firstAlert, activity),
    timeToRevoke: delay(attacks, (o) => o.firstRevoke, activity),
    falseRevocationsPer10kTokenDays:
      tokenDays === 0 ? null : round((falseRevocations * 10_000) / tokenDays),
  };
}

/** Figures per scenario and overall. */
export function scoreSystem(
  labels: ReadonlyMap<string, TokenLabel>,
  verdicts: readonly Verdict[],
  activity: AttackActivity,
): { overall: Figures; scenarios: Record<string, Figures>; unlabelledTokens: number } {
  const grouped = byToken(verdicts);
  const all = [...labels.values()];
  const scenarios: Record<string, Figures> = {};
  for (const name of [...new Set(all.map((label) => label.scenario))].sort()) {
    scenarios[name] = figures(
      all.filter((label) => label.scenario === name),
      grouped,
      activity,
    );
  }
  const unlabelledTokens = [...grouped.keys()].filter((fp) => !labels.has(fp)).length;
  return { overall: figures(all, grouped, activity), scenarios, unlabelledTokens };
}

function outcomeOf(label: TokenLabel, verdicts: readonly Verdict[]): TokenOutcome {
  const start = isAttack(label) ? (label.attackStart as number) : Number.POSITIVE_INFINITY;
  const before = verdicts.filter((v) => v.ts < start);
  const after = verdicts.filter((v) => v.ts >= start);
  return {
    label,
    firstAlert: after[0] ?? null,
    firstRevoke: after.find((v) => v.action === "revoke") ?? null,
    falseAlert: before.length > 0,
    falseRevoke: before.some((v) => v.action === "revoke"),
  };
}

function delay(
  attacks: readonly TokenOutcome[],
  pick: (outcome: TokenOutcome) => Verdict | null,
  activity: AttackActivity,
): Delay {
  const seconds: number[] = [];
  const requests: number[] = [];
  for (const outcome of attacks) {
    const verdict = pick(outcome);
    if (!verdict) continue;
    seconds.push((verdict.ts - (outcome.label.attackStart as number)) / 1000);
    requests.push(activity.requestsUntil(outcome.label.fingerprint, verdict.ts));
  }
  return {
    tokens: seconds.length,
    medianSeconds: quantile(seconds, 0.5),
    p90Seconds: quantile(seconds, 0.9),
    medianRequests: quantile(requests, 0.5),
    p90Requests: quantile(requests, 0.9),
  };
}

function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  return round(
    quantileSorted(
      [...values].sort((a, b) => a - b),
      p,
    ),
  );
}

function ratio(hits: number, of: number): Ratio {
  return { value: of === 0 ? null : round(hits / of), hits, of };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
