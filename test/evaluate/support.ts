import type { TokenLabel } from "../../src/evaluate/label.js";

/*
 * A hand-checkable labelled run: five tokens, a handful of verdicts, and
 * the attacker's requests, small enough that every expected figure in the
 * tests can be worked out on paper (the arithmetic is in the comments).
 */

export const ATTACKER = "198.51.100.7";

export function label(
  overrides: Partial<TokenLabel> & Pick<TokenLabel, "fingerprint">,
): TokenLabel {
  return {
    scenario: "office-worker",
    family: "benign",
    expect: "none",
    attackStart: null,
    attackEnd: null,
    attackerIps: [],
    attackRequests: 0,
    benignDays: 10,
    requests: 100,
    ...overrides,
  };
}

/** A: quiet owner. B: VPN owner, falsely alerted then revoked. C, D, E: attacked. */
export const LABELS: readonly TokenLabel[] = [
  label({ fingerprint: "A" }),
  label({ fingerprint: "B", scenario: "vpn-user" }),
  attack("C", "sharing", "sharing", "revoke", 1_000_000),
  attack("D", "theft-owner-active", "theft", "revoke", 2_000_000),
  attack("E", "scraping-burst", "abuse", "alert", 3_000_000),
];

/** Attacker requests: C at −1, +0, +10, +20, +30, +60, +90 s; E at +0, +5, +20 s. */
export const ATTACKER_REQUESTS: readonly [string, number][] = [
  ["C", 999_000],
  ["C", 1_000_000],
  ["C", 1_010_000],
  ["C", 1_020_000],
  ["C", 1_030_000],
  ["C", 1_060_000],
  ["C", 1_090_000],
  ["E", 3_000_000],
  ["E", 3_005_000],
  ["E", 3_020_000],
];

function attack(
  fingerprint: string,
  scenario: string,
  family: TokenLabel["family"],
  expect: TokenLabel["expect"],
  attackStart: number,
): TokenLabel {
  return label({
    fingerprint,
    scenario,
    family,
    expect,
    attackStart,
    attackEnd: attackStart + 100_000,
    attackerIps: [ATTACKER],
    attackRequests: 6,
    benignDays: 5,
  });
}
