import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import type { EventFacts } from "../../src/enrich/event-enricher.js";
import { SharedEgress } from "../../src/enrich/shared-egress.js";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import { input } from "../detect/support.js";

const TS = Date.UTC(2025, 0, 15, 10, 0, 0);
const HOUR = 3_600_000;

function facts(network: string, asn: number | null): EventFacts {
  return {
    network,
    userAgentFamily: "curl/-/-",
    browser: false,
    asn,
    country: null,
    location: null,
  };
}

function eventOf(token: string, ts = TS) {
  return input({ event: { ts, token: { fingerprint: token } } }).event;
}

test("a network used by the threshold of tokens in an hour counts as its operator", async () => {
  const egress = new SharedEgress(new MemoryTokenStateStore(configSchema.parse({}).state), 3);
  const events = ["t1", "t2", "t3"].map((token) => eventOf(token));
  const proxy = facts("198.51.100.7", 64_500);

  const counted = await egress.apply(events, [proxy, proxy, proxy]);

  assert.deepEqual(
    counted.map((fact) => fact.network),
    ["egress:AS64500", "egress:AS64500", "egress:AS64500"],
  );
  assert.equal(counted[0]?.asn, 64_500);
});

test("below the threshold, in another hour or with learning off, networks stay", async () => {
  const store = new MemoryTokenStateStore(configSchema.parse({}).state);
  const egress = new SharedEgress(store, 3);
  const home = facts("203.0.113.9", null);

  const two = await egress.apply([eventOf("t1"), eventOf("t2")], [home, home]);
  const nextHour = await egress.apply([eventOf("t3", TS + HOUR)], [home]);
  const off = await new SharedEgress(store, 0).apply([eventOf("t4")], [home]);

  assert.deepEqual(
    [...two, ...nextHour, ...off].map((fact) => fact.network),
    ["203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.9"],
  );
});

test("without an ASN the shared network keeps its own key under egress:", async () => {
  const egress = new SharedEgress(new MemoryTokenStateStore(configSchema.parse({}).state), 2);
  const cgnat = facts("192.0.2.77", null);

  const counted = await egress.apply([eventOf("t1"), eventOf("t2")], [cgnat, cgnat]);

  assert.equal(counted[1]?.network, "egress:192.0.2.77");
});
