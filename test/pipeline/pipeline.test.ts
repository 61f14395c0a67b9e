import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pino } from "pino";
import { configSchema } from "../../src/config/schema.js";
import type { Decision } from "../../src/decide/decision.js";
import { DependencyError } from "../../src/errors.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { Metrics } from "../../src/observe/metrics.js";
import { buildPipeline } from "../../src/pipeline/build-pipeline.js";
import type { BatchEffects, InputMessage, Outputs } from "../../src/pipeline/pipeline.js";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import { withAppliedEntries } from "../../src/state/state-errors.js";
import { leakedSecrets } from "../support/secrets.js";

const KEY = "pipeline-test-fingerprint-key-0123";
const RULES_DIR = new URL("../../rules/", import.meta.url).pathname;
const CONFIG = configSchema.parse({});

/** Wall clock of the normalizer: after every event below, so none is "in the future". */
const NOW = Date.UTC(2026, 0, 1);
const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

const STREAM = "gateway-logs";
const SHARING_RULE = "many-networks-short-window";

// Public gateway log samples (Kong, APISIX), kept byte for byte in the repository.
type Sample = Record<string, unknown> & { request: Record<string, unknown> };
const KONG = sample("kong");
const APISIX = sample("apisix");

// Token-like secrets that must never reach an output, in any encoding.
const BEARER = "Tw7kLm2Zp4Rv8Ns3Jd6Hc1Bf5Gy0QxWe";
const API_KEY = "Ak9Rt3Yu7Io1Pa5Sd2Fg6Hj0KlZxCvBn";
const URL_TOKEN = "Qu4Er8Ty2Ui6Op0As3Df7Gh1JkLzXcVb";
const BROKEN_TOKEN = "Br5Ok3En9To1Ke7Nq2Wx8Ce4Rv6Tb0Yn";
const PLANTED = [BEARER, API_KEY, URL_TOKEN, BROKEN_TOKEN];

function sample(name: string): Sample {
  const url = new URL(`../fixtures/formats/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Sample;
}

/** Remembers every batch of effects it is handed, and acknowledges at once. */
class RecordingOutputs implements Outputs {
  readonly received: BatchEffects[] = [];

  async deliver(effects: BatchEffects): Promise<void> {
    this.received.push(effects);
  }

  get decisions(): Decision[] {
    return this.received.flatMap((effects) => effects.decisions);
  }
}

async function setup() {
  const outputs = new RecordingOutputs();
  const store = new MemoryTokenStateStore(CONFIG.state);
  const metrics = new Metrics();
  const pipeline = await buildPipeline({
    config: CONFIG,
    fingerprinter: new Fingerprinter(KEY),
    store,
    outputs,
    metrics,
    log: pino({ level: "silent" }),
    rulesDir: RULES_DIR,
    now: () => NOW,
  });
  return { pipeline, outputs, store, metrics };
}

/**
 * The APISIX sample carrying `Bearer <token>` from `clientIp` at `ts`. It is
 * served over https so that only the sharing and rate rules are in play.
 */
function apisixRecord(token: string, clientIp: string, ts: number): Sample {
  const headers = APISIX.request.headers as Record<string, string>;
  const request = {
    ...APISIX.request,
    url: "https://api.example.com/get",
    headers: { ...headers, host: "api.example.com", authorization: `Bearer ${token}` },
  };
  return { ...APISIX, start_time: ts, client_ip: clientIp, request };
}

/** The APISIX sample with the token in `?access_token=` instead of a header. */
function apisixQueryRecord(token: string, clientIp: string, ts: number): Sample {
  const uri = `/get?access_token=${token}`;
  const headers = {
    ...(APISIX.request.headers as Record<string, string>),
    host: "api.example.com",
  };
  const querystring = { access_token: token };
  const request = {
    ...APISIX.request,
    uri,
    url: `https://api.example.com${uri}`,
    headers,
    querystring,
  };
  return { ...APISIX, start_time: ts, client_ip: clientIp, request };
}

/** The Kong sample carrying an `apikey` header from `clientIp` at `ts`, over https. */
function kongRecord(apiKey: string, clientIp: string, ts: number): Sample {
  const headers = KONG.request.headers as Record<string, string>;
  const request = {
    ...KONG.request,
    url: "https://api.example.com/log",
    headers: { ...headers, host: "api.example.com", apikey: apiKey },
  };
  return { ...KONG, started_at: ts, client_ip: clientIp, request };
}

/** One Kafka record per entry, at consecutive offsets of partition 0. */
function messages(values: readonly (Sample | string)[], firstOffset = 0): InputMessage[] {
  return values.map((value, i) => ({
    value: typeof value === "string" ? value : JSON.stringify(value),
    stream: STREAM,
    partition: 0,
    offset: firstOffset + i,
  }));
}

