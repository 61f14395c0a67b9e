import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { GeoIp, sharedGeoIp } from "../../src/enrich/geo-ip.js";

const geo = sharedGeoIp(configSchema.parse({}).enrich);

test("a public IPv4 address has its operator, country and city location", () => {
  const facts = geo.lookup("8.8.8.8");

  assert.equal(facts.asn, 15169);
  assert.equal(facts.country, "US");
  assert.equal(facts.location?.radiusKm, 100);
  // Mountain View, California.
  assert.equal(Math.round(facts.location?.lat ?? 0), 37);
  assert.equal(Math.round(facts.location?.lon ?? 0), -122);
});

test("addresses sharing a database record get the same facts, read again or not", () => {
  const first = geo.lookup("8.8.8.8");
  const again = geo.lookup("8.8.8.8");
  const neighbour = geo.lookup("8.8.4.4");

  assert.deepEqual(again, first);
  assert.deepEqual([neighbour.asn, neighbour.country], [first.asn, first.country]);
});

test("IPv6 addresses are looked up in the IPv6 databases", () => {
  const facts = geo.lookup("2a00:1450:4001:80b::200e");

  assert.deepEqual([facts.asn, facts.country], [15169, "DE"]);
});

test("documentation, private, CGNAT and loopback ranges are unknown, not errors", () => {
  const unknown = { asn: null, country: null, location: null };
  for (const ip of [
    "192.0.2.1",
    "198.51.100.7",
    "10.1.2.3",
    "100.64.0.9",
    "127.0.0.1",
    "2001:db8::1",
  ]) {
    assert.deepEqual(geo.lookup(ip), unknown, ip);
  }
});

test("something that is not an address is unknown", () => {
  assert.deepEqual(geo.lookup("not-an-ip"), { asn: null, country: null, location: null });
});

test("the radii are configurable and shared instances are reused", () => {
  const config = { ...configSchema.parse({}).enrich, cityRadiusKm: 25 };
  const tight = sharedGeoIp(config);

  assert.equal(tight.lookup("8.8.8.8").location?.radiusKm, 25);
  assert.equal(sharedGeoIp(config), tight);
  assert.notEqual(tight, geo);
  assert.ok(geo instanceof GeoIp);
});
