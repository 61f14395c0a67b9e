import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { leakedSecrets } from "../support/secrets.js";
import { launchChromium } from "./headless-chromium.js";
import {
  PLANTED_SECRET,
  type ReportFixture,
  SERVICE_KEY,
  writeReportFixture,
} from "./report-fixture.js";

/*
 * The backtest report as a person sees it: the built CLI writes it, headless
 * Chromium opens it from disk with every network request refused, and the
 * test checks that each chart drew pixels and the flagged token's story is
 * there. The screenshot is kept in test-artifacts/ (gitignored).
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARTIFACTS = join(ROOT, "test-artifacts");

let fixture: ReportFixture;
let html: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenwatch-report-"));
  fixture = writeReportFixture(dir);
  const report = join(dir, "report.html");
  const env = { ...process.env };
  delete env.TOKENWATCH_FINGERPRINT_KEY;
  // Run from the fixture's folder, so the report names the input as a user would see it.
  const args = ["replay", "report-fixture.ndjson", "--rules", join(ROOT, "rules")];
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "dist/cli/main.js"), ...args, "--report", report, "--quiet"],
    { cwd: dir, env, encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  html = readFileSync(report, "utf8");

  context = await launchChromium();
  // Self-contained means nothing but the file itself is ever fetched.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(pathToFileURL(report).href);
  // The page script marks the body once every chart is built.
  await page.waitForFunction("document.body.dataset.charts !== undefined");
  assert.deepEqual(errors, []);
});

after(async () => {
  await context?.close();
});

test("every chart in the report draws pixels on its canvas", async () => {
  const charts = await page.evaluate(() => {
    // The DOM types are not in this project's lib; name the little that is used.
    interface Canvas {
      id: string;
      width: number;
      height: number;
      dataset: Record<string, string | undefined>;
      getContext(kind: "2d"): { getImageData(...box: number[]): { data: Uint8ClampedArray } };
    }
    const list = (globalThis as unknown as { tokenwatchCharts: { canvas: Canvas }[] })
      .tokenwatchCharts;
    return list.map(({ canvas }) => {
      const { width, height } = canvas;
      const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
      return { id: canvas.id || canvas.dataset.chart, width, inked };
    });
  });

  // Two overview charts, and rate, networks and agents for the flagged token.
  const canvases = await page.locator("canvas.chart").count();
  assert.equal(charts.length, canvases);
  assert.equal(canvases, 5);
  for (const chart of charts) {
    assert.ok(chart.width > 100, `${chart.id} has no size`);
    assert.ok(chart.inked > 500, `${chart.id} drew only ${chart.inked} pixels`);
  }
});

test("the stolen token's story shows its networks on the map and the revocation", async () => {
  const section = page.locator(`section#token-${fixture.stolenFp}`);

  const text = (await section.textContent()) ?? "";

  assert.equal(await section.count(), 1);
  assert.equal(await section.locator("h3 code").textContent(), fixture.stolenFp);
  assert.match(text, /consumer alice/);
  assert.match(text, /many-networks-short-window/);
  assert.match(text, /window\.networks5m=5/);
  // Six foreign networks plus the owner's own, all placed by geo-IP.
  assert.equal(await section.locator("svg.map circle").count(), 7);
  assert.equal(await section.locator("table.heat td").count(), 7 * 24);
  assert.equal(await page.locator(`section#token-${fixture.serviceFp}`).count(), 0);
});

test("the report opens without a single network request and holds no raw token", () => {
  assert.deepEqual(requests, []);
  assert.deepEqual(leakedSecrets(html, [PLANTED_SECRET, SERVICE_KEY]), []);
  assert.equal(html.includes(PLANTED_SECRET.slice(0, 20)), false);
  assert.ok(html.includes(fixture.stolenFp));
});

test("a screenshot of the report is kept as a test artifact", async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "report.png");
  await page.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);

  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  assert.ok(png.length > 20_000, `screenshot is only ${png.length} bytes`);
});