/** One token from six networks, one request every 48 s: four minutes in all. */
function sharedTokenBatch(): InputMessage[] {
  const records = [1, 2, 3, 4, 5, 6].map((host, i) =>
    apisixRecord(BEARER, `203.0.113.${host}`, T0 + i * 48 * SECOND),
  );
  return messages(records);
}

/** HMAC-SHA256, 16 bytes, base64url, computed without the code under test. */
function fingerprintOf(secret: string): string {
  return createHmac("sha256", KEY).update(secret).digest().subarray(0, 16).toString("base64url");
}

function revocations(decisions: readonly Decision[]): Decision[] {
  return decisions.filter((decision) => decision.action === "revoke");
}

test("a token used from six networks within four minutes is revoked exactly once", async () => {
  const { pipeline, outputs, store } = await setup();

  const result = await pipeline.processBatch(sharedTokenBatch());

  const revoked = revocations(outputs.decisions);
  assert.equal(result.events, 6);
  assert.equal(revoked.length, 1);
  assert.deepEqual(result.decisions, outputs.decisions);

  const [decision] = revoked as [Decision];
  const sharing = decision.findings.find((finding) => finding.ruleId === SHARING_RULE);
  assert.equal(decision.ruleId, SHARING_RULE);
  assert.equal(decision.tokenFp, fingerprintOf(BEARER));
  assert.equal(decision.guard, null);
  assert.ok(Number(sharing?.evidence["window.networks5m"]) >= 5, JSON.stringify(sharing));
  assert.equal(decision.ts, T0 + 4 * 48 * SECOND);
  assert.equal(await store.isRevoked(fingerprintOf(BEARER)), true);
});

test("a steady token from one network for thirty minutes gets no decision", async () => {
  const { pipeline, outputs, store } = await setup();
  const records = Array.from({ length: 31 }, (_, minute) =>
    kongRecord(API_KEY, "198.51.100.7", T0 + minute * MINUTE),
  );

  const first = await pipeline.processBatch(messages(records.slice(0, 16)));
  const second = await pipeline.processBatch(messages(records.slice(16), 16));

  assert.equal(first.events + second.events, 31);
  assert.equal(first.duplicates + second.duplicates, 0);
  assert.deepEqual(outputs.decisions, []);
  assert.equal(outputs.received.length, 2);
  assert.equal(await store.isRevoked(fingerprintOf(API_KEY)), false);
});

test("a malformed message mid-batch is rejected as invalid_json, the rest processed", async () => {
  const { pipeline, outputs, metrics, store } = await setup();
  const batch = sharedTokenBatch();
  const broken = `{"request":{"headers":{"authorization":"Bearer ${BROKEN_TOKEN}"`;
  const withBroken: InputMessage[] = [
    ...batch.slice(0, 3),
    { value: broken, stream: STREAM, partition: 0, offset: 100 },
    ...batch.slice(3),
  ];

  const result = await pipeline.processBatch(withBroken);

  assert.equal(result.events, 6);
  assert.equal(result.rejects.length, 1);
  const [reject] = result.rejects;
  assert.equal(reject?.reason, "invalid_json");
  assert.deepEqual(reject?.source, { stream: STREAM, partition: 0, offset: 100, index: 0 });
  assert.equal(reject?.redactedPayload, null);
  assert.deepEqual(outputs.received[0]?.rejects, result.rejects);
  assert.equal(revocations(outputs.decisions).length, 1);
  assert.equal(store.tokenCount, 1);

  const counted = await metrics.eventsRejected.get();
  const invalidJson = counted.values.find((value) => value.labels.reason === "invalid_json");
  assert.equal(invalidJson?.value, 1);
});

test("re-processing a batch counts every event a duplicate and revokes nothing new", async () => {
  const { pipeline, outputs, metrics } = await setup();
  const batch = sharedTokenBatch();

  const first = await pipeline.processBatch(batch);
  const again = await pipeline.processBatch(batch);

  assert.equal(first.duplicates, 0);
  assert.equal(again.events, 6);
  assert.equal(again.duplicates, again.events);
  assert.deepEqual(revocations(again.decisions), []);
  assert.equal(revocations(outputs.decisions).length, 1);
  assert.equal((await metrics.duplicates.get()).values[0]?.value, 6);

  // Only the revoking event may be decided again, under its own id, as an alert.
  const [revoked] = revocations(first.decisions);
  assert.ok(again.decisions.length <= 1, JSON.stringify(again.decisions));
  for (const decision of again.decisions) {
    assert.equal(decision.id, revoked?.id);
    assert.equal(decision.guard, "already_revoked");
  }
});

