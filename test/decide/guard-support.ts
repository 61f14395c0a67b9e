import { pino } from "pino";
import { type Config, configSchema, type GuardsConfig } from "../../src/config/schema.js";
import { GuardedPolicy } from "../../src/decide/policy.js";
import type { RevocationBudget } from "../../src/decide/revocation-budget.js";
import type { Finding } from "../../src/detect/finding.js";
import type { CanonicalEvent } from "../../src/ingest/canonical-event.js";
import { Metrics } from "../../src/observe/metrics.js";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";

export type TokenEvent = CanonicalEvent & {
  readonly token: NonNullable<CanonicalEvent["token"]>;
};

export const DEFAULTS: Config = configSchema.parse({});
export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** A policy over the memory store with the given guards (budget in memory unless given). */
export function guardedPolicy(
  guards: Partial<GuardsConfig> = {},
  budget?: RevocationBudget,
  policy: Partial<Config["policy"]> = {},
) {
  const store = new MemoryTokenStateStore(DEFAULTS.state);
  const metrics = new Metrics();
  const config = { ...DEFAULTS.guards, ...guards };
  const guarded = new GuardedPolicy(
    store,
    { ...DEFAULTS.policy, ...policy },
    metrics,
    pino({ level: "silent" }),
    { config, ...(budget ? { budget } : {}) },
  );
  return { store, metrics, policy: guarded };
}

/** An event of token `fp` at `ts` from offset `offset`. */
export function tokenEvent(
  fp: string,
  ts: number,
  offset: number,
  fields: Partial<TokenEvent> = {},
): TokenEvent {
  return {
    ts,
    requestId: null,
    gateway: "kong",
    format: "kong",
    source: { stream: "gateway-logs", partition: 0, offset, index: 0 },
    clientIp: "192.0.2.10",
    forwardedFor: [],
    userAgent: "curl/8.7.1",
    method: "GET",
    scheme: "https",
    host: "api.example.com",
    path: "/v1/orders",
    queryKeys: [],
    status: 200,
    latencyMs: 12,
    routeId: "orders",
    serviceId: "orders-svc",
    consumerId: "alice",
    credentialId: null,
    token: { fingerprint: fp, location: "header", kind: "opaque", claims: null },
    ...fields,
  };
}

/** A revoke finding scoring 90 (above the default revokeScore of 80). */
export function revokeFinding(fp: string, fields: Partial<Finding> = {}): Finding {
  return {
    ruleId: "fires-on-everything",
    ruleVersion: 1,
    tokenFp: fp,
    severity: "high",
    score: 90,
    action: "revoke",
    mode: "enforce",
    cooldownMs: 60_000,
    evidence: {},
    ts: T0,
    ...fields,
  };
}

/** The value of a counter's series with exactly these labels, or 0 when it was never touched. */
export async function counterValue(
  metric: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find((value) =>
    Object.entries(labels).every(
      ([name, label]) => (value.labels as Record<string, string>)[name] === label,
    ),
  );
  return hit?.value ?? 0;
}
