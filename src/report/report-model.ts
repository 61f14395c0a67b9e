import type { Decision } from "../decide/decision.js";
import type { Evidence } from "../detect/finding.js";
import type { StoryCollector } from "./story-collector.js";
import type { TokenStory } from "./token-story.js";

/** What the replay read, as the report's "run" section shows it. */
export interface RunFacts {
  readonly input: string;
  readonly lines: number;
  readonly events: number;
  readonly withoutToken: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly tokens: number;
}

/** One decision as the report shows it: rule, action, guard and every finding's evidence. */
export interface DecisionView {
  readonly ts: number;
  readonly action: string;
  readonly requestedAction: string;
  readonly ruleId: string;
  readonly riskScore: number;
  readonly guard: string | null;
  readonly findings: ReadonlyArray<{
    ruleId: string;
    mode: string;
    action: string;
    score: number;
    severity: string;
    evidence: Evidence;
  }>;
}

/** One flagged token's story, by fingerprint only. */
export interface StoryView {
  readonly tokenFp: string;
  readonly consumerId: string | null;
  readonly credentialId: string | null;
  readonly maxRisk: number;
  readonly requests: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** [minute start, requests] pairs, ascending. */
  readonly minutes: ReadonlyArray<readonly [number, number]>;
  readonly networks: ReadonlyArray<{
    network: string;
    asn: number | null;
    country: string | null;
    lat: number | null;
    lon: number | null;
    requests: number;
    firstSeen: number;
    lastSeen: number;
    minutes: readonly number[];
  }>;
  readonly overflowNetworks: number;
  readonly userAgents: ReadonlyArray<{ family: string; requests: number }>;
  /** 7 × 24 levels, Monday first, UTC. */
  readonly hourOfWeek: readonly (readonly number[])[];
  /** All of the token's decisions; `decisions` holds the most recent of them. */
  readonly decisionCount: number;
  readonly decisions: readonly DecisionView[];
  readonly shadowFindings: DecisionView["findings"];
}

/** Everything the HTML report shows; plain data, embedded in the page as JSON. */
export interface ReportModel {
  readonly generatedAt: number;
  readonly run: RunFacts & { readonly storiesEvicted: number };
  readonly actions: readonly string[];
  /** Decisions per time bucket and action: `counts[action][bucket]`. */
  readonly timeline: {
    readonly bucketMs: number;
    readonly starts: readonly number[];
    readonly counts: Readonly<Record<string, readonly number[]>>;
  };
  readonly byRule: ReadonlyArray<{ ruleId: string; counts: Record<string, number> }>;
  readonly topTokens: ReadonlyArray<{
    tokenFp: string;
    consumerId: string | null;
    credentialId: string | null;
    maxRisk: number;
    decisions: number;
    strongest: string;
  }>;
  readonly rules: ReadonlyArray<{
    ruleId: string;
    findings: Record<string, number>;
    revokeFindings: Record<string, number>;
    tokens: number;
    revokeTokens: number;
    /** Revocations this rule's decisions actually produced in the replay. */
    revoked: number;
  }>;
  readonly stories: readonly StoryView[];
}

const ACTIONS = ["alert", "step_up", "revoke"] as const;
const MINUTE_MS = 60_000;
/** Decisions drawn per story: a token alerted on every cooldown would bloat the page. */
const MAX_STORY_DECISIONS = 200;
const ACTION_RANK: Record<string, number> = { alert: 1, step_up: 2, revoke: 3 };
/** Bucket sizes for the decisions-over-time chart; the smallest giving at most 120 bars. */
const BUCKETS_MS = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];

/**
 * Turn what a replay collected into the report's model: decisions over
 * time, by rule and action, the riskiest tokens, a per-rule tally and the
 * stories of at most `maxStories` flagged tokens, riskiest first.
 */
export function buildReportModel(
  collector: StoryCollector,
  run: RunFacts,
  options: { maxStories?: number; topTokens?: number; generatedAt?: number } = {},
): ReportModel {
  const decisions = [...collector.decisions.values()].flat();
  const tokens = rankTokens(collector);
  const flagged = [
    ...new Set([...tokens.map((t) => t.tokenFp), ...collector.shadowFindings.keys()]),
  ];
  const stories = flagged
    .slice(0, options.maxStories ?? 50)
    .map((tokenFp) => collector.stories.get(tokenFp))
    .filter((story): story is TokenStory => story !== undefined)
    .map((story) => storyView(story, collector));

  return {
    generatedAt: options.generatedAt ?? Date.now(),
    run: { ...run, storiesEvicted: collector.evicted },
    actions: ACTIONS,
    timeline: timeline(decisions, run),
    byRule: byRule(decisions),
    topTokens: tokens.slice(0, options.topTokens ?? 20),
    rules: [...collector.rules.values()]
      .map((tally) => ({
        ruleId: tally.ruleId,
        findings: tally.findings,
        revokeFindings: tally.revokeFindings,
        tokens: tally.tokens.size,
        revokeTokens: tally.revokeTokens.size,
        revoked: decisions.filter((d) => d.ruleId === tally.ruleId && d.action === "revoke").length,
      }))
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    stories,
  };
}

