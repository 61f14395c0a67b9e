import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { EgressUse, TokenStateStore } from "../state/token-state-store.js";
import { HOUR_MS } from "../state/windows.js";
import type { EventFacts } from "./event-enricher.js";

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/**
 * Shared-egress awareness. An address that many tokens use within the same
 * hour is a CGNAT gateway or a corporate proxy, not one person's network;
 * a token hopping between the addresses of a proxy pool should not look
 * like a token on many networks. Once `threshold` distinct tokens used a
 * network in an hour (counted in the store, so all processes agree), the
 * events of that hour count under one network per operator,
 * `egress:AS<asn>` (or `egress:<network>` when the ASN is unknown), for
 * every token: a pool of six proxy addresses is then one network.
 *
 * The event's own address stays in `event.clientIp` and `event.network`
 * for rules and evidence; only the windows' counting changes.
 */
export class SharedEgress {
  constructor(
    private readonly store: TokenStateStore,
    private readonly threshold: number,
  ) {}

  /** The facts with the network of shared-egress events replaced by their operator's. */
  async apply(
    events: readonly TokenEvent[],
    facts: readonly EventFacts[],
  ): Promise<readonly EventFacts[]> {
    if (this.threshold <= 0 || events.length === 0) return facts;

    // Each event's (network, hour) key, computed once for counting and for the answer.
    const keys: string[] = [];
    const uses = new Map<string, { network: string; hour: number; tokens: Set<string> }>();
    events.forEach((event, i) => {
      const network = (facts[i] as EventFacts).network;
      const hour = Math.floor(event.ts / HOUR_MS);
      const key = `${network}\u0000${hour}`;
      keys.push(key);
      const use = uses.get(key) ?? { network, hour, tokens: new Set<string>() };
      use.tokens.add(event.token.fingerprint);
      uses.set(key, use);
    });

    const entries = [...uses.entries()];
    const counts = await this.store.observeEgress(
      entries.map(([, use]): EgressUse => ({ ...use, tokenFps: [...use.tokens] })),
    );
    const shared = new Set(
      entries.filter((_, i) => (counts[i] ?? 0) >= this.threshold).map(([key]) => key),
    );
    if (shared.size === 0) return facts;

    return facts.map((fact, i) => {
      if (!shared.has(keys[i] as string)) return fact;
      const pool = fact.asn === null ? fact.network : `AS${fact.asn}`;
      return { ...fact, network: `egress:${pool}` };
    });
  }
}
