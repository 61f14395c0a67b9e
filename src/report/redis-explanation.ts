import { TokenwatchError } from "../errors.js";
import type { StateKeys } from "../state/state-keys.js";
import type { RedisClient } from "../state/state-scripts.js";
import {
  FIVE_MINUTES_MS,
  HOUR_MS,
  MINUTE_MS,
  minuteOf,
  RETAINED_MINUTES,
} from "../state/windows.js";
import type { Remembered, TokenExplanation } from "./token-explanation.js";

/**
 * Read one token's state from Redis for `tokenwatch explain`, without
 * writing anything: HGETALL and GET only, on the keys
 * state/state-keys.ts lays out. Windows are computed as of the token's
 * newest event time (meta `l`), the way the store computes them for an
 * event at that time. Every read names one key of one token, all in the
 * token's hash-tag slot, so it works the same on a Redis Cluster.
 */
export async function explainFromRedis(
  redis: RedisClient,
  keys: StateKeys,
  tokenFp: string,
): Promise<TokenExplanation> {
  const k = keys.forToken(tokenFp);
  const [meta, buckets, cooldowns, revocation] = await Promise.all([
    redis.hgetall(k.meta),
    redis.hgetall(k.buckets),
    redis.hgetall(k.cooldowns),
    redis.get(k.revocation),
  ]);
  if (meta.l === undefined) {
    throw new TokenwatchError(
      "TOKEN_UNKNOWN",
      `no state for token ${tokenFp} under key prefix "${keys.prefix}"; check the fingerprint ` +
        '(an alert\'s "token") and redis.keyPrefix, or the token expired (state.ttlMs)',
    );
  }

  const lastSeen = Number(meta.l);
  const now = minuteOf(lastSeen);
  const perMinute = minuteCounts(buckets);
  const sumSince = (from: number) =>
    [...perMinute].reduce(
      (sum, [minute, n]) => (minute > from && minute <= now ? sum + n : sum),
      0,
    );
  const network = recencySet(meta, "n");
  const agent = recencySet(meta, "u");
  const within = (list: Remembered[], ms: number) =>
    list.filter((item) => item.lastSeen > lastSeen - ms).length;
  const firstSeen = meta.f === undefined ? null : Number(meta.f);

  return {
    tokenFp,
    source: `redis ${keys.prefix}{${tokenFp}}`,
    consumerId: null,
    credentialId: null,
    firstSeen,
    lastSeen,
    totalRequests: Number(meta.t ?? 0),
    windows: {
      requests1m: perMinute.get(now) ?? 0,
      requests5m: sumSince(now - FIVE_MINUTES_MS / MINUTE_MS),
      requests1h: sumSince(now - HOUR_MS / MINUTE_MS),
      networks5m: within(network, FIVE_MINUTES_MS),
      networks1h: within(network, HOUR_MS),
      userAgents1h: within(agent, HOUR_MS),
    },
    minuteHistory: history(perMinute, now, firstSeen === null ? now : minuteOf(firstSeen)),
    hourOfWeek: Array.from({ length: 7 }, (_, day) => levels(meta[`w${day}`])),
    activeHours: meta.hc === undefined ? null : Number(meta.hc),
    networks: network,
    userAgents: agent,
    // Redis keeps no decision log (the alerts topic does), only each rule's last firing.
    decisions: [],
    ruleFirings: lastFirings(cooldowns),
    revokedBy: revocation === null ? null : decisionIdOf(revocation),
  };
}

/**
 * The claim holds `<decision id>:done` once confirm-revocation-2.lua recorded
 * the delivery; the suffix is a delivery mark, not part of the decision id.
 */
function decisionIdOf(claim: string): string {
  return claim.replace(/:done$/, "");
}

/** Minute buckets only: the hash also holds `s<minute>` and `d<minute>` counters. */
function minuteCounts(buckets: Record<string, string>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [field, value] of Object.entries(buckets)) {
    if (/^\d+$/.test(field)) counts.set(Number(field), Number(value));
  }
  return counts;
}

/** Completed minutes of the last hour, not before the token's first minute. */
function history(counts: Map<number, number>, now: number, first: number): number[] {
  const from = Math.max(first, now - RETAINED_MINUTES);
  const minutes: number[] = [];
  for (let minute = from; minute < now; minute++) minutes.push(counts.get(minute) ?? 0);
  return minutes;
}

/** The members of one recency set of the meta hash (`<set>:<member>` → last seen), newest first. */
function recencySet(meta: Record<string, string>, set: "n" | "u"): Remembered[] {
  const prefix = `${set}:`;
  const items: Remembered[] = [];
  for (const [field, value] of Object.entries(meta)) {
    if (field.startsWith(prefix)) {
      items.push({ name: field.slice(prefix.length), lastSeen: Number(value) });
    }
  }
  return items.sort((a, b) => b.lastSeen - a.lastSeen);
}

/** A day's 24 hex digits (one level per UTC hour), or zeros when the day is empty. */
function levels(text: string | undefined): number[] {
  return Array.from({ length: 24 }, (_, hour) => Number.parseInt(text?.[hour] ?? "0", 16) || 0);
}

/** The cooldown hash: rule id → `<event time>:<decision id>` of the rule's last firing. */
function lastFirings(cooldowns: Record<string, string>): TokenExplanation["ruleFirings"] {
  return Object.entries(cooldowns)
    .map(([ruleId, value]) => {
      const [ts = "0", decisionId = "-"] = value.split(":");
      return { ruleId, ts: Number(ts), decisionId };
    })
    .sort((a, b) => b.ts - a.ts);
}
