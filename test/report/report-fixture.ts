import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEVELOPMENT_FINGERPRINT_KEY } from "../../src/cli/dev-key.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";

/*
 * A replay input for the report tests: a user's token used from one
 * address in office hours for a week (so it has an hour-of-week profile),
 * an hour of a steady service key, and then the user's token used from six
 * networks in six countries within two minutes. The addresses are public
 * ones the bundled geo-IP databases place (Google, Cloudflare, and four
 * national networks), so the map has points. The stolen token's raw value
 * is a planted secret no report may contain.
 */

/** The stolen token, raw: it must never appear in a report. */
export const PLANTED_SECRET = "tw-PLANTED-secret-4f1c9a7e0b2d4c6e8a1f3b5d7c9e0a2b";
export const SERVICE_KEY = "svc-key-steady-0c3e5a7b9d1f2e4c";

const START = Date.parse("2026-11-02T09:00:00Z");
const MINUTE = 60_000;
/** Networks the stolen token is used from at once; several ASNs and countries. */
const SPREAD = ["8.8.8.8", "1.1.1.1", "81.2.69.160", "200.160.2.3", "133.242.0.3", "41.203.64.1"];

export interface ReportFixture {
  readonly file: string;
  readonly stolenFp: string;
  readonly serviceFp: string;
}

function event(ts: number, clientIp: string, token: string, extra: Record<string, unknown>) {
  return JSON.stringify({
    ts,
    clientIp,
    gateway: "fixture",
    method: "GET",
    scheme: "https",
    host: "api.example.com",
    path: "/v1/orders",
    status: 200,
    routeId: "orders",
    headers: { authorization: `Bearer ${token}` },
    ...extra,
  });
}

/** Write the fixture into `dir`; returns its path and the two tokens' fingerprints. */
export function writeReportFixture(dir: string): ReportFixture {
  const lines: string[] = [];
  const browser =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Safari/605.1.15";
  // Monday 26 October to Friday 30 October, 09:00–17:00, every 20 minutes.
  for (let day = 7; day >= 3; day--) {
    for (let minute = 0; minute < 8 * 60; minute += 20) {
      const ts = START - day * 86_400_000 + minute * MINUTE;
      lines.push(
        event(ts, "81.2.69.142", PLANTED_SECRET, { userAgent: browser, consumerId: "alice" }),
      );
    }
  }
  for (let minute = 0; minute < 60; minute++) {
    const ts = START + minute * MINUTE;
    lines.push(event(ts, "9.9.9.9", SERVICE_KEY, { userAgent: "billing-sync/1.4" }));
    if (minute < 40 && minute % 2 === 0) {
      const agent =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Safari/605.1.15";
      lines.push(
        event(ts + 5_000, "81.2.69.142", PLANTED_SECRET, { userAgent: agent, consumerId: "alice" }),
      );
    }
    if (minute === 45 || minute === 46) {
      SPREAD.forEach((ip, i) => {
        const userAgent = i % 2 === 0 ? "curl/8.5.0" : "python-requests/2.32.3";
        lines.push(event(ts + i * 1_000, ip, PLANTED_SECRET, { userAgent, consumerId: "alice" }));
      });
    }
  }
  lines.splice(150, 0, "{not json");

  const file = join(dir, "report-fixture.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const fingerprinter = new Fingerprinter(DEVELOPMENT_FINGERPRINT_KEY);
  return {
    file,
    stolenFp: fingerprinter.fingerprint(PLANTED_SECRET),
    serviceFp: fingerprinter.fingerprint(SERVICE_KEY),
  };
}
