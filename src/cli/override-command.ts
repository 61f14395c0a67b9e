import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { overrideAuditRecord } from "../act/audit-record.js";
import { DecisionLedger } from "../act/decision-ledger.js";
import { Denylist } from "../act/denylist.js";
import { OUTPUT_PRODUCER } from "../act/kafka-outputs.js";
import { createRevocationSigner } from "../act/revocation-signer.js";
import { buildWithdrawalEvent } from "../act/revocation-withdrawal.js";
import { loadConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { DependencyError, TokenwatchError } from "../errors.js";
import { isFingerprint } from "../identity/fingerprint.js";
import { connectConfiguredRedis } from "../state/redis-client.js";
import { RedisTokenStateStore } from "../state/redis-store.js";
import type { RevocationStatus } from "../state/token-state-store.js";
import { EXIT } from "./exit-codes.js";

export interface OverrideOptions {
  readonly config?: string;
  readonly reason?: string;
}

/**
 * `tokenwatch revocations undo <fingerprint>`: end a revocation's effects.
 * Publishes a withdrawal SET (keyed by the fingerprint, so it lands after
 * the revocation) and an audit record, then clears the denylist entry and,
 * in one script on the token's state, the revoked mark (`window.revokedAt`,
 * which drives `revocation-not-enforced` and `revoked-token-retried`) and
 * the revocation claim. The claim is kept as `withdrawn`: a later sharing
 * episode may revoke the token again, a redelivery of the withdrawn
 * decision may not.
 *
 * Exit 2 when tokenwatch has no revocation of the token (no claim, denylist
 * entry or revoked mark); a second undo publishes nothing and says so.
 * Publishing comes first, so a Kafka outage leaves the token denied and the
 * command can be re-run; a revocation being delivered at the same moment may
 * leave its denylist entry behind, and a re-run clears it too.
 */
export async function revocationUndoCommand(
  tokenFp: string,
  options: OverrideOptions,
): Promise<number> {
  if (!isFingerprint(tokenFp)) {
    throw new TokenwatchError(
      "ARGUMENT_INVALID",
      `"${tokenFp}" is not a token fingerprint: pass the 22-character "token" of the alert`,
    );
  }
  const { config } = loadConfig(options.config ?? null);
  const signer = await createRevocationSigner(config.revocations);

  return withClients(config, async ({ redis, send }) => {
    const denylist = new Denylist(
      redis,
      config.revocations.denylistPrefix,
      config.policy.revocationTtlMs,
    );
    const store = new RedisTokenStateStore(redis, config.state, config.redis.keyPrefix, {
      quitOnClose: false,
    });
    const entry = await denylist.get(tokenFp);
    const status = await store.revocationStatus(tokenFp);

    const claimed = status.claim === "pending" || status.claim === "delivered";
    if (entry === null && !claimed && status.revokedAt === null) {
      if (status.claim !== "withdrawn") throw unknownRevocation(tokenFp);
      process.stdout.write(
        `token ${tokenFp}: the revocation by decision ${status.holder} was already ` +
          "withdrawn; nothing published\n",
      );
      return EXIT.OK;
    }

    const decisionId = entry?.decisionId || status.holder;
    const withdrawal = buildWithdrawalEvent({
      tokenFp,
      decisionId,
      reason: options.reason ?? null,
      issuer: config.revocations.issuer,
      audience: config.kafka.revocationsTopic,
      jti: randomUUID(),
    });
    const audit = overrideAuditRecord({
      kind: "revocation_undone",
      tokenFp,
      decisionId,
      ruleId: entry?.ruleId || null,
      reason: options.reason ?? null,
    });

    // Publish first: if Kafka is down, the denylist entry stays and the command can be re-run.
    await send(config.kafka.revocationsTopic, tokenFp, await signer.encode(withdrawal));
    if (config.audit.topic) await send(config.audit.topic, tokenFp, JSON.stringify(audit));
    const removed = await denylist.remove(tokenFp);
    const before = await store.withdrawRevocation(tokenFp);

    process.stdout.write(`token ${tokenFp}: withdrawal published, ${cleared(removed, before)}\n`);
    return EXIT.OK;
  });
}

/** What an undo cleared, in words, e.g. "denylist entry removed, revoked mark cleared". */
function cleared(denylistRemoved: boolean, before: RevocationStatus): string {
  const parts = [denylistRemoved ? "denylist entry removed" : "no denylist entry was present"];
  if (before.claim === "pending" || before.claim === "delivered") {
    parts.push("revocation claim withdrawn");
  }
  if (before.revokedAt !== null) parts.push("revoked mark cleared");
  return parts.join(", ");
}

function unknownRevocation(tokenFp: string): TokenwatchError {
  return new TokenwatchError(
    "REVOCATION_UNKNOWN",
    `tokenwatch has no revocation of token ${tokenFp} (no claim, denylist entry or revoked ` +
      'mark): check the fingerprint against the "token" of the revoke alert, and the ' +
      "configuration's redis.url, redis.keyPrefix and revocations.denylistPrefix",
  );
}

/**
 * `tokenwatch decisions false-positive <decision-id>`: mark a decision as a
 * false positive. The per-rule count feeds `tokenwatch_rule_false_positives`
 * on every process's /metrics; an audit record says who marked it and why.
 */
export async function falsePositiveCommand(
  decisionId: string,
  options: OverrideOptions,
): Promise<number> {
  const { config } = loadConfig(options.config ?? null);

  return withClients(config, async ({ redis, send }) => {
    const ledger = new DecisionLedger(redis, config.redis.keyPrefix);
    const { entry, marked } = await ledger.markFalsePositive(decisionId);
    if (marked && config.audit.topic) {
      const audit = overrideAuditRecord({
        kind: "false_positive",
        tokenFp: entry.tokenFp,
        decisionId,
        ruleId: entry.ruleId,
        reason: options.reason ?? null,
      });
      await send(config.audit.topic, entry.tokenFp, JSON.stringify(audit));
    }
    const state = marked ? "marked as a false positive" : "was already marked";
    process.stdout.write(
      `decision ${decisionId} (rule ${entry.ruleId} v${entry.ruleVersion}, ` +
        `${entry.action} of token ${entry.tokenFp}) ${state}\n`,
    );
    return EXIT.OK;
  });
}

type Send = (topic: string, key: string, value: string) => Promise<void>;

/** Run `work` with a Redis connection and a Kafka producer, closing both afterwards. */
async function withClients<T>(
  config: Config,
  work: (clients: {
    redis: Awaited<ReturnType<typeof connectConfiguredRedis>>;
    send: Send;
  }) => Promise<T>,
): Promise<T> {
  const redis = await connectConfiguredRedis(config.redis, {
    connectionName: "tokenwatch-cli",
  });
  const kafka = new Kafka({
    clientId: `${config.kafka.clientId}-cli`,
    brokers: [...config.kafka.brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer(OUTPUT_PRODUCER);
  try {
    await producer.connect();
    const send: Send = async (topic, key, value) => {
      await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    };
    return await work({ redis, send });
  } catch (err) {
    if (err instanceof TokenwatchError) throw err;
    throw new DependencyError(
      "OVERRIDE_FAILED",
      `the override did not complete: ${describe(err)}`,
      {
        cause: err,
      },
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
    redis.disconnect();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
