import type { Kafka, Message } from "kafkajs";
import { Fingerprinter } from "../../src/identity/fingerprint.js";

/** The fingerprint key of every fault test: the expected fingerprints depend on it. */
export const FAULT_FINGERPRINT_KEY = "fault-test-fingerprint-key-0001";

/** Event time of the first event; in the past, so no event is "from the future". */
const START = Date.parse("2026-11-03T10:00:00Z");
/** Event time between two requests of one token: 6 a minute, far below every rate rule. */
const SPACING_MS = 10_000;
/** Networks a shared token rotates through; five within five minutes revoke it. */
const SHARED_NETWORKS = [
  "203.0.113.50",
  "192.0.2.77",
  "198.18.4.12",
  "100.64.2.9",
  "198.51.100.99",
];

/**
 * A person's browser: a token only ever used by scripts may be classed as a
 * service token, which the sharing rule exempts.
 */
const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** One planned request of a known token. */
interface PlannedEvent {
  readonly token: number;
  readonly message: Message;
}

/**
 * A stream of known canonical events, and what a correct run must leave
 * behind: per token fingerprint the number of requests, and which tokens are
 * revoked. Every `sharedEvery`-th token turns into a shared one half-way
 * through (five networks within a minute), so it is revoked exactly once;
 * the others stay on one network and are never acted on.
 */
export class KnownStream {
  readonly expectedCounts = new Map<string, number>();
  readonly revokedTokens = new Set<string>();
  private readonly events: PlannedEvent[] = [];

  constructor(options: {
    tokens: number;
    eventsPerToken: number;
    partitions: number;
    sharedEvery: number;
  }) {
    const fingerprints = new Fingerprinter(FAULT_FINGERPRINT_KEY);
    const half = Math.floor(options.eventsPerToken / 2);

    for (let token = 0; token < options.tokens; token++) {
      const secret = `fault-token-${token}-${"x".repeat(12)}`;
      const fp = fingerprints.fingerprint(secret);
      const shared = token % options.sharedEvery === 0;
      this.expectedCounts.set(fp, options.eventsPerToken);
      if (shared) this.revokedTokens.add(fp);

      for (let i = 0; i < options.eventsPerToken; i++) {
        const clientIp = shared && i >= half ? sharedNetwork(i) : `10.${token}.0.1`;
        const event = {
          ts: START + i * SPACING_MS + token,
          clientIp,
          method: "GET",
          scheme: "https",
          path: `/orders/${i}`,
          status: 200,
          userAgent: BROWSER,
          headers: { authorization: `Bearer ${secret}` },
        };
        this.events.push({
          token,
          message: {
            key: `token-${token}`,
            value: JSON.stringify(event),
            // Groups of `sharedEvery` tokens per partition, so shared tokens spread over them.
            partition: Math.floor(token / options.sharedEvery) % options.partitions,
          },
        });
      }
    }
    // Interleave tokens in event-time order, as a gateway would write them.
    this.events.sort((a, b) => eventTs(a) - eventTs(b));
  }

  get size(): number {
    return this.events.length;
  }

  /** The messages in `chunks` consecutive slices, each in stream order. */
  slices(chunks: number): Message[][] {
    const size = Math.ceil(this.events.length / chunks);
    const out: Message[][] = [];
    for (let at = 0; at < this.events.length; at += size) {
      out.push(this.events.slice(at, at + size).map((event) => event.message));
    }
    return out;
  }
}

function sharedNetwork(i: number): string {
  return SHARED_NETWORKS[i % SHARED_NETWORKS.length] as string;
}

function eventTs(event: PlannedEvent): number {
  return (JSON.parse(String(event.message.value)) as { ts: number }).ts;
}

/**
 * Produce `stream` to `topic` in `chunks` slices spread over `durationMs`, so
 * the service consumes while faults happen rather than after the fact.
 */
export async function produceGradually(
  kafka: Kafka,
  topic: string,
  stream: KnownStream,
  chunks: number,
  durationMs: number,
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    const pause = durationMs / chunks;
    for (const slice of stream.slices(chunks)) {
      await producer.send({ topic, messages: slice, acks: -1 });
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  } finally {
    await producer.disconnect();
  }
}
