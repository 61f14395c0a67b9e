import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { AsnTable } from "../../src/enrich/asn-table.js";

// Two IPv4 ranges with a gap, and one IPv6 /32; the numbers are ranges'
// integer forms, as in @ip-location-db/asn's *-num.csv files.
const dir = mkdtempSync(join(tmpdir(), "tokenwatch-asn-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "asn-ipv4-num.csv"),
  [
    '16777216,16777471,13335,"Cloudflare, Inc."', // 1.0.0.0 - 1.0.0.255
    "16778240,16779263,38803,Gtelecom Pty Ltd", // 1.0.4.0 - 1.0.7.255
    "",
  ].join("\n"),
);
writeFileSync(
  join(dir, "asn-ipv6-num.csv"),
  // 2001:db8:: - 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
  "42540766411282592856903984951653826560,42540766490510755371168322545197776895,64500,Example\n",
);
const table = new AsnTable(dir);

test("addresses inside a range get its ASN, both ends included", () => {
  assert.equal(table.lookup("1.0.0.0"), 13335);
  assert.equal(table.lookup("1.0.0.255"), 13335);
  assert.equal(table.lookup("1.0.5.9"), 38803);
});

test("addresses in a gap, before the first or after the last range are unknown", () => {
  assert.equal(table.lookup("1.0.1.0"), null);
  assert.equal(table.lookup("0.255.255.255"), null);
  assert.equal(table.lookup("1.0.8.0"), null);
});

test("IPv6 ranges are matched on the upper 64 bits", () => {
  assert.equal(table.lookup("2001:db8:1:2::99"), 64500);
  assert.equal(table.lookup("2001:db9::1"), null);
});

test("IPv4-mapped IPv6 addresses are looked up as IPv4, garbage is unknown", () => {
  assert.equal(table.lookup("::ffff:1.0.0.7"), 13335);
  assert.equal(table.lookup("1.0.0"), null);
});
