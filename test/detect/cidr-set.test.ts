import assert from "node:assert/strict";
import { test } from "node:test";
import { CidrSet, parseCidr } from "../../src/detect/cidr-set.js";

test("a CIDR set matches IPv4 and IPv6 ranges and bare addresses", () => {
  const set = new CidrSet(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]);

  assert.equal(set.has("10.200.1.1"), true);
  assert.equal(set.has("11.0.0.1"), false);
  assert.equal(set.has("2001:db8:ffff::1"), true);
  assert.equal(set.has("2001:db9::1"), false);
  assert.equal(set.has("192.0.2.7"), true);
  assert.equal(set.has("192.0.2.8"), false);
});

test("an IPv4-mapped IPv6 client matches IPv4 ranges", () => {
  assert.equal(new CidrSet(["10.0.0.0/8"]).has("::ffff:10.1.1.1"), true);
});

test("an unparsable client address matches nothing", () => {
  assert.equal(new CidrSet(["0.0.0.0/0"]).has("not-an-ip"), false);
});

test("a bad entry is refused with its text", () => {
  assert.throws(() => new CidrSet(["10.0.0.0/8", "10.0.0.0/40"]), /"10.0.0.0\/40" is not a CIDR/);
  assert.equal(parseCidr("example.com"), null);
});
