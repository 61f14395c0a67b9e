import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DashboardRow, GridPos } from "./dashboard-queries.js";

/*
 * The page scripts/render-dashboard.ts screenshots: the dashboard's panels
 * placed on Grafana's grid (24 columns, 30 px rows) and drawn by Chart.js,
 * everything inlined so the page needs no network, like the backtest report.
 */

/** Grafana's grid: row height and the gap between panels, in CSS pixels. */
const CELL_HEIGHT = 30;
const GAP = 8;

/** One line of a time-series panel, aligned to the page's shared time labels. */
export interface DrawnDataset {
  readonly label: string;
  readonly data: (number | null)[];
}

/** What the page draws for one panel. */
export interface DrawnPanel {
  readonly id: number;
  readonly title: string;
  readonly type: string;
  readonly gridPos: GridPos;
  readonly unit: string;
  readonly decimals?: number;
  readonly datasets: readonly DrawnDataset[];
  /** Stat panels: the value at the end of the range and its threshold colour. */
  readonly stat?: { value: number | null; color: string };
}

/** The whole page's data: time labels shared by every time-series panel. */
export interface DrawnDashboard {
  readonly title: string;
  readonly subtitle: string;
  readonly labels: readonly string[];
  readonly rows: readonly DashboardRow[];
  readonly panels: readonly DrawnPanel[];
}

const require = createRequire(import.meta.url);

function chartJs(): string {
  // chart.js's `exports` hide the UMD build; it sits beside the CommonJS entry point.
  return readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function box(pos: GridPos, width: number): string {
  const column = width / 24;
  return [
    `left:${pos.x * column + GAP / 2}px`,
    `top:${pos.y * CELL_HEIGHT + GAP / 2}px`,
    `width:${pos.w * column - GAP}px`,
    `height:${pos.h * CELL_HEIGHT - GAP}px`,
  ].join(";");
}

/** The page's height for a dashboard drawn `width` pixels wide, header included. */
export function pageHeight(dashboard: DrawnDashboard): number {
  const bottom = Math.max(
    ...[...dashboard.panels, ...dashboard.rows].map((p) => p.gridPos.y + p.gridPos.h),
  );
  return bottom * CELL_HEIGHT + 64;
}

/** Render the dashboard page, `width` CSS pixels wide. */
export function dashboardHtml(dashboard: DrawnDashboard, width: number): string {
  const rows = dashboard.rows.map(
    (row) => `<h2 class="row" style="${box(row.gridPos, width)}">${esc(row.title)}</h2>`,
  );
  const panels = dashboard.panels.map(
    (panel) =>
      `<section class="panel" data-panel="${panel.id}" style="${box(panel.gridPos, width)}">` +
      `<h3>${esc(panel.title)}</h3><div class="body"></div></section>`,
  );
  // JSON in a script element: "<" escaped so no value can close the element.
  const data = JSON.stringify(dashboard).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(dashboard.title)}</title><style>
body{margin:0;background:#111217;color:#ccccdc;width:${width}px;
  font:13px Inter,Helvetica,Arial,sans-serif}
header{height:56px;display:flex;align-items:baseline;gap:16px;padding:12px 12px 0}
header h1{font-size:18px;margin:0;font-weight:500}header p{margin:0;color:#8e8e9e}
main{position:relative}
.row{position:absolute;margin:0;font-size:15px;font-weight:500;display:flex;align-items:end}
.panel{position:absolute;box-sizing:border-box;background:#181b1f;border:1px solid #2c3235;
border-radius:2px;display:flex;flex-direction:column;padding:6px 8px}
.panel h3{margin:0 0 4px;font-size:13px;font-weight:500}
.body{flex:1;min-height:0;position:relative}
.stat{display:flex;align-items:center;justify-content:center;font-size:40px;font-weight:500;
color:#fff;border-radius:2px}
.empty{display:flex;align-items:center;justify-content:center;color:#8e8e9e}
</style></head><body>
<header><h1>${esc(dashboard.title)}</h1><p>${esc(dashboard.subtitle)}</p></header>
<main>${rows.join("\n")}${panels.join("\n")}</main>
<script id="dashboard-data" type="application/json">${data}</script>
<script>${chartJs()}</script>
<script>${readFileSync(new URL("./dashboard-page.js", import.meta.url), "utf8")}</script>
</body></html>`;
}
