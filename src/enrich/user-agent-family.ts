import UAParser from "ua-parser-js";

/**
 * Reduce a User-Agent string to a family without versions —
 * `browser/os/device`, e.g. `Chrome/Mac OS/desktop` or `curl/-/-` — so a
 * browser upgrade is the same family while a phone and a laptop differ.
 * Parsing uses ua-parser-js; results are cached because a token's clients
 * repeat the same few strings.
 */
export class UserAgentFamilies {
  private readonly cache = new Map<string, UserAgentFacts>();

  constructor(private readonly maxCached = 10_000) {}

  family(userAgent: string | null): string {
    return this.describe(userAgent).family;
  }

  /** The family, and whether the client is a web browser (not an HTTP library or CLI). */
  describe(userAgent: string | null): UserAgentFacts {
    if (!userAgent) return UNKNOWN_AGENT;

    const cached = this.cache.get(userAgent);
    if (cached !== undefined) return cached;

    const facts = parseFamily(userAgent);
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(userAgent, facts);
    return facts;
  }
}

/** A user agent reduced to what detection compares. */
export interface UserAgentFacts {
  readonly family: string;
  readonly browser: boolean;
}

const UNKNOWN_AGENT: UserAgentFacts = { family: "unknown", browser: false };

function parseFamily(userAgent: string): UserAgentFacts {
  const result = new UAParser(userAgent).getResult();
  const browser = result.browser.name ?? libraryName(userAgent);
  const os = result.os.name ?? "-";
  const device = result.device.type ?? (result.os.name ? "desktop" : "-");
  return { family: `${browser}/${os}/${device}`, browser: result.browser.name !== undefined };
}

/**
 * HTTP libraries and CLIs (curl, okhttp, python-requests) are not browsers;
 * their product token before the first `/` is family enough.
 */
function libraryName(userAgent: string): string {
  const product = userAgent.split(/[/\s]/, 1)[0] ?? "";
  const cleaned = product.replace(/[^A-Za-z0-9._-]/g, "").slice(0, 40);
  return cleaned.length > 0 ? cleaned.toLowerCase() : "unknown";
}
