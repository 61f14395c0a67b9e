import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Metrics } from "../observe/metrics.js";
import type { RedisClient } from "../state/state-scripts.js";
import type { ActionTargets } from "./action-targets.js";
import { AlertmanagerSink } from "./alertmanager-sink.js";
import { DecisionLedger } from "./decision-ledger.js";
import { Denylist } from "./denylist.js";
import { EnforcementCheck } from "./enforcement-check.js";
import { RevocationEndpoint } from "./revocation-endpoint.js";
import { WebhookSink } from "./webhook-sink.js";

/** The service's action targets and the closed-loop check, built from configuration. */
export interface ServiceActions {
  readonly targets: ActionTargets;
  readonly denylist: Denylist | null;
  readonly ledger: DecisionLedger;
  readonly enforcement: EnforcementCheck | null;
}

/**
 * Assemble every action target the configuration asks for. The denylist
 * also feeds the closed-loop check, so turning it off turns that check off:
 * without the denylist entry tokenwatch cannot tell when a token was revoked.
 */
export function buildActions(
  config: Config,
  redis: RedisClient,
  metrics: Metrics,
  log: Logger,
): ServiceActions {
  const actionsLog = log.child({ component: "actions" });
  const denylist = config.revocations.denylist
    ? new Denylist(redis, config.revocations.denylistPrefix, config.policy.revocationTtlMs)
    : null;
  const ledger = new DecisionLedger(redis, config.redis.keyPrefix);
  const enforcement =
    denylist && config.guards.enforcementCheck
      ? new EnforcementCheck(
          denylist,
          config.guards.enforcementGraceMs,
          metrics,
          log.child({ component: "enforcement" }),
        )
      : null;

  const targets: ActionTargets = {
    denylist,
    ledger,
    webhooks: new WebhookSink(config.webhooks, metrics, actionsLog),
    alertmanager: new AlertmanagerSink(config.alertmanager, config.webhooks, metrics, actionsLog),
    revocationEndpoint: new RevocationEndpoint(
      config.revocations,
      config.webhooks,
      metrics,
      actionsLog,
    ),
    deadlineMs: config.webhooks.deadlineMs,
    deadLetterTopic: config.webhooks.deadLetterTopic,
    metrics,
    log: actionsLog,
  };
  const http = config.revocations.httpUrl !== null;
  metrics.expectTargets({
    deliveries: [
      ...config.webhooks.endpoints.map(({ name }) => ({ sink: "webhook", endpoint: name })),
      ...(config.alertmanager.url ? [{ sink: "alertmanager", endpoint: "alertmanager" }] : []),
      ...(http ? [{ sink: "revocation_http", endpoint: "revocation_http" }] : []),
    ],
    enforcement: [
      ...(denylist ? [{ target: "denylist", outcomes: ["written", "failed"] }] : []),
      ...(http ? [{ target: "http", outcomes: ["delivered", "dead_lettered"] }] : []),
    ],
  });
  return { targets, denylist, ledger, enforcement };
}
