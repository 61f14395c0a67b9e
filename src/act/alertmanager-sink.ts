import type { Logger } from "pino";
import type { Config, WebhooksConfig } from "../config/schema.js";
import type { Metrics } from "../observe/metrics.js";
import { type DeliveryDeadLetter, deliveryDeadLetter } from "./delivery-dead-letter.js";
import { atLeast } from "./guard-alert.js";
import { postWithRetries } from "./http-delivery.js";
import type { Notification } from "./notification.js";

/** Alertmanager resolves an alert this long after `startsAt` unless it is sent again. */
const RESOLVE_AFTER_MS = 60 * 60 * 1000;

/** One alert of Alertmanager's v2 API (`POST /api/v2/alerts` takes an array of these). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** Map a notification to Alertmanager's shape; labels route, annotations describe. */
export function alertmanagerAlert(notification: Notification): AlertmanagerAlert {
  return {
    labels: {
      alertname: notification.alertname,
      severity: notification.severity,
      service: "tokenwatch",
      ...notification.labels,
    },
    annotations: {
      summary: notification.summary,
      tokenwatch_id: notification.id,
      record: JSON.stringify(notification.record),
    },
    startsAt: new Date(notification.ts).toISOString(),
    endsAt: new Date(notification.ts + RESOLVE_AFTER_MS).toISOString(),
  };
}

/**
 * Sends a batch's notifications to Alertmanager in one request, as its v2 API
 * allows, with the shared retry policy. Alertmanager deduplicates by label
 * set, so a redelivered batch does not page twice.
 */
export class AlertmanagerSink {
  constructor(
    private readonly config: Config["alertmanager"],
    private readonly retry: WebhooksConfig,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.url !== null;
  }

  async deliver(
    notifications: readonly Notification[],
    deadline: number,
  ): Promise<DeliveryDeadLetter[]> {
    const base = this.config.url;
    const selected = notifications.filter((n) => atLeast(n.severity, this.config.minSeverity));
    if (base === null || selected.length === 0) return [];

    const alerts = selected.map(alertmanagerAlert);
    const body = JSON.stringify(alerts);
    const url = `${base.replace(/\/+$/, "")}/api/v2/alerts`;
    const started = Date.now();
    const result = await postWithRetries(
      () => ({ url, body, headers: { "content-type": "application/json" } }),
      this.retry,
      { deadline },
    );

    const labels = { sink: "alertmanager", endpoint: "alertmanager" };
    for (const attempt of result.attempts) {
      this.metrics.deliveryAttempts.inc({ ...labels, result: attempt.result });
    }
    this.metrics.deliverySeconds.observe({ sink: "alertmanager" }, (Date.now() - started) / 1000);
    this.metrics.deliveries.inc(
      { ...labels, outcome: result.delivered ? "delivered" : "dead_lettered" },
      selected.length,
    );
    if (result.delivered) return [];

    this.log.warn(
      { alerts: selected.length, attempts: result.attempts.length },
      "alertmanager delivery failed; dead-lettering it",
    );
    const ids = selected.map((n) => n.id);
    return [
      deliveryDeadLetter(
        { sink: "alertmanager", endpoint: "alertmanager", ids, body: alerts },
        result,
      ),
    ];
  }
}
