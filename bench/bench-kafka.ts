/**
 * Kafka helpers of the benchmark: realistic event generation, filling a
 * topic, producing at a fixed rate, and the two baseline consumers
 * (count only; count + decode + JSON.parse).
 */
import { randomBytes } from "node:crypto";
import type { Kafka, Message } from "kafkajs";
import { configSchema } from "../src/config/schema.js";
import { type GeoIp, sharedGeoIp } from "../src/enrich/geo-ip.js";
import { Geography, NETWORKS, type NetworkSpec } from "../src/simulate/geography.js";
import { Prng } from "../src/simulate/prng.js";
import { USER_AGENTS as SIM_AGENTS } from "../src/simulate/sessions.js";

// The simulator's real browser, app and client strings: UA parsing costs what real traffic costs.
const USER_AGENTS = Object.values(SIM_AGENTS);

/** Operators a token's clients use: homes, carriers, offices and clouds in several countries. */
const BENCH_NETWORKS = NETWORKS.filter((network) => network.kind !== "vpn");

/**
 * An APISIX kafka-logger record of ~500 bytes for one of `tokens` bearer
 * tokens. Each token has a home address and, for one request in seven, a
 * second one on an operator of the same country (a phone on its carrier): public addresses
 * drawn by the simulator's `Geography` from real ASN ranges and checked
 * against the geo-IP databases, so the enrich step does the lookups real
 * traffic needs. `ts` defaults to now.
 */
export function eventFactory(tokens: number): (i: number, ts?: number) => string {
  const rng = Prng.derive("tokenwatch-bench", tokens);
  const geo = sharedGeoIp(configSchema.parse({}).enrich);
  const geography = new Geography(geo);
  const secrets = Array.from({ length: tokens }, () => randomBytes(24).toString("base64url"));
  const homes: string[] = [];
  const phones: string[] = [];
  for (let t = 0; t < tokens; t++) {
    const home = rng.pick(BENCH_NETWORKS);
    const carriers = BENCH_NETWORKS.filter((n) => n.country === home.country);
    const homeIp = geography.address(home, rng);
    homes.push(homeIp);
    phones.push(nearbyAddress(homeIp, carriers, geography, geo, rng));
  }
  return (i, ts = Date.now()) => {
    const t = i % tokens;
    const ip = i % 7 === 0 ? phones[t] : homes[t];
    return JSON.stringify({
      start_time: ts,
      client_ip: ip,
      route_id: `route-${t % 17}`,
      service_id: "orders",
      latency: 12.5,
      request: {
        method: i % 5 === 0 ? "POST" : "GET",
        uri: `/v1/orders/${i % 1000}`,
        url: `https://api.example.com/v1/orders/${i % 1000}`,
        headers: {
          host: "api.example.com",
          "user-agent": USER_AGENTS[t % USER_AGENTS.length],
          authorization: `Bearer ${secrets[t]}`,
          "x-request-id": `req-${i.toString(16).padStart(12, "0")}`,
        },
      },
      response: { status: i % 97 === 0 ? 401 : 200, size: 512 },
      upstream: "10.0.3.7:8080",
    });
  };
}

/**
 * An address of one of `carriers` that geo-IP places in the same city as
 * `home` (or the home address itself): a phone beside its owner's laptop,
 * not an impossible journey, so the rules fire as rarely as on real traffic.
 */
function nearbyAddress(
  home: string,
  carriers: readonly NetworkSpec[],
  geography: Geography,
  geo: GeoIp,
  rng: Prng,
): string {
  const at = geo.lookup(home).location;
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = geography.address(rng.pick(carriers), rng);
    const there = geo.lookup(candidate).location;
    if (!at || !there) continue;
    if (Math.abs(at.lat - there.lat) < 0.5 && Math.abs(at.lon - there.lon) < 0.5) return candidate;
  }
  return home;
}

/** Fill `topic` with `count` events as fast as the producer goes. */
export async function produceAll(
  kafka: Kafka,
  topic: string,
  count: number,
  make: (i: number) => string,
): Promise<{ bytes: number }> {
  const producer = kafka.producer();
  await producer.connect();
  let bytes = 0;
  const BATCH = 2_000;
  for (let start = 0; start < count; start += BATCH) {
    const messages: Message[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const value = make(i);
      bytes += value.length;
      messages.push({ value });
    }
    await producer.send({ topic, messages, acks: 1 });
  }
  await producer.disconnect();
  return { bytes };
}

/** Produce at `rate` events per second for `seconds`; each event's time is its send time. */
export async function producePaced(
  kafka: Kafka,
  topic: string,
  rate: number,
  seconds: number,
  tokens: number,
): Promise<number> {
  const make = eventFactory(tokens);
  const producer = kafka.producer();
  await producer.connect();
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const messages: Message[] = [];
    for (let k = 0; k < perTick; k++) messages.push({ value: make(sent + k) });
    await producer.send({ topic, messages, acks: 1 });
    sent += perTick;
    const due = started + (sent / rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await producer.disconnect();
  return sent;
}

/** Consume `topic` from the start until `count` messages; optionally decode and parse each. */
export async function countConsumed(
  kafka: Kafka,
  topic: string,
  count: number,
  parse: boolean,
): Promise<{ rate: number }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const consumer = kafka.consumer({ groupId: `bench-${parse ? "parse" : "count"}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  let seen = 0;
  let started = 0;
  let resolveDone: (ms: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (started === 0) started = performance.now();
      for (const message of batch.messages) {
        if (parse && message.value) JSON.parse(decoder.decode(message.value));
        seen++;
      }
      if (seen >= count) resolveDone(performance.now() - started);
    },
  });
  const ms = await done;
  await consumer.disconnect();
  return { rate: count / (ms / 1000) };
}
