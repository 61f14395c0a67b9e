import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { EventEnricher } from "../../src/enrich/event-enricher.js";
import { type GeoIp, sharedGeoIp } from "../../src/enrich/geo-ip.js";
import { UserAgentFamilies } from "../../src/enrich/user-agent-family.js";
import { networkKey } from "../../src/identity/network-key.js";
import { input } from "../detect/support.js";

const SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 " +
  "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

function enricher(geo: GeoIp | null) {
  return new EventEnricher({
    networkKey: (ip) => networkKey(ip, 64) ?? ip,
    userAgents: new UserAgentFamilies(),
    geo,
  });
}

test("an event gets its network key, user-agent family and geo facts", () => {
  const geo = sharedGeoIp(configSchema.parse({}).enrich);
  const { event } = input({ event: { clientIp: "2003:e0:1234:5678::1", userAgent: SAFARI } });

  const facts = enricher(geo).facts(event);

  assert.equal(facts.network, "2003:e0:1234:5678::/64");
  assert.equal(facts.userAgentFamily, "Mobile Safari/iOS/mobile");
  assert.equal(facts.browser, true);
  assert.deepEqual([facts.asn, facts.country], [3320, "DE"]);
  assert.ok(facts.location);
});

test("an HTTP library is not a browser", () => {
  const { event } = input({ event: { userAgent: "okhttp/4.12.0" } });
  const facts = enricher(null).facts(event);

  assert.deepEqual([facts.userAgentFamily, facts.browser], ["okhttp/-/-", false]);
});

test("without geo-IP every place is unknown", () => {
  const { event } = input({ event: { clientIp: "8.8.8.8" } });
  const facts = enricher(null).facts(event);

  assert.deepEqual([facts.asn, facts.country, facts.location], [null, null, null]);
});

test("lookups are cached per address", () => {
  let lookups = 0;
  const counting = {
    lookup: () => {
      lookups += 1;
      return { asn: 64500, country: "NL", location: null };
    },
  } as unknown as GeoIp;
  const cached = enricher(counting);
  const { event } = input({ event: { clientIp: "198.51.100.9" } });

  cached.facts(event);
  cached.facts(event);

  assert.equal(lookups, 1);
});

test("the network key is computed once per address, with or without geo-IP", () => {
  let keys = 0;
  const counting = new EventEnricher({
    networkKey: (ip) => {
      keys += 1;
      return ip;
    },
    userAgents: new UserAgentFamilies(),
    geo: null,
  });
  const { event } = input({ event: { clientIp: "198.51.100.9" } });

  counting.facts(event);
  const facts = counting.facts(event);

  assert.equal(keys, 1);
  assert.equal(facts.network, "198.51.100.9");
});
