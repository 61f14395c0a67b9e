import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsFor, input, rule, ruleFile } from "../support.js";

/** Whether a single rule with `condition` fires on `given`. */
async function fires(condition: string, given = input(), extra = ""): Promise<boolean> {
  const text = `${ruleFile(rule("probe", { condition: JSON.stringify(condition) }))}${extra}`;
  const findings = await findingsFor({ "a.yaml": text }, given);
  return findings.some((finding) => finding.ruleId === "probe");
}

test("window counts compare with integer literals as written", async () => {
  const four = input({ window: { networks5m: 4 } });
  const five = input({ window: { networks5m: 5 } });

  assert.equal(await fires("window.networks5m >= 5", four), false);
  assert.equal(await fires("window.networks5m >= 5", five), true);
  assert.equal(await fires("window.networks5m == 5", five), true);
  assert.equal(await fires("window.networks5m > 4 && window.networks5m < 6", five), true);
});

test("window counts compare with double literals too", async () => {
  const given = input({ window: { requests1m: 151 } });

  assert.equal(await fires("window.requests1m > 1.5e2", given), true);
  assert.equal(await fires("window.requests1m > 151.5", given), false);
});

test("integer arithmetic on counts stays integral and ratios need double()", async () => {
  const given = input({ window: { requests1m: 3, requests5m: 2 } });

  assert.equal(await fires("window.requests1m / window.requests5m == 1", given), true);
  assert.equal(
    await fires("double(window.requests1m) / double(window.requests5m) == 1.5", given),
    true,
  );
});

test("the minute history is a list of ints", async () => {
  const given = input({ window: { minuteHistory: [3, 9, 4] } });

  assert.equal(await fires("window.minuteHistory.size() == 3", given), true);
  assert.equal(await fires("window.minuteHistory.exists(n, n >= 9)", given), true);
  assert.equal(await fires("window.minuteHistory.all(n, n < 9)", given), false);
});

test("ageMs is the time since the token was first seen", async () => {
  const given = input({ event: { ts: 1_000_000 }, window: { firstSeen: 400_000 } });

  assert.equal(await fires("window.ageMs == 600000", given), true);
});

test("unknown strings are empty and unknown numbers are zero", async () => {
  const given = input({ event: { routeId: null, status: null, userAgent: null } });

  assert.equal(await fires('event.routeId == ""', given), true);
  assert.equal(await fires("event.status == 0", given), true);
  assert.equal(await fires('event.userAgent.startsWith("curl")', given), false);
  assert.equal(await fires('event.asn == 0 && event.tokenClass == ""', given), true);
});

test("claims exist on every token, zero-valued when there are none", async () => {
  const opaque = input({ event: { token: { kind: "opaque", claims: null } } });
  const jwt = input({ event: { token: { claims: { scope: "orders:read  profile", exp: 5 } } } });

  assert.equal(
    await fires('event.token.claims.exp == 0 && event.token.claims.sub == ""', opaque),
    true,
  );
  assert.equal(await fires('event.token.claims.scopes == ["orders:read", "profile"]', jwt), true);
  assert.equal(await fires("event.token.claims.exp == 5", jwt), true);
});

test("enrichment fields are visible when the pipeline provides them", async () => {
  const given = input({
    enrichment: { asn: 64500, country: "DE", tokenClass: "user", network: "198.51.100.0/24" },
  });

  assert.equal(await fires('event.asn == 64500 && event.country == "DE"', given), true);
  assert.equal(await fires('event.network == "198.51.100.0/24"', given), true);
});

test("the network of an IPv6 client defaults to its /64", async () => {
  const given = input({ event: { clientIp: "2001:db8:1:2:aaaa:bbbb:cccc:dddd" } });

  assert.equal(await fires('event.network == "2001:db8:1:2::/64"', given), true);
});

test("inCidr and inCidrs match client addresses, IPv4-mapped included", async () => {
  const mapped = input({ event: { clientIp: "::ffff:10.1.2.3" } });
  const v6 = input({ event: { clientIp: "2001:db8::5" } });

  assert.equal(await fires('event.clientIp.inCidr("10.0.0.0/8")', mapped), true);
  assert.equal(await fires('event.clientIp.inCidrs(["192.0.2.0/24", "2001:db8::/32"])', v6), true);
  assert.equal(await fires('event.clientIp.inCidrs(["192.0.2.0/24"])', v6), false);
});

test("lists are constants conditions can test membership in", async () => {
  const lists = "lists:\n  office: [192.0.2.0/24]\n  admin_paths: [/admin, /internal]\n";
  const given = input({ event: { path: "/admin" } });

  assert.equal(await fires("event.path in admin_paths", given, `\n${lists}`), true);
  assert.equal(await fires("event.clientIp.inCidrs(office)", given, `\n${lists}`), true);
});

test("macros can use lists and other macros", async () => {
  const extra = [
    "lists:",
    "  probes: [/healthz]",
    "macros:",
    "  is_probe: event.path in probes",
    "  busy_human: window.requests1m > 100 && !is_probe",
    "",
  ].join("\n");

  const probe = input({ event: { path: "/healthz" }, window: { requests1m: 500 } });
  const human = input({ window: { requests1m: 500 } });

  assert.equal(await fires("busy_human", probe, `\n${extra}`), false);
  assert.equal(await fires("busy_human", human, `\n${extra}`), true);
});
