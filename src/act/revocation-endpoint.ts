import type { Logger } from "pino";
import type { RevocationsConfig, WebhooksConfig } from "../config/schema.js";
import type { Metrics } from "../observe/metrics.js";
import { type DeliveryDeadLetter, deliveryDeadLetter, mapPool } from "./delivery-dead-letter.js";
import { postWithRetries } from "./http-delivery.js";

/** Revocations in flight at once; an identity provider's admin API is rarely built for more. */
const CONCURRENCY = 4;

/** One revocation as encoded for the topic (JWS or JSON), with its ids. */
export interface EncodedRevocation {
  readonly decisionId: string;
  readonly tokenFp: string;
  readonly body: string;
  readonly signed: boolean;
}

/**
 * Pushes each revocation SET to an HTTP endpoint — an identity provider or a
 * gateway admin API — the way RFC 8935 (SET push delivery) does: one POST per
 * SET, `application/secevent+jwt` when signed, any 2xx is success. Uses the
 * shared retry policy; what fails every attempt becomes a dead letter.
 */
export class RevocationEndpoint {
  constructor(
    private readonly config: RevocationsConfig,
    private readonly retry: WebhooksConfig,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.httpUrl !== null;
  }

  async deliver(
    revocations: readonly EncodedRevocation[],
    deadline: number,
  ): Promise<DeliveryDeadLetter[]> {
    const url = this.config.httpUrl;
    if (url === null || revocations.length === 0) return [];

    const results = await mapPool(revocations, CONCURRENCY, async (revocation) => {
      const started = Date.now();
      const headers: Record<string, string> = {
        "content-type": revocation.signed ? "application/secevent+jwt" : "application/json",
        accept: "application/json",
      };
      if (this.config.httpBearer) headers.authorization = `Bearer ${this.config.httpBearer}`;
      const result = await postWithRetries(
        () => ({ url, headers, body: revocation.body }),
        this.retry,
        { deadline },
      );

      const labels = { sink: "revocation_http", endpoint: "revocation_http" };
      for (const attempt of result.attempts) {
        this.metrics.deliveryAttempts.inc({ ...labels, result: attempt.result });
      }
      this.metrics.deliverySeconds.observe(
        { sink: "revocation_http" },
        (Date.now() - started) / 1000,
      );
      const outcome = result.delivered ? "delivered" : "dead_lettered";
      this.metrics.deliveries.inc({ ...labels, outcome });
      this.metrics.enforcementWrites.inc({ target: "http", outcome });
      if (result.delivered) return null;

      this.log.warn(
        { tokenFp: revocation.tokenFp, decisionId: revocation.decisionId },
        "revocation endpoint refused or unreachable; dead-lettering the revocation",
      );
      return deliveryDeadLetter(
        {
          sink: "revocation_http",
          endpoint: "revocation_http",
          ids: [revocation.decisionId],
          body: revocation.body,
        },
        result,
      );
    });
    return results.filter((letter): letter is DeliveryDeadLetter => letter !== null);
  }
}