function rankTokens(collector: StoryCollector): ReportModel["topTokens"][number][] {
  return [...collector.decisions]
    .map(([tokenFp, list]) => {
      const story = collector.stories.get(tokenFp);
      const first = list[0];
      return {
        tokenFp,
        consumerId: story?.consumerId ?? first?.consumerId ?? null,
        credentialId: story?.credentialId ?? first?.credentialId ?? null,
        maxRisk: maxRisk(list),
        decisions: list.length,
        strongest: list.reduce(
          (best, d) => ((ACTION_RANK[d.action] ?? 0) > (ACTION_RANK[best] ?? 0) ? d.action : best),
          "alert" as string,
        ),
      };
    })
    .sort((a, b) => b.maxRisk - a.maxRisk || b.decisions - a.decisions);
}

function maxRisk(decisions: readonly Decision[]): number {
  return decisions.reduce((max, d) => Math.max(max, d.riskScore), 0);
}

function storyView(story: TokenStory, collector: StoryCollector): StoryView {
  const decisions = collector.decisions.get(story.tokenFp) ?? [];
  return {
    tokenFp: story.tokenFp,
    consumerId: story.consumerId,
    credentialId: story.credentialId,
    maxRisk: maxRisk(decisions),
    requests: story.requests,
    firstSeen: story.firstSeen,
    lastSeen: story.lastSeen,
    minutes: withQuietMinutes([...story.minutes].sort((a, b) => a[0] - b[0])),
    networks: [...story.networks.values()].map((use) => ({
      network: use.network,
      asn: use.asn,
      country: use.country,
      lat: use.location?.lat ?? null,
      lon: use.location?.lon ?? null,
      requests: use.requests,
      firstSeen: use.firstSeen,
      lastSeen: use.lastSeen,
      minutes: use.minutes,
    })),
    overflowNetworks: story.overflowNetworks,
    userAgents: [...story.agents.values()]
      .map(({ family, requests }) => ({ family, requests }))
      .sort((a, b) => b.requests - a.requests),
    hourOfWeek: story.hourOfWeekLevels(),
    decisionCount: decisions.length,
    decisions: decisions.slice(-MAX_STORY_DECISIONS).map(decisionView),
    shadowFindings: (collector.shadowFindings.get(story.tokenFp) ?? []).map(findingView),
  };
}

/**
 * Put a zero on each side of every run of quiet minutes, so that the rate
 * chart drops to zero between bursts instead of drawing a line across the
 * gap. Only gap edges are added, so a week of sparse use stays small.
 */
function withQuietMinutes(minutes: readonly (readonly [number, number])[]): [number, number][] {
  const points: [number, number][] = [];
  let previous: number | null = null;
  for (const [minute, n] of minutes) {
    if (previous !== null && minute - previous > MINUTE_MS) {
      points.push([previous + MINUTE_MS, 0]);
      if (minute - previous > 2 * MINUTE_MS) points.push([minute - MINUTE_MS, 0]);
    }
    points.push([minute, n]);
    previous = minute;
  }
  return points;
}

/** A decision without its claims: the report shows rule, action and evidence only. */
export function decisionView(decision: Decision): DecisionView {
  return {
    ts: decision.ts,
    action: decision.action,
    requestedAction: decision.requestedAction,
    ruleId: decision.ruleId,
    riskScore: decision.riskScore,
    guard: decision.guard,
    findings: decision.findings.map(findingView),
  };
}

function findingView(finding: Decision["findings"][number]): DecisionView["findings"][number] {
  const { ruleId, mode, action, score, severity, evidence } = finding;
  return { ruleId, mode, action, score, severity, evidence };
}

function timeline(decisions: readonly Decision[], run: RunFacts): ReportModel["timeline"] {
  const from = run.firstTs ?? Math.min(...decisions.map((d) => d.ts), 0);
  const to = run.lastTs ?? from;
  const span = Math.max(1, to - from);
  const bucketMs = BUCKETS_MS.find((ms) => span / ms <= 120) ?? (BUCKETS_MS.at(-1) as number);
  const first = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.floor((to - first) / bucketMs) + 1;

  const starts = Array.from({ length: n }, (_, i) => first + i * bucketMs);
  const counts: Record<string, number[]> = {};
  for (const action of ACTIONS) counts[action] = new Array(n).fill(0);
  for (const decision of decisions) {
    const i = Math.min(n - 1, Math.max(0, Math.floor((decision.ts - first) / bucketMs)));
    const row = counts[decision.action];
    if (row) row[i] = (row[i] ?? 0) + 1;
  }
  return { bucketMs, starts, counts };
}

function byRule(decisions: readonly Decision[]): ReportModel["byRule"] {
  const rules = new Map<string, Record<string, number>>();
  for (const decision of decisions) {
    const counts = rules.get(decision.ruleId) ?? { alert: 0, step_up: 0, revoke: 0 };
    counts[decision.action] = (counts[decision.action] ?? 0) + 1;
    rules.set(decision.ruleId, counts);
  }
  return [...rules].map(([ruleId, counts]) => ({ ruleId, counts }));
}
