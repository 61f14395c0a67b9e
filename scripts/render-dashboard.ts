/*
 * Draw the shipped Grafana dashboard (deploy/grafana/dashboards/tokenwatch.json)
 * from a Prometheus, without Grafana: every panel's queries go to
 * /api/v1/query_range (stat panels: /api/v1/query at the end of the range),
 * the panels are laid out by their gridPos and drawn with Chart.js, and
 * headless Debian Chromium takes the screenshot. Made for the README's
 * picture on a machine where Grafana could not be installed; it is not a
 * Grafana replacement (no tooltips, overrides or transformations).
 *
 *   node --import tsx scripts/render-dashboard.ts --prometheus http://localhost:9090 \
 *     --minutes 30 --out docs/images/dashboard.png
 *
 * scripts/dashboard-demo.ts makes the data first: a real tokenwatch run,
 * generated traffic and a private Prometheus, then calls renderDashboard().
 */
import { parseArgs } from "node:util";
import { launchChromium } from "../test/report/headless-chromium.js";
import {
  type DrawnDashboard,
  type DrawnPanel,
  dashboardHtml,
  pageHeight,
} from "./dashboard-html.js";
import { builtinVariables, type DashboardPanel, dashboardQueries } from "./dashboard-queries.js";
import { instantQuery, rangeQuery, seriesOf } from "./prometheus-api.js";

/** Page width in CSS pixels: wide enough that three panels side by side stay readable. */
const WIDTH = 1500;
/** Points per line; Grafana picks about one per pixel pair, far more than a picture needs. */
const POINTS = 120;

/** What to draw: which Prometheus, which time range (seconds), where to save the PNG. */
export interface RenderOptions {
  readonly prometheus: string;
  readonly start: number;
  readonly end: number;
  readonly out: string;
  /** The Prometheus's scrape interval, for `$__rate_interval`. */
  readonly scrapeSeconds: number;
  /** Written beside the picture in the header, e.g. how the data was made. */
  readonly subtitle?: string;
}

/** Grafana's legend: `{{label}}` replaced by the series' label value. */
function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format) return JSON.stringify(metric);
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => metric[name] ?? "");
}

function thresholdColor(panel: DashboardPanel, value: number | null): string {
  let color = panel.thresholds[0]?.color ?? "green";
  for (const step of panel.thresholds) {
    if (step.value !== null && value !== null && value >= step.value) color = step.color;
  }
  return color;
}

async function drawPanel(
  panel: DashboardPanel,
  options: RenderOptions,
  times: number[],
  stepSeconds: number,
): Promise<DrawnPanel> {
  const base = { ...panel, datasets: [] as DrawnPanel["datasets"] };
  if (panel.type === "stat") {
    const expr = panel.targets[0]?.expr ?? "";
    const [first] = seriesOf(await instantQuery(options.prometheus, expr, options.end), expr);
    const value = first?.value ? Number(first.value[1]) : null;
    return { ...base, stat: { value, color: thresholdColor(panel, value) } };
  }
  const datasets = [];
  for (const target of panel.targets) {
    const range = { start: options.start, end: options.end, stepSeconds };
    const answer = await rangeQuery(options.prometheus, target.expr, range);
    for (const series of seriesOf(answer, target.expr)) {
      const byTime = new Map((series.values ?? []).map(([t, v]) => [Math.round(t), Number(v)]));
      const data = times.map((t) => {
        const value = byTime.get(t);
        return value === undefined || !Number.isFinite(value) ? null : value;
      });
      datasets.push({ label: legend(target.legendFormat, series.metric), data });
    }
  }
  return { ...base, datasets };
}

/** A clock label, with seconds when the range is short enough that minutes repeat. */
function clock(seconds: number, withSeconds = false): string {
  return new Date(seconds * 1000).toISOString().slice(11, withSeconds ? 19 : 16);
}

/** Query every panel and save the screenshot; resolves with the page's data. */
export async function renderDashboard(options: RenderOptions): Promise<DrawnDashboard> {
  const stepSeconds = Math.max(1, Math.round((options.end - options.start) / POINTS));
  const start = options.start - (options.start % stepSeconds);
  const times: number[] = [];
  for (let t = start; t <= options.end; t += stepSeconds) times.push(t);
  const { rows, panels } = dashboardQueries(
    builtinVariables({
      intervalSeconds: stepSeconds,
      rangeSeconds: options.end - options.start,
      scrapeIntervalSeconds: options.scrapeSeconds,
    }),
  );
  const aligned = { ...options, start };
  const drawn = await Promise.all(panels.map((p) => drawPanel(p, aligned, times, stepSeconds)));
  const day = new Date(start * 1000).toISOString().slice(0, 10);
  const range = `${day} ${clock(start)} to ${clock(options.end)} UTC`;
  const short = options.end - start < 3600;
  const dashboard: DrawnDashboard = {
    title: "tokenwatch",
    subtitle: [range, options.subtitle].filter(Boolean).join(" · "),
    labels: times.map((t) => clock(t, short)),
    rows,
    panels: drawn,
  };

  const context = await launchChromium();
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: WIDTH, height: pageHeight(dashboard) });
    await page.setContent(dashboardHtml(dashboard, WIDTH));
    await page.waitForFunction("window.dashboardDrawn === true", undefined, { timeout: 30_000 });
    await page.screenshot({ path: options.out, fullPage: true });
  } finally {
    await context.close();
  }
  return dashboard;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      prometheus: { type: "string", default: "http://127.0.0.1:9090" },
      minutes: { type: "string", default: "30" },
      scrape: { type: "string", default: "15" },
      out: { type: "string", default: "docs/images/dashboard.png" },
    },
  });
  const end = Math.floor(Date.now() / 1000);
  await renderDashboard({
    prometheus: values.prometheus,
    start: end - Number(values.minutes) * 60,
    end,
    out: values.out,
    scrapeSeconds: Number(values.scrape),
  });
  console.log(`wrote ${values.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
