import type { Logger } from "pino";
import type { Decision } from "../decide/decision.js";
import type { Metrics } from "../observe/metrics.js";
import type { BatchEffects } from "../pipeline/pipeline.js";
import type { AlertmanagerSink } from "./alertmanager-sink.js";
import type { DecisionLedger } from "./decision-ledger.js";
import type { DeliveryDeadLetter } from "./delivery-dead-letter.js";
import type { Denylist, DenylistEntry } from "./denylist.js";
import { decisionNotification, guardNotification, type Notification } from "./notification.js";
import type { EncodedRevocation, RevocationEndpoint } from "./revocation-endpoint.js";
import type { WebhookSink } from "./webhook-sink.js";

/** Everything beyond Kafka a batch's effects may go to; each part is optional. */
export interface ActionTargets {
  readonly denylist: Denylist | null;
  readonly ledger: DecisionLedger | null;
  readonly webhooks: WebhookSink | null;
  readonly alertmanager: AlertmanagerSink | null;
  readonly revocationEndpoint: RevocationEndpoint | null;
  /** `webhooks.deadLineMs`: no HTTP attempt starts later than this after delivery began. */
  readonly deadlineMs: number;
  readonly deadLetterTopic: string;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/** Names of the enforcement targets a revocation goes to, for the audit record. */
export function targetNames(targets: ActionTargets): string[] {
  const names: string[] = [];
  if (targets.denylist) names.push("denylist");
  if (targets.revocationEndpoint?.enabled) names.push("revocation_http");
  return names;
}

/**
 * Deliver a batch's effects to the targets and return what the HTTP sinks
 * gave up on. The denylist goes first and must succeed (it throws, and the
 * delivery is retried from there): a revocation the gateways cannot see is
 * not done. The HTTP sinks run in parallel under one deadline, so a dead
 * endpoint holds the batch for at most `deadlineMs` plus one request timeout.
 */
export async function deliverToTargets(
  targets: ActionTargets,
  effects: BatchEffects,
  revocations: readonly EncodedRevocation[],
): Promise<DeliveryDeadLetter[]> {
  await writeDenylist(targets, effects.decisions);
  if (targets.ledger) {
    // Rule quality is bookkeeping: losing it must not hold up alerts and revocations.
    await targets.ledger.record(effects.decisions).catch((err: unknown) => {
      targets.log.warn({ err }, "decision ledger write failed; rule quality will undercount");
    });
  }

  const notifications: Notification[] = [
    ...effects.decisions.map(decisionNotification),
    ...(effects.guardAlerts ?? []).map(guardNotification),
  ];
  const deadline = Date.now() + targets.deadlineMs;
  const letters = await Promise.all([
    targets.webhooks?.enabled ? targets.webhooks.deliver(notifications, deadline) : [],
    targets.alertmanager?.enabled ? targets.alertmanager.deliver(notifications, deadline) : [],
    targets.revocationEndpoint?.enabled
      ? targets.revocationEndpoint.deliver(revocations, deadline)
      : [],
  ]);
  return letters.flat();
}

async function writeDenylist(targets: ActionTargets, decisions: readonly Decision[]) {
  const denylist = targets.denylist;
  if (!denylist) return;
  const now = Date.now();
  const entries = decisions
    .filter((decision) => decision.action === "revoke")
    .map((decision) => ({
      tokenFp: decision.tokenFp,
      entry: {
        v: 1,
        decisionId: decision.id,
        ruleId: decision.ruleId,
        revokedAt: decision.ts,
        denyUntil: decision.claims?.exp ? Math.floor(decision.claims.exp / 1000) : null,
        publishedAt: now,
      } satisfies DenylistEntry,
    }));
  if (entries.length === 0) return;
  try {
    await denylist.putMany(entries);
  } catch (err) {
    targets.metrics.enforcementWrites.inc(
      { target: "denylist", outcome: "failed" },
      entries.length,
    );
    throw err;
  }
  targets.metrics.enforcementWrites.inc({ target: "denylist", outcome: "written" }, entries.length);
}
