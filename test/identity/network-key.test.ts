import assert from "node:assert/strict";
import { test } from "node:test";
import { networkKey, parseClientIp } from "../../src/identity/network-key.js";

test("ports are stripped from IPv4 and bracketed IPv6", () => {
  assert.equal(parseClientIp("1.2.3.4:5678"), "1.2.3.4");
  assert.equal(parseClientIp("[::1]:80"), "::1");
  assert.equal(parseClientIp("[2001:db8::1]"), "2001:db8::1");
});

test("IPv4-mapped IPv6 becomes IPv4 and IPv6 is written in RFC 5952 form", () => {
  assert.equal(parseClientIp("::ffff:203.0.113.9"), "203.0.113.9");
  assert.equal(parseClientIp("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  assert.equal(parseClientIp("fe80::1%eth0"), "fe80::1");
});

test("anything that is not an IP address is null", () => {
  for (const raw of [
    "",
    "localhost",
    "127.1",
    "0x7f.0.0.1",
    "1.2.3.4.5",
    "300.1.1.1",
    "1.2.3.4, 5.6.7.8",
  ]) {
    assert.equal(parseClientIp(raw), null, raw);
  }
});

test("IPv4 is keyed by the address, IPv6 by its /64", () => {
  assert.equal(networkKey("198.51.100.7"), "198.51.100.7");
  assert.equal(networkKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(networkKey("2001:db8:1:2:1111::9"), "2001:db8:1:2::/64");
  assert.equal(networkKey("[2001:db8:1:3::5]:443"), "2001:db8:1:3::/64");
});

test("the IPv6 prefix length is configurable", () => {
  assert.equal(networkKey("2001:db8:1:2:aaaa::1", 48), "2001:db8:1::/48");
  assert.equal(networkKey("2001:db8:1:2:aaaa::1", 128), "2001:db8:1:2:aaaa::1/128");
});

test("an invalid address has no network key", () => {
  assert.equal(networkKey("nope"), null);
});
