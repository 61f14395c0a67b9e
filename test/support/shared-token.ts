import { readFileSync } from "node:fs";

/*
 * A person's token that turns shared: APISIX kafka-logger records (the public
 * sample, kept in test/fixtures) of steady use from one network, then five
 * networks within two minutes, which the shipped sharing rule revokes.
 */

/** The rule that revokes the token. */
export const SHARING_RULE = "many-networks-short-window";

/**
 * A person's browser: a token only ever used by scripts may be classed as a
 * service token, which the sharing rule exempts.
 */
const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36";
const HOME = "198.51.100.23";
const NETWORKS = ["203.0.113.50", "192.0.2.77", "2001:db8:17::9", "198.18.4.12", "100.64.2.9"];
const BASELINE_MINUTES = 20;

/** Records per token: the steady minutes and the burst. */
export const SHARED_TOKEN_EVENTS = BASELINE_MINUTES + NETWORKS.length;

const apisix = JSON.parse(
  readFileSync(new URL("../fixtures/formats/apisix.json", import.meta.url), "utf8"),
);

function record(authorization: string, ts: number, ip: string): { key: string; value: string } {
  const headers = { ...apisix.request.headers, "user-agent": BROWSER, authorization };
  const request = { ...apisix.request, headers };
  return { key: ip, value: JSON.stringify({ ...apisix, start_time: ts, client_ip: ip, request }) };
}

/** Kafka messages of bearer token `secret` from event time `start` (ms), in order. */
export function sharedTokenMessages(
  secret: string,
  start: number,
): { key: string; value: string }[] {
  const authorization = `Bearer ${secret}`;
  const steady = Array.from({ length: BASELINE_MINUTES }, (_, minute) =>
    record(authorization, start + minute * 60_000, HOME),
  );
  const burst = NETWORKS.map((ip, i) =>
    record(authorization, start + (BASELINE_MINUTES + 1) * 60_000 + i * 30_000, ip),
  );
  return [...steady, ...burst];
}
