import { HourProfile } from "../state/hour-profile.js";
import type { GeoPoint, WindowStats } from "../state/token-state-store.js";
import { MINUTE_MS } from "../state/windows.js";

/** What one request of a token adds to its story; geo fields are null when unknown. */
export interface StoryEvent {
  readonly ts: number;
  readonly network: string;
  readonly userAgentFamily: string;
  readonly asn: number | null;
  readonly country: string | null;
  readonly location: GeoPoint | null;
  readonly consumerId: string | null;
  readonly credentialId: string | null;
}

/** How much of a token's history a story keeps; every list is capped. */
export interface StoryLimits {
  /** Minute buckets kept per token (oldest dropped first). */
  readonly maxMinutes: number;
  /** Distinct networks per token; later new networks are counted, not listed. */
  readonly maxNetworks: number;
  /** Distinct minutes remembered per network, for the "used from over time" chart. */
  readonly maxNetworkMinutes: number;
  readonly maxUserAgents: number;
}

/** A day of minutes, 64 networks, 16 user-agent families: about 40 KB for a busy token. */
export const DEFAULT_STORY_LIMITS: StoryLimits = {
  maxMinutes: 1440,
  maxNetworks: 64,
  maxNetworkMinutes: 360,
  maxUserAgents: 16,
};

/** One client network a token was used from, with what geo-IP said about it. */
export interface NetworkUse {
  readonly network: string;
  asn: number | null;
  country: string | null;
  location: GeoPoint | null;
  requests: number;
  firstSeen: number;
  lastSeen: number;
  /** Start (epoch ms) of each distinct minute the network was used in, ascending. */
  readonly minutes: number[];
}

/** One user-agent family a token was used with. */
export interface AgentUse {
  readonly family: string;
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * The bounded history of one token during a replay: per-minute request
 * counts, the networks (with ASN, country and location when geo-IP knew
 * them) and user-agent families it was used from, its learned hour-of-week
 * profile and its latest window statistics. Only aggregates are kept, never
 * events, so memory per token is capped by `StoryLimits` whatever the rate.
 */
export class TokenStory {
  consumerId: string | null = null;
  credentialId: string | null = null;
  requests = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = 0;
  /** Networks seen after `maxNetworks` was reached: counted, not listed. */
  overflowNetworks = 0;
  /** The window statistics as of the token's latest event (what `explain` prints). */
  lastWindow: WindowStats | null = null;

  readonly minutes = new Map<number, number>();
  readonly networks = new Map<string, NetworkUse>();
  readonly agents = new Map<string, AgentUse>();
  /** The same profile class the state stores learn with, so the levels match theirs. */
  readonly hours = new HourProfile();

  constructor(
    readonly tokenFp: string,
    private readonly limits: StoryLimits = DEFAULT_STORY_LIMITS,
  ) {}

  add(event: StoryEvent, window: WindowStats): void {
    const { ts } = event;
    const minute = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
    this.requests += 1;
    this.firstSeen = Math.min(this.firstSeen, ts);
    if (ts >= this.lastSeen) {
      this.lastSeen = ts;
      this.lastWindow = window;
    }
    this.consumerId = event.consumerId ?? this.consumerId;
    this.credentialId = event.credentialId ?? this.credentialId;

    this.countMinute(minute);
    this.countNetwork(event, minute);
    this.countAgent(event.userAgentFamily, ts);
    this.hours.decayTo(ts);
    this.hours.record(ts);
  }

  /**
   * The learned profile as 7 × 24 levels (0–15), Monday first, UTC hours.
   * The profile answers per event time, so each slot is read at an instant
   * inside it; the week of 5–11 January 1970 starts on a Monday.
   */
  hourOfWeekLevels(): number[][] {
    const monday = 4 * 24 * 3_600_000;
    return Array.from({ length: 7 }, (_, day) =>
      Array.from(
        { length: 24 },
        (_, hour) => this.hours.read(monday + (day * 24 + hour) * 3_600_000).hourLevel,
      ),
    );
  }

  private countMinute(minute: number): void {
    const count = this.minutes.get(minute);
    if (count !== undefined) {
      this.minutes.set(minute, count + 1);
      return;
    }
    this.minutes.set(minute, 1);
    if (this.minutes.size > this.limits.maxMinutes) {
      // Minutes arrive mostly in order, so the first key is the oldest one.
      const oldest = this.minutes.keys().next().value;
      if (oldest !== undefined) this.minutes.delete(oldest);
    }
  }

  private countNetwork(event: StoryEvent, minute: number): void {
    let use = this.networks.get(event.network);
    if (!use) {
      if (this.networks.size >= this.limits.maxNetworks) {
        this.overflowNetworks += 1;
        return;
      }
      use = {
        network: event.network,
        asn: null,
        country: null,
        location: null,
        requests: 0,
        firstSeen: event.ts,
        lastSeen: event.ts,
        minutes: [],
      };
      this.networks.set(event.network, use);
    }
    use.requests += 1;
    use.firstSeen = Math.min(use.firstSeen, event.ts);
    use.lastSeen = Math.max(use.lastSeen, event.ts);
    use.asn = event.asn ?? use.asn;
    use.country = event.country ?? use.country;
    use.location = event.location ?? use.location;

    const last = use.minutes[use.minutes.length - 1];
    if (last === undefined || minute > last) {
      use.minutes.push(minute);
      if (use.minutes.length > this.limits.maxNetworkMinutes) use.minutes.shift();
    }
  }

  private countAgent(family: string, ts: number): void {
    const use = this.agents.get(family);
    if (use) {
      use.requests += 1;
      use.lastSeen = Math.max(use.lastSeen, ts);
      return;
    }
    if (this.agents.size >= this.limits.maxUserAgents) return;
    this.agents.set(family, { family, requests: 1, firstSeen: ts, lastSeen: ts });
  }
}
