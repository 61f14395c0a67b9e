import { readFileSync } from "node:fs";

/*
 * The shipped Grafana dashboard as PromQL: every panel's target expressions
 * with Grafana's variables replaced by concrete values, so something other
 * than Grafana (the deploy integration test, scripts/render-dashboard.ts) can
 * send them to Prometheus exactly as Grafana would.
 */

/** Where a panel sits on Grafana's 24-column grid (h in grid rows of 30 px). */
export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One query of a panel, its expression already substituted. */
export interface PanelTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
}

/** A drawable panel (rows are layout only and have no queries). */
export interface DashboardPanel {
  readonly id: number;
  readonly title: string;
  readonly type: string;
  readonly gridPos: GridPos;
  readonly unit: string;
  /** Fixed decimals, when the panel sets them. */
  readonly decimals?: number;
  /** Threshold steps, lowest first; the first one's value is null (the base colour). */
  readonly thresholds: readonly ThresholdStep[];
  readonly targets: readonly PanelTarget[];
}

/** A colour from `value` up. */
export interface ThresholdStep {
  readonly color: string;
  readonly value: number | null;
}

/** A row header, kept so a rendering can draw the dashboard's sections. */
export interface DashboardRow {
  readonly title: string;
  readonly gridPos: GridPos;
}

interface RawPanel {
  type: string;
  id: number;
  title: string;
  gridPos: GridPos;
  fieldConfig?: {
    defaults?: { unit?: string; decimals?: number; thresholds?: { steps?: ThresholdStep[] } };
  };
  targets?: { refId: string; expr: string; legendFormat?: string }[];
  panels?: RawPanel[];
}

interface RawDashboard {
  panels: RawPanel[];
  templating?: { list?: { name: string; current?: { value?: string | string[] } }[] };
}

/** The dashboard file docker-compose.yml provisions into Grafana. */
export const DASHBOARD_PATH = new URL(
  "../deploy/grafana/dashboards/tokenwatch.json",
  import.meta.url,
);

/**
 * Values for Grafana's built-in variables. Grafana derives `$__interval` from
 * the time range and panel width; callers pick one. `$__rate_interval` is
 * Grafana's documented rule: max(interval + scrape interval, 4 × scrape interval).
 */
export function builtinVariables(options: {
  intervalSeconds: number;
  rangeSeconds: number;
  scrapeIntervalSeconds: number;
}): Record<string, string> {
  const { intervalSeconds, rangeSeconds, scrapeIntervalSeconds } = options;
  const rate = Math.max(intervalSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
  return {
    __interval: `${intervalSeconds}s`,
    __interval_ms: `${intervalSeconds * 1000}`,
    __rate_interval: `${rate}s`,
    __range: `${rangeSeconds}s`,
    __range_s: `${rangeSeconds}`,
    __range_ms: `${rangeSeconds * 1000}`,
  };
}

/**
 * Replace `$name`, `${name}`, `${name:format}` and `[[name]]` with their
 * values. Longer names go first so `$__range_s` is not read as `$__range`.
 * Throws on a variable with no value: a query with one left would only fail
 * later, in Prometheus, with a less helpful message.
 */
export function substitute(expr: string, variables: Record<string, string>): string {
  const names = Object.keys(variables).sort((a, b) => b.length - a.length);
  let out = expr;
  for (const name of names) {
    const value = variables[name] ?? "";
    out = out
      .replaceAll(new RegExp(`\\$\\{${name}(:[^}]*)?\\}`, "g"), value)
      .replaceAll(`[[${name}]]`, value)
      .replaceAll(new RegExp(`\\$${name}(?![A-Za-z0-9_])`, "g"), value);
  }
  const left = out.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]+\]\]/);
  if (left) throw new Error(`no value for Grafana variable ${left[0]} in: ${expr}`);
  return out;
}

/** The dashboard's template variables at their saved values (a multi-value joins as a regex). */
function templateVariables(dashboard: RawDashboard): Record<string, string> {
  const values: Record<string, string> = {};
  for (const variable of dashboard.templating?.list ?? []) {
    const value = variable.current?.value ?? "";
    const list = Array.isArray(value) ? value : [value];
    values[variable.name] = list.includes("$__all") ? ".*" : list.join("|");
  }
  return values;
}

function flatten(panels: RawPanel[]): RawPanel[] {
  // A collapsed row keeps its panels inside it; an open row has them beside it.
  return panels.flatMap((panel) => [panel, ...flatten(panel.panels ?? [])]);
}

/** The parsed dashboard: its rows and its panels with substituted queries. */
export interface DashboardQueries {
  readonly rows: readonly DashboardRow[];
  readonly panels: readonly DashboardPanel[];
}

/**
 * Read the dashboard and substitute every target expression. `builtins`
 * come from {@link builtinVariables}; template variables use their saved
 * values unless `overrides` gives one.
 */
export function dashboardQueries(
  builtins: Record<string, string>,
  overrides: Record<string, string> = {},
  path: URL | string = DASHBOARD_PATH,
): DashboardQueries {
  const dashboard = JSON.parse(readFileSync(path, "utf8")) as RawDashboard;
  const variables = { ...templateVariables(dashboard), ...overrides, ...builtins };
  const all = flatten(dashboard.panels);
  return {
    rows: all.filter((p) => p.type === "row").map(({ title, gridPos }) => ({ title, gridPos })),
    panels: all
      .filter((p) => p.type !== "row")
      .map((p) => ({
        id: p.id,
        title: p.title,
        type: p.type,
        gridPos: p.gridPos,
        unit: p.fieldConfig?.defaults?.unit ?? "short",
        ...(p.fieldConfig?.defaults?.decimals === undefined
          ? {}
          : { decimals: p.fieldConfig.defaults.decimals }),
        thresholds: p.fieldConfig?.defaults?.thresholds?.steps ?? [],
        targets: (p.targets ?? []).map((t) => ({
          refId: t.refId,
          expr: substitute(t.expr, variables),
          ...(t.legendFormat === undefined ? {} : { legendFormat: t.legendFormat }),
        })),
      })),
  };
}
