import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { TokenClassifier } from "../../src/enrich/token-class.js";
import { ConfigError } from "../../src/errors.js";
import { input } from "../detect/support.js";

function classifier(enrich: Record<string, unknown> = {}) {
  return new TokenClassifier(configSchema.parse({ enrich }).enrich);
}

const MACHINE = { browserRequests: 0, totalRequests: 500, knownAsns: 1, asns1h: 1 };

test("a token that never used a browser and stays in one operator is learned as a service", () => {
  const { event, window } = input({ window: MACHINE });
  assert.equal(classifier().classify(event, window), "service");
});

test("one browser request, too few requests or many operators keep a token a user", () => {
  const cases = [
    { ...MACHINE, browserRequests: 1 },
    { ...MACHINE, totalRequests: 29 },
    { ...MACHINE, knownAsns: 3 },
    { ...MACHINE, asns1h: 3 },
  ];
  for (const window of cases) {
    const given = input({ window });
    assert.equal(classifier().classify(given.event, given.window), "user", JSON.stringify(window));
  }
});

test("configured selectors win over behaviour, user tokens first", () => {
  const serviceByCidr = classifier({ serviceTokens: { cidrs: ["3.120.0.0/14"] } });
  const browserInCloud = input({
    event: { clientIp: "3.121.5.6" },
    window: { browserRequests: 9 },
  });
  assert.equal(serviceByCidr.classify(browserInCloud.event, browserInCloud.window), "service");

  const pinned = classifier({ userTokens: { consumers: ["alice"] } });
  const machine = input({ window: MACHINE });
  assert.equal(pinned.classify(machine.event, machine.window), "user");

  const byClient = classifier({ serviceTokens: { clientIds: ["billing-sync"] } });
  const jwt = input({ event: { token: { claims: { clientId: "billing-sync" } } } });
  assert.equal(byClient.classify(jwt.event, jwt.window), "service");
});

test("learning can be switched off", () => {
  const { event, window } = input({ window: MACHINE });
  assert.equal(classifier({ learnServiceClass: false }).classify(event, window), "user");
});

test("a CIDR that is not one fails with the setting to fix", () => {
  assert.throws(
    () => classifier({ serviceTokens: { cidrs: ["3.120.0.0/99"] } }),
    (err: unknown) =>
      err instanceof ConfigError && /enrich\.serviceTokens\.cidrs/.test(err.message),
  );
});
