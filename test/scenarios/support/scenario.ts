import { pino } from "pino";
import { configSchema } from "../../../src/config/schema.js";
import type { Decision } from "../../../src/decide/decision.js";
import { Fingerprinter } from "../../../src/identity/fingerprint.js";
import { Metrics } from "../../../src/observe/metrics.js";
import { buildPipeline } from "../../../src/pipeline/build-pipeline.js";
import type {
  BatchEffects,
  InputMessage,
  Outputs,
  Pipeline,
} from "../../../src/pipeline/pipeline.js";
import { MemoryTokenStateStore } from "../../../src/state/memory-store.js";
import { redisStoreUnderTest } from "../../state/redis-fixture.js";

/*
 * Runs traffic through the real pipeline — the shipped rules, the bundled
 * geo-IP databases, the default configuration — on either store: the
 * embedded one, or the real Redis on 127.0.0.1:6379 under a key prefix of
 * its own that is deleted afterwards.
 */

export type StoreKind = "memory" | "redis";
export const STORE_KINDS: readonly StoreKind[] = ["memory", "redis"];

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Monday 2026-03-02 00:00 UTC: scenarios place traffic relative to it. */
export const MONDAY = Date.UTC(2026, 2, 2);

const KEY = "scenario-test-fingerprint-key-0123456";
const RULES_DIR = new URL("../../../rules/", import.meta.url).pathname;

export const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
export const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 " +
  "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
export const SERVICE_CLIENT = "orders-sync/2.4 okhttp/4.12.0";

/** One request as a scenario describes it. */
export interface Request {
  readonly at: number;
  readonly ip: string;
  readonly token: string;
  readonly userAgent?: string;
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  readonly consumer?: string;
}

class RecordingOutputs implements Outputs {
  readonly decisions: Decision[] = [];

  async deliver(effects: BatchEffects): Promise<void> {
    this.decisions.push(...effects.decisions);
  }
}

/** A pipeline over one store, fed with scenario traffic. */
export class Scenario {
  private offset = 0;
  private readonly fingerprinter = new Fingerprinter(KEY);

  private constructor(
    private readonly pipeline: Pipeline,
    private readonly outputs: RecordingOutputs,
    private readonly metrics: Metrics,
    private readonly dispose: () => Promise<void>,
  ) {}

  static async open(kind: StoreKind, overrides: Record<string, unknown> = {}): Promise<Scenario> {
    const config = configSchema.parse(overrides);
    const fixture =
      kind === "redis"
        ? await redisStoreUnderTest(config.state)
        : memoryStore(new MemoryTokenStateStore(config.state));
    const outputs = new RecordingOutputs();
    const metrics = new Metrics();
    const pipeline = await buildPipeline({
      config,
      fingerprinter: new Fingerprinter(KEY),
      store: fixture.store,
      outputs,
      metrics,
      log: pino({ level: "silent" }),
      rulesDir: RULES_DIR,
      now: () => Date.UTC(2100, 0, 1),
    });
    return new Scenario(pipeline, outputs, metrics, () => fixture.dispose());
  }

  /** Send requests in time order, `batchSize` per pipeline batch. */
  async send(requests: readonly Request[], batchSize = 250): Promise<void> {
    const ordered = [...requests].sort((a, b) => a.at - b.at);
    for (let i = 0; i < ordered.length; i += batchSize) {
      const batch = ordered.slice(i, i + batchSize).map((request) => this.message(request));
      await this.pipeline.processBatch(batch);
    }
  }

  get decisions(): readonly Decision[] {
    return this.outputs.decisions;
  }

  /** Revocations of one token (or of any token). */
  revocations(token?: string): Decision[] {
    const fp = token === undefined ? null : this.fingerprinter.fingerprint(token);
    return this.outputs.decisions.filter(
      (decision) => decision.action === "revoke" && (fp === null || decision.tokenFp === fp),
    );
  }

  /** Every decision about one token. */
  decisionsFor(token: string): Decision[] {
    const fp = this.fingerprinter.fingerprint(token);
    return this.outputs.decisions.filter((decision) => decision.tokenFp === fp);
  }

  /** Decisions about one token that carry a finding of `ruleId`. */
  decisionsBy(ruleId: string, token: string): Decision[] {
    const fp = this.fingerprinter.fingerprint(token);
    return this.outputs.decisions.filter(
      (decision) =>
        decision.tokenFp === fp && decision.findings.some((finding) => finding.ruleId === ruleId),
    );
  }

  /** Findings of every mode (shadow included) counted per rule, from the metrics. */
  async findingCounts(): Promise<Record<string, number>> {
    const metric = await this.metrics.findings.get();
    const counts: Record<string, number> = {};
    for (const { labels, value } of metric.values) {
      const rule = String(labels.rule);
      counts[rule] = (counts[rule] ?? 0) + value;
    }
    return counts;
  }

  async close(): Promise<void> {
    await this.dispose();
  }

  private message(request: Request): InputMessage {
    this.offset += 1;
    const event = {
      ts: request.at,
      clientIp: request.ip,
      gateway: "scenario",
      requestId: `scenario-${this.offset}`,
      userAgent: request.userAgent ?? CHROME_MAC,
      method: request.method ?? "GET",
      scheme: "https",
      host: "api.example.com",
      path: request.path ?? "/v1/orders",
      status: request.status ?? 200,
      latencyMs: 20,
      routeId: "orders",
      consumerId: request.consumer ?? null,
      headers: { authorization: `Bearer ${request.token}` },
    };
    return {
      value: JSON.stringify(event),
      stream: "gateway-logs",
      partition: 0,
      offset: this.offset,
    };
  }
}

function memoryStore(store: MemoryTokenStateStore) {
  return { store, dispose: () => store.close() };
}

/** Requests every `everyMs` from `from` (inclusive) to `to` (exclusive). */
export function every(
  everyMs: number,
  from: number,
  to: number,
  request: (at: number, index: number) => Omit<Request, "at">,
): Request[] {
  const requests: Request[] = [];
  for (let at = from, index = 0; at < to; at += everyMs, index++) {
    requests.push({ at, ...request(at, index) });
  }
  return requests;
}

/**
 * A person's working weeks before `until`: on weekdays, one request every
 * `everyMs` from 08:00 to 18:00 UTC, starting `weeks` weeks earlier.
 */
export function workingWeeks(
  weeks: number,
  until: number,
  everyMs: number,
  request: (at: number, index: number) => Omit<Request, "at">,
): Request[] {
  const requests: Request[] = [];
  const start = until - weeks * 7 * DAY;
  for (let day = start; day < until; day += DAY) {
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    if (weekday >= 5) continue;
    requests.push(...every(everyMs, day + 8 * HOUR, day + 18 * HOUR, request));
  }
  return requests;
}
