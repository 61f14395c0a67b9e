import { TokenwatchError } from "../errors.js";
import { HourProfile } from "../state/hour-profile.js";
import { parseClaim } from "../state/redis-store.js";
import { RequestTimeline } from "../state/request-timeline.js";
import type { StateKeys } from "../state/state-keys.js";
import type { RedisClient } from "../state/state-scripts.js";
import { decodeSnapshot } from "../state/token-snapshot.js";
import type { TokenStateSnapshot } from "../state/token-state.js";
import { FIVE_MINUTES_MS, HOUR_MS } from "../state/windows.js";
import type { Remembered, TokenExplanation } from "./token-explanation.js";

/**
 * Read one token's state from Redis for `tokenwatch explain`, without
 * writing anything: GET and HGETALL only, on the keys state/state-keys.ts
 * lays out. Windows are computed as of the token's newest event time, the
 * way the store computes them for an event at that time. Every read names
 * one key of one token, all in the token's hash-tag slot, so it works the
 * same on a Redis Cluster.
 */
export async function explainFromRedis(
  redis: RedisClient,
  keys: StateKeys,
  tokenFp: string,
): Promise<TokenExplanation> {
  const k = keys.forToken(tokenFp);
  const [text, cooldowns, revocation] = await Promise.all([
    redis.get(k.state),
    redis.hgetall(k.cooldowns),
    redis.get(k.revocation),
  ]);
  if (text === null) {
    throw new TokenwatchError(
      "TOKEN_UNKNOWN",
      `no state for token ${tokenFp} under key prefix "${keys.prefix}"; check the fingerprint ` +
        '(an alert\'s "token") and redis.keyPrefix, or the token expired (state.ttlMs)',
    );
  }

  const { state } = decodeSnapshot(text);
  const lastSeen = state.newestTs as number;
  const rates = RequestTimeline.restore(state).ratesAt(lastSeen);
  const network = newestFirst(state.networks);
  const agent = newestFirst(state.userAgents);
  const within = (list: Remembered[], ms: number) =>
    list.filter((item) => item.lastSeen > lastSeen - ms).length;

  return {
    tokenFp,
    source: `redis ${keys.prefix}{${tokenFp}}`,
    consumerId: null,
    credentialId: null,
    firstSeen: state.firstSeen,
    lastSeen,
    totalRequests: state.totalRequests,
    windows: {
      requests1m: rates.requests1m,
      requests5m: rates.requests5m,
      requests1h: rates.requests1h,
      networks5m: within(network, FIVE_MINUTES_MS),
      networks1h: within(network, HOUR_MS),
      userAgents1h: within(agent, HOUR_MS),
    },
    minuteHistory: rates.minuteHistory,
    hourOfWeek: HourProfile.restore(state.hours).week(),
    activeHours: state.hours.active,
    networks: network,
    userAgents: agent,
    // Redis keeps no decision log (the alerts topic does), only each rule's last firing.
    decisions: [],
    ruleFirings: lastFirings(cooldowns),
    ...revocationOf(parseClaim(revocation)),
  };
}

/** Who holds the token's revocation, or whose revocation an operator withdrew. */
function revocationOf(claim: ReturnType<typeof parseClaim>) {
  const active = claim.claim === "pending" || claim.claim === "delivered";
  return {
    revokedBy: active ? claim.holder : null,
    withdrawnRevocation: claim.claim === "withdrawn" ? claim.holder : null,
  };
}

function newestFirst(members: TokenStateSnapshot["networks"]): Remembered[] {
  return members
    .map(([name, lastSeen]) => ({ name, lastSeen }))
    .sort((a, b) => b.lastSeen - a.lastSeen);
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
