import type { Logger } from "pino";
import type { WebhooksConfig } from "../config/schema.js";
import type { Metrics } from "../observe/metrics.js";
import { type DeliveryDeadLetter, deliveryDeadLetter, mapPool } from "./delivery-dead-letter.js";
import { atLeast } from "./guard-alert.js";
import { postWithRetries } from "./http-delivery.js";
import type { Notification } from "./notification.js";
import { SIGNATURE_HEADERS, signBody } from "./webhook-signature.js";

/** Deliveries in flight per endpoint; enough to drain a burst, few enough not to flood. */
const CONCURRENCY = 8;

type Endpoint = WebhooksConfig["endpoints"][number];

/**
 * Posts each notification as its own signed JSON request to every endpoint
 * whose severity filter it passes. Each attempt is signed afresh (timestamp +
 * body, see webhook-signature.ts); what fails every attempt becomes a dead
 * letter for the caller to publish.
 */
export class WebhookSink {
  constructor(
    private readonly config: WebhooksConfig,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.config.endpoints.length > 0;
  }

  async deliver(
    notifications: readonly Notification[],
    deadline: number,
  ): Promise<DeliveryDeadLetter[]> {
    const jobs = this.config.endpoints.flatMap((endpoint) =>
      notifications
        .filter((notification) => atLeast(notification.severity, endpoint.minSeverity))
        .map((notification) => ({ endpoint, notification })),
    );
    const results = await mapPool(jobs, CONCURRENCY * this.config.endpoints.length, (job) =>
      this.deliverOne(job.endpoint, job.notification, deadline),
    );
    return results.filter((letter): letter is DeliveryDeadLetter => letter !== null);
  }

  private async deliverOne(
    endpoint: Endpoint,
    notification: Notification,
    deadline: number,
  ): Promise<DeliveryDeadLetter | null> {
    const body = JSON.stringify(notification.record);
    const started = this.now();
    const result = await postWithRetries(
      () => {
        const timestamp = Math.floor(this.now() / 1000);
        return {
          url: endpoint.url,
          body,
          headers: {
            "content-type": "application/json",
            "user-agent": "tokenwatch",
            [SIGNATURE_HEADERS.id]: notification.id,
            [SIGNATURE_HEADERS.timestamp]: String(timestamp),
            [SIGNATURE_HEADERS.signature]: signBody(endpoint.secret, timestamp, body),
          },
        };
      },
      this.config,
      { deadline, now: this.now },
    );

    const labels = { sink: "webhook", endpoint: endpoint.name };
    for (const attempt of result.attempts) {
      this.metrics.deliveryAttempts.inc({ ...labels, result: attempt.result });
    }
    this.metrics.deliverySeconds.observe({ sink: "webhook" }, (this.now() - started) / 1000);
    const outcome = result.delivered ? "delivered" : "dead_lettered";
    this.metrics.deliveries.inc({ ...labels, outcome });
    if (result.delivered) return null;

    this.log.warn(
      { endpoint: endpoint.name, id: notification.id, attempts: result.attempts.length },
      "webhook delivery failed; dead-lettering it",
    );
    return deliveryDeadLetter(
      {
        sink: "webhook",
        endpoint: endpoint.name,
        ids: [notification.id],
        body: notification.record,
      },
      result,
      this.now(),
    );
  }
}
