import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsFor, input, rule, ruleFile } from "../support.js";

const LISTS = "lists:\n  office: [198.51.100.0/24, 2001:db8:a::/48]\n  ci_bots: [ci-runner]\n";

/** Whether the rule with these exceptions fires on `given` (its condition always holds). */
async function fires(exceptions: string, given = input()): Promise<boolean> {
  const text = ruleFile(rule("exc", { condition: "event.status >= 0", exceptions }));
  const findings = await findingsFor({ "a.yaml": `${text}\n${LISTS}` }, given);
  return findings.length > 0;
}

test("a CIDR exception excuses addresses inside it and no others", async () => {
  const exceptions = "\n      - name: office\n        cidrs: [$office, 203.0.113.7]";

  assert.equal(await fires(exceptions, input({ event: { clientIp: "198.51.100.20" } })), false);
  assert.equal(await fires(exceptions, input({ event: { clientIp: "2001:db8:a:9::1" } })), false);
  assert.equal(await fires(exceptions, input({ event: { clientIp: "203.0.113.7" } })), false);
  assert.equal(await fires(exceptions, input({ event: { clientIp: "203.0.113.8" } })), true);
  assert.equal(await fires(exceptions, input({ event: { clientIp: "198.51.101.1" } })), true);
});

test("a consumer exception excuses that consumer only", async () => {
  const exceptions = "\n      - name: ci\n        consumers: [$ci_bots, deploy-bot]";

  assert.equal(await fires(exceptions, input({ event: { consumerId: "ci-runner" } })), false);
  assert.equal(await fires(exceptions, input({ event: { consumerId: "deploy-bot" } })), false);
  assert.equal(await fires(exceptions, input({ event: { consumerId: "alice" } })), true);
  assert.equal(await fires(exceptions, input({ event: { consumerId: null } })), true);
});

test("a route exception excuses that route only", async () => {
  const exceptions = "\n      - name: webhooks\n        routes: [webhooks-in]";

  assert.equal(await fires(exceptions, input({ event: { routeId: "webhooks-in" } })), false);
  assert.equal(await fires(exceptions, input({ event: { routeId: "orders" } })), true);
});

test("fields of one exception must all match", async () => {
  const exceptions =
    "\n      - name: ci from office\n        cidrs: [$office]\n        consumers: [$ci_bots]";
  const both = input({ event: { clientIp: "198.51.100.9", consumerId: "ci-runner" } });
  const elsewhere = input({ event: { clientIp: "192.0.2.1", consumerId: "ci-runner" } });
  const human = input({ event: { clientIp: "198.51.100.9", consumerId: "alice" } });

  assert.equal(await fires(exceptions, both), false);
  assert.equal(await fires(exceptions, elsewhere), true);
  assert.equal(await fires(exceptions, human), true);
});

test("any one matching exception excuses the event", async () => {
  const exceptions = [
    "",
    "      - name: office",
    "        cidrs: [$office]",
    "      - name: webhooks",
    "        routes: [webhooks-in]",
  ].join("\n");

  assert.equal(await fires(exceptions, input({ event: { routeId: "webhooks-in" } })), false);
  assert.equal(await fires(exceptions, input({ event: { clientIp: "198.51.100.1" } })), false);
  assert.equal(await fires(exceptions, input()), true);
});

test("ASN and token-class exceptions match only when enrichment provides them", async () => {
  const asn = "\n      - name: corporate AS\n        asns: [AS64500, 64501]";
  const classes = "\n      - name: services\n        tokenClasses: [service]";

  assert.equal(await fires(asn, input({ enrichment: { asn: 64500 } })), false);
  assert.equal(await fires(asn, input({ enrichment: { asn: 64501 } })), false);
  assert.equal(await fires(asn, input({ enrichment: { asn: 64502 } })), true);
  assert.equal(await fires(asn, input()), true);
  assert.equal(await fires(classes, input({ enrichment: { tokenClass: "service" } })), false);
  assert.equal(await fires(classes, input()), true);
});
