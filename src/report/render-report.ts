import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { esc, scriptJson, table, utc } from "./html.js";
import type { ReportModel } from "./report-model.js";
import { storySection } from "./story-section.js";
import { MAP_HEIGHT, MAP_WIDTH, worldLandPath } from "./world-outline.js";

const require = createRequire(import.meta.url);

/** The page's own script and style, kept as files so they read as JavaScript and CSS. */
function asset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8");
}

/**
 * Chart.js's UMD build, inlined: the report must open with no network at
 * all. The package's `exports` hide the UMD file, so it is found beside the
 * CommonJS entry point, in the same `dist/` folder.
 */
function chartJs(): string {
  const umd = join(dirname(require.resolve("chart.js")), "chart.umd.min.js");
  return readFileSync(umd, "utf8");
}

/**
 * Render the backtest report as one self-contained HTML page: Chart.js, the
 * world outline, the data and the page script are all inlined. Tokens
 * appear by fingerprint only; the model never holds a raw token.
 */
export function renderReport(model: ReportModel): string {
  const { run } = model;
  const title = `tokenwatch backtest — ${run.input}`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${asset("report.css")}</style>
</head><body>
<svg width="0" height="0" style="position:absolute" aria-hidden="true">
<defs><symbol id="world-land" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}">
<path class="land" d="${worldLandPath()}"/></symbol></defs></svg>
<header><h1>tokenwatch backtest</h1>
<p class="muted">${esc(run.input)} · ${utc(run.firstTs)} to ${utc(run.lastTs)} ·
generated ${utc(model.generatedAt)}</p></header>
<main>
${runSection(model)}
<section id="overview"><h2>Decisions</h2>
<div class="grid">
<figure><figcaption>Decisions over time (per ${bucketName(model.timeline.bucketMs)})</figcaption>
<div class="chart-box"><canvas class="chart" id="decisions-over-time"></canvas></div></figure>
<figure><figcaption>Decisions by rule and action</figcaption>
<div class="chart-box"><canvas class="chart" id="decisions-by-rule"></canvas></div></figure>
</div>
<h3>Top tokens by risk</h3>
${topTokens(model)}
</section>
${rulesSection(model)}
<section id="stories"><h2>Flagged tokens</h2>
${stories(model)}
</section>
</main>
<script type="application/json" id="report-data">${scriptJson(model)}</script>
<script>${chartJs()}</script>
<script>${asset("report-page.js")}</script>
</body></html>
`;
}

function bucketName(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
}

function stories(model: ReportModel): string {
  if (model.stories.length === 0) return "<p>No token was flagged.</p>";
  return model.stories.map(storySection).join("\n");
}

function runSection({ run }: ReportModel): string {
  const rejected = Object.entries(run.rejected);
  const total = rejected.reduce((sum, [, n]) => sum + n, 0);
  const reasons = rejected.map(([reason, n]) => `${esc(reason)}=${n}`).join(" ");
  const rows = [
    ["input", esc(run.input)],
    ["lines read", String(run.lines)],
    ["events", `${run.events} (${run.withoutToken} without a token)`],
    ["rejected", `${total}${reasons ? ` (${reasons})` : ""}`],
    ["tokens", String(run.tokens)],
    ["time span", `${utc(run.firstTs)} to ${utc(run.lastTs)}`],
  ];
  if (run.storiesEvicted > 0) {
    rows.push(["stories not kept", `${run.storiesEvicted} quiet tokens (memory bound)`]);
  }
  return `<section id="run"><h2>Run</h2>${table(["", ""], rows)}</section>`;
}

function topTokens({ topTokens: tokens }: ReportModel): string {
  if (tokens.length === 0) return "<p>No decisions.</p>";
  const rows = tokens.map((t) => [
    `<a href="#token-${esc(t.tokenFp)}"><code>${esc(t.tokenFp)}</code></a>`,
    esc(t.consumerId ?? "-"),
    esc(t.credentialId ?? "-"),
    String(t.maxRisk),
    String(t.decisions),
    `<span class="action ${esc(t.strongest)}">${esc(t.strongest)}</span>`,
  ]);
  return table(["token", "consumer", "credential", "max risk", "decisions", "strongest"], rows);
}

function rulesSection({ rules }: ReportModel): string {
  const rows = rules.map((r) => [
    `<code>${esc(r.ruleId)}</code>`,
    String(r.findings.enforce ?? 0),
    String(r.findings.alert ?? 0),
    String(r.findings.shadow ?? 0),
    String(r.tokens),
    `${r.revokeFindings.enforce ?? 0} / ${r.revokeFindings.shadow ?? 0}`,
    String(r.revokeTokens),
    String(r.revoked),
  ]);
  const head = [
    "rule",
    "fired (enforce)",
    "fired (alert)",
    "fired (shadow)",
    "tokens",
    "asked to revoke (enforce / shadow)",
    "tokens it would revoke",
    "revoked in replay",
  ];
  const body = rules.length ? table(head, rows) : "<p>No rule fired.</p>";
  return `<section id="rules"><h2>Rules</h2>
<p class="muted">Every finding, shadow ones included: a shadow rule's "would revoke" column is
what enabling it would have done, before cooldowns and guards.</p>${body}</section>`;
}
