import type { Cluster, Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { decodeSnapshot } from "../../src/state/token-snapshot.js";
import { readTopic } from "./kafka.js";
import type { KnownStream } from "./known-stream.js";

/** How the per-token request totals in Redis compare with the known stream. */
export interface CountTally {
  /** Events the stream holds. */
  readonly expected: number;
  /** Requests the state counted, summed over the stream's tokens. */
  readonly counted: number;
  /** Events never counted: per token, expected minus counted when positive. */
  readonly lost: number;
  /** Events counted more than once: per token, counted minus expected when positive. */
  readonly duplicated: number;
}

/** A token's request total as stored (the state snapshot `P{F}:s`, see src/state/state-keys.ts). */
export async function storedTotal(
  redis: Redis | Cluster,
  keyPrefix: string,
  tokenFp: string,
): Promise<number> {
  const text = await redis.get(`${keyPrefix}{${tokenFp}}:s`);
  return text === null ? 0 : decodeSnapshot(text).state.totalRequests;
}

/** Read every token's stored total and compare it with the known stream. */
export async function tallyCounts(
  redis: Redis | Cluster,
  keyPrefix: string,
  stream: KnownStream,
): Promise<CountTally> {
  let expected = 0;
  let counted = 0;
  let lost = 0;
  let duplicated = 0;
  for (const [fp, want] of stream.expectedCounts) {
    const got = await storedTotal(redis, keyPrefix, fp);
    expected += want;
    counted += got;
    lost += Math.max(0, want - got);
    duplicated += Math.max(0, got - want);
  }
  return { expected, counted, lost, duplicated };
}

/**
 * Poll the tally until `target` events (by default the whole stream) are
 * counted or `timeoutMs` passes; returns the last tally either way, for the
 * test to assert on.
 */
export async function waitForCounts(
  redis: Redis | Cluster,
  keyPrefix: string,
  stream: KnownStream,
  timeoutMs: number,
  target = stream.size,
): Promise<CountTally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tally = await tallyCounts(redis, keyPrefix, stream).catch(() => null);
    const done = tally !== null && tally.counted >= target;
    if (tally && (done || Date.now() > deadline)) return tally;
    if (Date.now() > deadline) throw new Error("redis did not answer for the tally");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Revocations on the topic compared with the tokens the stream should revoke. */
export interface RevocationTally {
  /** Tokens the stream should revoke. */
  readonly expected: number;
  /** Distinct tokens revoked. */
  readonly revoked: number;
  /** Expected tokens without a revocation. */
  readonly missing: number;
  /** Tokens revoked by more than one decision (distinct `jti`), or never expected. */
  readonly duplicateRevocations: number;
  /** Records beyond one per revoked token, same `jti` (a republish after a crash). */
  readonly republished: number;
}

/**
 * Read the revocations topic (once every expected token shows up, plus a
 * settle time for late duplicates) and tally it per token fingerprint.
 */
export async function tallyRevocations(
  kafka: Kafka,
  topic: string,
  stream: KnownStream,
  timeoutMs: number,
): Promise<RevocationTally> {
  const records = await readTopic(kafka, topic, {
    timeoutMs,
    settleMs: 3_000,
    until: (read) => new Set(read.map((record) => record.key)).size >= stream.revokedTokens.size,
  });

  const jtisByToken = new Map<string, Set<string>>();
  for (const record of records) {
    const key = record.key ?? "";
    const jti = (JSON.parse(record.value) as { jti: string }).jti;
    const jtis = jtisByToken.get(key) ?? new Set<string>();
    jtis.add(jti);
    jtisByToken.set(key, jtis);
  }

  let missing = 0;
  for (const fp of stream.revokedTokens) if (!jtisByToken.has(fp)) missing++;
  let duplicateRevocations = 0;
  for (const [fp, jtis] of jtisByToken) {
    if (!stream.revokedTokens.has(fp)) duplicateRevocations += jtis.size;
    else duplicateRevocations += jtis.size - 1;
  }
  return {
    expected: stream.revokedTokens.size,
    revoked: jtisByToken.size,
    missing,
    duplicateRevocations,
    republished: records.length - jtisByToken.size,
  };
}
