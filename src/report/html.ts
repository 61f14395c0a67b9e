/*
 * Small HTML helpers for the report. Everything the report prints comes
 * from gateway logs — consumer ids, user agents, rule evidence — and is
 * attacker-controlled, so every value goes through `esc` and the embedded
 * JSON through `scriptJson`.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * JSON safe inside `<script type="application/json">`: `<` is escaped so no
 * value can close the script element, and U+2028/U+2029 for old parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** An event time as the report prints it: UTC, to the second. */
export function utc(ts: number | null): string {
  if (ts === null || !Number.isFinite(ts)) return "-";
  return new Date(ts)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

/** A table from a header row and body rows of already-escaped cells. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((cell) => `<th>${cell}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}
