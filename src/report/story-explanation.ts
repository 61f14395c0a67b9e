import { decisionView } from "./report-model.js";
import type { StoryCollector } from "./story-collector.js";
import type { TokenExplanation } from "./token-explanation.js";

/** Decisions `explain` lists, the most recent ones. */
const RECENT_DECISIONS = 10;

/**
 * Explain a token from what a replay collected: its windows as of its last
 * event (exactly what the detectors saw), the profile it learned, the
 * networks and agents it used, and its most recent decisions. Null when the
 * replay never saw the token.
 */
export function explainFromStory(
  collector: StoryCollector,
  tokenFp: string,
  input: string,
): TokenExplanation | null {
  const story = collector.stories.get(tokenFp);
  const window = story?.lastWindow;
  if (!story || !window) return null;

  const decisions = collector.decisions.get(tokenFp) ?? [];
  const revocation = decisions.find((d) => d.action === "revoke");
  return {
    tokenFp,
    source: `replay of ${input}`,
    consumerId: story.consumerId,
    credentialId: story.credentialId,
    firstSeen: story.firstSeen,
    lastSeen: story.lastSeen,
    totalRequests: story.requests,
    windows: {
      requests1m: window.requests1m,
      requests5m: window.requests5m,
      requests1h: window.requests1h,
      networks5m: window.networks5m,
      networks1h: window.networks1h,
      userAgents1h: window.userAgents1h,
      asns1h: window.asns1h,
      countries1h: window.countries1h,
      denied5m: window.denied5m,
    },
    minuteHistory: window.minuteHistory,
    hourOfWeek: story.hourOfWeekLevels(),
    activeHours: window.activeHours,
    networks: [...story.networks.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .map((use) => ({
        name: use.network,
        lastSeen: use.lastSeen,
        requests: use.requests,
        detail: [use.asn === null ? "" : `AS${use.asn}`, use.country ?? ""].join(" ").trim(),
      })),
    userAgents: [...story.agents.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .map((use) => ({ name: use.family, lastSeen: use.lastSeen, requests: use.requests })),
    decisions: decisions.slice(-RECENT_DECISIONS).reverse().map(decisionView),
    ruleFirings: [],
    revokedBy: revocation?.id ?? null,
  };
}
