import { esc, table, utc } from "./html.js";
import type { DecisionView, StoryView } from "./report-model.js";
import { MAP_HEIGHT, MAP_WIDTH, project } from "./world-outline.js";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const NOT_LOCATED =
  "no network of this token could be located (private or documentation addresses, or geo-IP off)";
/** The profile's highest level (state/windows.ts HOUR_MAX). */
const LEVEL_MAX = 15;

/**
 * One flagged token's section: who it is (fingerprint, consumer and
 * credential ids), canvases the page script fills with its charts, the map
 * of located networks, the learned hour-of-week profile and every decision
 * with its rule and evidence. The section id is what the report test finds.
 */
export function storySection(story: StoryView, index: number): string {
  const who = [
    story.consumerId ? `consumer <code>${esc(story.consumerId)}</code>` : "",
    story.credentialId ? `credential <code>${esc(story.credentialId)}</code>` : "",
  ].filter(Boolean);
  const decisions = story.decisionCount;
  const shown = story.decisions.length;

  const fp = esc(story.tokenFp);
  const canvas = (chart: string) =>
    `<div class="chart-box"><canvas class="chart" data-chart="${chart}" ` +
    `data-story="${index}"></canvas></div>`;

  return `<section class="story" id="token-${fp}" data-token="${fp}">
<h3>token <code>${esc(story.tokenFp)}</code> <span class="risk">risk ${story.maxRisk}</span></h3>
<p class="muted">${who.join(" · ") || "no consumer or credential id logged"} ·
${story.requests} requests from ${utc(story.firstSeen)} to ${utc(story.lastSeen)} ·
${decisions} decision${decisions === 1 ? "" : "s"}</p>
<div class="grid">
  <figure><figcaption>Requests per minute</figcaption>
    ${canvas("rate")}</figure>
  <figure><figcaption>Networks used over time (ASN, country)</figcaption>
    ${canvas("networks")}</figure>
  <figure><figcaption>User-agent families</figcaption>
    ${canvas("agents")}</figure>
  <figure><figcaption>Where it was used (located networks)</figcaption>${map(story)}</figure>
</div>
<h4>Learned hour-of-week profile (UTC, level 0–${LEVEL_MAX})</h4>
${hourProfile(story.hourOfWeek)}
<h4>Networks</h4>
${networks(story)}
<h4>Decisions${shown < decisions ? ` (the last ${shown})` : ""}</h4>
${story.decisions.length ? decisionTable(story.decisions) : "<p>none</p>"}
${shadow(story)}
</section>`;
}

function map(story: StoryView): string {
  const located = story.networks.filter((n) => n.lat !== null && n.lon !== null);
  const dots = located.map((n) => {
    const [x, y] = project(n.lon as number, n.lat as number);
    const label = `${n.network} ${n.country ?? ""} AS${n.asn ?? "?"} · ${n.requests} requests`;
    return `<circle cx="${x}" cy="${y}" r="3"><title>${esc(label)}</title></circle>`;
  });
  const note = located.length
    ? `${located.length} of ${story.networks.length} networks located`
    : NOT_LOCATED;
  return `<svg class="map" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="img"
 aria-label="map of located networks"><use href="#world-land"/>${dots.join("")}</svg>
<p class="muted small">${esc(note)}</p>`;
}

function hourProfile(levels: StoryView["hourOfWeek"]): string {
  const hours = Array.from({ length: 24 }, (_, h) => `<th>${h}</th>`).join("");
  const rows = levels.map((day, d) => {
    const cells = day.map((level, h) => {
      // Any learned hour must stand out from an empty one, however weak its level.
      const alpha = level === 0 ? "0.04" : (0.25 + (0.75 * level) / LEVEL_MAX).toFixed(2);
      const title = `${DAYS[d]} ${h}:00 level ${level}`;
      return `<td style="background:rgba(37,99,235,${alpha})" title="${title}"></td>`;
    });
    return `<tr><th>${DAYS[d]}</th>${cells.join("")}</tr>`;
  });
  return `<table class="heat"><thead><tr><th></th>${hours}</tr></thead>
<tbody>${rows.join("")}</tbody></table>`;
}

function networks(story: StoryView): string {
  const rows = [...story.networks]
    .sort((a, b) => a.firstSeen - b.firstSeen)
    .map((n) => [
      `<code>${esc(n.network)}</code>`,
      n.asn === null ? "-" : `AS${n.asn}`,
      esc(n.country ?? "-"),
      String(n.requests),
      utc(n.firstSeen),
      utc(n.lastSeen),
    ]);
  const more = story.overflowNetworks
    ? `<p class="muted small">${story.overflowNetworks} requests from networks not listed</p>`
    : "";
  return table(["network", "ASN", "country", "requests", "first seen", "last seen"], rows) + more;
}

/** Each decision with the rule behind it and the evidence of every finding. */
export function decisionTable(decisions: readonly DecisionView[]): string {
  const rows = decisions.map((d) => [
    utc(d.ts),
    `<span class="action ${esc(d.action)}">${esc(d.action)}</span>` +
      (d.requestedAction !== d.action
        ? ` <span class="muted">(asked ${esc(d.requestedAction)})</span>`
        : ""),
    `<code>${esc(d.ruleId)}</code>`,
    String(d.riskScore),
    esc(d.guard ?? "-"),
    findings(d.findings),
  ]);
  return table(["time", "action", "rule", "risk", "guard", "findings and evidence"], rows);
}

function findings(list: DecisionView["findings"]): string {
  return list
    .map((f) => {
      const evidence = Object.entries(f.evidence)
        .map(([key, value]) => `${esc(key)}=<b>${esc(value)}</b>`)
        .join(" ");
      return (
        `<div><code>${esc(f.ruleId)}</code> ${esc(f.mode)} ${esc(f.action)} ` +
        `score ${f.score}: ${evidence}</div>`
      );
    })
    .join("");
}

function shadow(story: StoryView): string {
  if (story.shadowFindings.length === 0) return "";
  const rows = story.shadowFindings.map((f) => [
    `<code>${esc(f.ruleId)}</code>`,
    esc(f.action),
    String(f.score),
    Object.entries(f.evidence)
      .map(([key, value]) => `${esc(key)}=${esc(value)}`)
      .join(" "),
  ]);
  const body = table(["rule", "would", "score", "evidence"], rows);
  return `<h4>Shadow findings (not acted on)</h4>${body}`;
}
