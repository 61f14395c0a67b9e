import assert from "node:assert/strict";
import { test } from "node:test";
import type { Decision } from "../../src/decide/decision.js";
import type { DetectionInput, Finding } from "../../src/detect/finding.js";
import { UserAgentFamilies } from "../../src/enrich/user-agent-family.js";
import { StoryCollector } from "../../src/report/story-collector.js";
import type { WindowStats } from "../../src/state/token-state-store.js";

const T0 = Date.parse("2026-11-02T09:00:00Z");

/** A detection input for `tokenFp` at `ts` from `network`; only what the collector reads. */
function input(tokenFp: string, ts: number, network: string, country: string | null = null) {
  return {
    event: {
      ts,
      clientIp: network,
      userAgent: "curl/8.5.0",
      consumerId: "alice",
      credentialId: null,
      token: { fingerprint: tokenFp },
    },
    window: { requests1m: 1 } as WindowStats,
    enrichment: {
      network,
      asn: country ? 64500 : null,
      country,
      location: country ? { lat: 51.5, lon: -0.1, radiusKm: 50 } : null,
    },
  } as unknown as DetectionInput;
}

function finding(tokenFp: string, ruleId: string, mode: Finding["mode"]): Finding {
  return {
    ruleId,
    ruleVersion: 1,
    tokenFp,
    severity: "high",
    score: 90,
    action: "revoke",
    mode,
    cooldownMs: 0,
    evidence: { "window.networks5m": 5 },
    ts: T0,
  };
}

test("a story counts requests per minute, networks with their geo, and agent families", () => {
  const collector = new StoryCollector(new UserAgentFamilies());
  collector.observe(input("tokA", T0 + 1_000, "198.51.100.1"), []);
  collector.observe(input("tokA", T0 + 2_000, "198.51.100.1"), []);
  collector.observe(input("tokA", T0 + 61_000, "81.2.69.160", "GB"), []);
  const story = collector.stories.get("tokA");

  assert.deepEqual(
    [...(story?.minutes ?? [])],
    [
      [T0, 2],
      [T0 + 60_000, 1],
    ],
  );
  assert.deepEqual(
    [...(story?.networks.values() ?? [])].map((n) => [n.network, n.requests, n.country, n.asn]),
    [
      ["198.51.100.1", 2, null, null],
      ["81.2.69.160", 1, "GB", 64500],
    ],
  );
  assert.deepEqual([...(story?.agents.keys() ?? [])], ["curl/-/-"]);
  assert.equal(story?.consumerId, "alice");
  // 2026-11-02 is a Monday; the 09:00 hour was learned once (one step, level 4).
  assert.equal(story?.hourOfWeekLevels()[0]?.[9], 4);
});

test("past maxTokens the least recently used quiet story goes, a flagged one stays", () => {
  const collector = new StoryCollector(new UserAgentFamilies(), { maxTokens: 2 });
  collector.observe(input("flagged", T0, "198.51.100.1"), []);
  collector.addDecisions([{ tokenFp: "flagged", action: "alert" } as Decision]);
  collector.observe(input("quiet1", T0 + 1, "198.51.100.2"), []);
  collector.observe(input("quiet2", T0 + 2, "198.51.100.3"), []);

  assert.deepEqual([...collector.stories.keys()].sort(), ["flagged", "quiet2"]);
  assert.equal(collector.evicted, 1);
});

test("a story keeps at most maxMinutes minutes, dropping the oldest", () => {
  const limits = { maxMinutes: 3, maxNetworks: 2, maxNetworkMinutes: 2, maxUserAgents: 2 };
  const collector = new StoryCollector(new UserAgentFamilies(), { limits });
  for (let minute = 0; minute < 5; minute++) {
    collector.observe(input("tokA", T0 + minute * 60_000, `198.51.100.${minute}`), []);
  }
  const story = collector.stories.get("tokA");

  assert.deepEqual(
    [...(story?.minutes.keys() ?? [])],
    [2, 3, 4].map((m) => T0 + m * 60_000),
  );
  assert.equal(story?.networks.size, 2);
  assert.equal(story?.overflowNetworks, 3);
});

test("shadow findings are tallied per rule with the tokens they would revoke", () => {
  const collector = new StoryCollector(new UserAgentFamilies());
  collector.observe(input("tokA", T0, "198.51.100.1"), [finding("tokA", "r1", "shadow")]);
  collector.observe(input("tokA", T0 + 1, "198.51.100.1"), [finding("tokA", "r1", "shadow")]);
  collector.observe(input("tokB", T0 + 2, "198.51.100.2"), [finding("tokB", "r1", "enforce")]);
  const tally = collector.rules.get("r1");

  assert.deepEqual(tally?.findings, { enforce: 1, alert: 0, shadow: 2 });
  assert.deepEqual(tally?.revokeFindings, { enforce: 1, alert: 0, shadow: 2 });
  assert.deepEqual([...(tally?.revokeTokens ?? [])], ["tokA", "tokB"]);
  assert.equal(collector.shadowFindings.get("tokA")?.length, 2);
});

test("with onlyToken the collector keeps nothing about other tokens", () => {
  const collector = new StoryCollector(new UserAgentFamilies(), { onlyToken: "tokA" });
  collector.observe(input("tokA", T0, "198.51.100.1"), []);
  collector.observe(input("tokB", T0, "198.51.100.2"), [finding("tokB", "r1", "enforce")]);

  assert.deepEqual([...collector.stories.keys()], ["tokA"]);
  assert.equal(collector.rules.size, 0);
});