test("nothing handed to the outputs holds a planted secret", async () => {
  const { pipeline, outputs } = await setup();
  const noClientIp = { ...kongRecord(API_KEY, "198.51.100.7", T0), client_ip: null };
  const values = [
    apisixQueryRecord(URL_TOKEN, "192.0.2.44", T0),
    kongRecord(API_KEY, "198.51.100.7", T0 + SECOND),
    noClientIp,
    `[{"request":{"headers":{"apikey":"${BROKEN_TOKEN}"}},`,
  ];

  await pipeline.processBatch(sharedTokenBatch());
  const result = await pipeline.processBatch(messages(values, 10));

  // The batch must exercise every path that carries request data to an output.
  const reasons = result.rejects.map((reject) => reject.reason).sort();
  assert.deepEqual(reasons, ["invalid_json", "missing_client_ip"]);
  assert.ok(result.decisions.some((decision) => decision.ruleId === "token-in-url"));
  assert.equal(revocations(outputs.decisions).length, 1);

  const everything = JSON.stringify(outputs.received);
  assert.deepEqual(leakedSecrets(everything, PLANTED), []);
});

test("a batch retried after a store outage counts messages, events, rejects once", async () => {
  const { pipeline, store, metrics } = await setup();
  const batch = [...sharedTokenBatch(), ...messages(["{not json"], 100)];
  const observeMany = store.observeMany.bind(store);
  let outages = 2;
  store.observeMany = async (...args: Parameters<typeof observeMany>) => {
    if (outages-- > 0) throw new DependencyError("STATE_UNAVAILABLE", "redis is down");
    return observeMany(...args);
  };

  let failures = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await pipeline.processBatch(batch);
    } catch (err) {
      assert.ok(err instanceof DependencyError);
      failures++;
    }
  }
  assert.equal(failures, 2, "the first two attempts met the outage");
  const [counted] = (await metrics.messagesIn.get()).values;
  const events = (await metrics.eventsIn.get()).values.reduce((sum, v) => sum + v.value, 0);
  const rejected = (await metrics.eventsRejected.get()).values.find(
    (v) => v.labels.reason === "invalid_json",
  );

  assert.equal(counted?.value, batch.length);
  assert.equal(events, batch.length - 1);
  assert.equal(rejected?.value, 1);
});

test("a batch retried after Redis failed past the state still makes its decisions", async () => {
  const { pipeline, outputs, store } = await setup();
  const batch = sharedTokenBatch();
  const claimRevocation = store.claimRevocation.bind(store);
  let outages = 1;
  store.claimRevocation = async (...args: Parameters<typeof claimRevocation>) => {
    if (outages-- > 0) throw new DependencyError("STATE_REDIS_UNAVAILABLE", "redis is down");
    return claimRevocation(...args);
  };

  await assert.rejects(pipeline.processBatch(batch), DependencyError);
  // The state took the batch's events; the retry must still see them as new.
  const retried = await pipeline.processBatch(batch);

  assert.equal(retried.duplicates, 0);
  assert.equal(revocations(outputs.decisions).length, 1);
  assert.equal(await store.isRevoked(fingerprintOf(BEARER)), true);
  // Once through, the same batch again is a redelivery: every event a duplicate.
  assert.equal((await pipeline.processBatch(batch)).duplicates, batch.length);
});

test("a batch whose state update failed part-way keeps the tokens already applied", async () => {
  const { pipeline, outputs, store } = await setup();
  const shared = sharedTokenBatch();
  const other = messages([apisixRecord(API_KEY, "198.51.100.9", T0)], shared.length);
  const batch = [...shared, ...other];
  const observeMany = store.observeMany.bind(store);
  let outages = 1;
  store.observeMany = async (entries: Parameters<typeof observeMany>[0]) => {
    const results = await observeMany(entries);
    if (outages-- > 0) {
      // Applied all but the last token, then the connection went.
      const err = new DependencyError("STATE_REDIS_UNAVAILABLE", "redis is down");
      throw withAppliedEntries(
        err,
        results.map((stats, i) => (i < results.length - 1 ? stats : null)),
      );
    }
    return results;
  };

  await assert.rejects(pipeline.processBatch(batch), DependencyError);
  const retried = await pipeline.processBatch(batch);

  // The shared token's six events keep their first answers; the other token's one event
  // was applied too (by this fake), so its retry is the one duplicate.
  assert.equal(retried.duplicates, 1);
  assert.equal(revocations(outputs.decisions).length, 1);
});
