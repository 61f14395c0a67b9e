import type { Decision } from "../decide/decision.js";
import type { DetectionInput, Finding, RuleMode } from "../detect/finding.js";
import type { UserAgentFamilies } from "../enrich/user-agent-family.js";
import { DEFAULT_STORY_LIMITS, type StoryLimits, TokenStory } from "./token-story.js";

/** How one rule fired over a replay, shadow findings included. */
export interface RuleTally {
  readonly ruleId: string;
  /** Findings by the rule's mode at the time. */
  readonly findings: Record<RuleMode, number>;
  /** Findings that asked for a revocation, by mode: what enabling the rule would revoke. */
  readonly revokeFindings: Record<RuleMode, number>;
  /** Distinct tokens the rule fired on, and those it asked to revoke (capped, see below). */
  readonly tokens: Set<string>;
  readonly revokeTokens: Set<string>;
}

/** Bounds of a collector; a replay over millions of tokens must not hold them all. */
export interface CollectorOptions {
  /** Token stories held at once; the least recently used unflagged story goes first. */
  readonly maxTokens?: number;
  /** Distinct tokens remembered per rule tally; counts past it are lower bounds. */
  readonly maxTokensPerRule?: number;
  /** Collect only this token (the `explain --replay` case). */
  readonly onlyToken?: string;
  readonly limits?: StoryLimits;
}

/** Shadow findings kept per token, the most recent ones, for at most so many tokens. */
const MAX_SHADOW_FINDINGS = 20;
const MAX_SHADOW_TOKENS = 1_000;

/**
 * Collects what a backtest report shows while a replay runs: one bounded
 * story per token, the decisions per token, and a tally per rule of every
 * finding (shadow ones never become decisions, so they are counted here).
 *
 * It is fed by the pipeline's detection tap, which exists only when a
 * report is asked for: without `--report`, replay does no per-event work
 * for it.
 */
export class StoryCollector {
  readonly stories = new Map<string, TokenStory>();
  readonly decisions = new Map<string, Decision[]>();
  readonly shadowFindings = new Map<string, Finding[]>();
  readonly rules = new Map<string, RuleTally>();
  /** Stories dropped to stay within `maxTokens`. */
  evicted = 0;

  private readonly maxTokens: number;
  private readonly maxTokensPerRule: number;
  private readonly limits: StoryLimits;

  constructor(
    private readonly agents: UserAgentFamilies,
    private readonly options: CollectorOptions = {},
  ) {
    this.maxTokens = options.maxTokens ?? 20_000;
    this.maxTokensPerRule = options.maxTokensPerRule ?? 100_000;
    this.limits = options.limits ?? DEFAULT_STORY_LIMITS;
  }

  /** The detection tap: one call per token event, with its findings (often none). */
  observe(input: DetectionInput, findings: readonly Finding[]): void {
    const { event, window, enrichment } = input;
    const tokenFp = event.token.fingerprint;
    if (this.options.onlyToken !== undefined && tokenFp !== this.options.onlyToken) return;

    const story = this.touch(tokenFp);
    story.add(
      {
        ts: event.ts,
        network: enrichment?.network ?? event.clientIp,
        userAgentFamily: this.agents.family(event.userAgent),
        asn: enrichment?.asn ?? null,
        country: enrichment?.country ?? null,
        location: enrichment?.location ?? null,
        consumerId: event.consumerId,
        credentialId: event.credentialId,
      },
      window,
    );
    for (const finding of findings) this.tally(finding);
  }

  /** Record the decisions of a batch; a token with a decision is flagged and kept. */
  addDecisions(decisions: readonly Decision[]): void {
    for (const decision of decisions) {
      if (this.options.onlyToken !== undefined && decision.tokenFp !== this.options.onlyToken) {
        continue;
      }
      const list = this.decisions.get(decision.tokenFp) ?? [];
      list.push(decision);
      this.decisions.set(decision.tokenFp, list);
    }
  }

  private touch(tokenFp: string): TokenStory {
    let story = this.stories.get(tokenFp);
    if (story) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.stories.delete(tokenFp);
      this.stories.set(tokenFp, story);
      return story;
    }
    story = new TokenStory(tokenFp, this.limits);
    this.stories.set(tokenFp, story);
    if (this.stories.size > this.maxTokens) this.evictOne();
    return story;
  }

  private evictOne(): void {
    for (const tokenFp of this.stories.keys()) {
      if (this.decisions.has(tokenFp) || this.shadowFindings.has(tokenFp)) continue;
      this.stories.delete(tokenFp);
      this.evicted += 1;
      return;
    }
  }

  private tally(finding: Finding): void {
    let tally = this.rules.get(finding.ruleId);
    if (!tally) {
      tally = {
        ruleId: finding.ruleId,
        findings: { enforce: 0, alert: 0, shadow: 0 },
        revokeFindings: { enforce: 0, alert: 0, shadow: 0 },
        tokens: new Set(),
        revokeTokens: new Set(),
      };
      this.rules.set(finding.ruleId, tally);
    }
    tally.findings[finding.mode] += 1;
    remember(tally.tokens, finding.tokenFp, this.maxTokensPerRule);
    if (finding.action === "revoke") {
      tally.revokeFindings[finding.mode] += 1;
      remember(tally.revokeTokens, finding.tokenFp, this.maxTokensPerRule);
    }
    if (finding.mode === "shadow") this.keepShadow(finding);
  }

  private keepShadow(finding: Finding): void {
    const list = this.shadowFindings.get(finding.tokenFp) ?? [];
    // A noisy shadow rule may fire on every token: keep the first ones' stories, count the rest.
    if (list.length === 0 && this.shadowFindings.size >= MAX_SHADOW_TOKENS) return;
    list.push(finding);
    if (list.length > MAX_SHADOW_FINDINGS) list.shift();
    this.shadowFindings.set(finding.tokenFp, list);
  }
}

function remember(set: Set<string>, tokenFp: string, max: number): void {
  if (set.size < max) set.add(tokenFp);
}
