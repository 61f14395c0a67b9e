import type { StateConfig } from "../../../src/config/schema.js";
import type { TokenObservation, TokenStateStore } from "../../../src/state/token-state-store.js";

/** A store under test and how to clean up after it. */
export interface StoreUnderTest {
  readonly store: TokenStateStore;
  dispose(): Promise<void>;
}

/** Makes a fresh, empty store with the given state configuration. */
export type StoreFactory = (config: StateConfig) => Promise<StoreUnderTest>;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** 2024-01-15T10:00:00Z: on a minute and an hour boundary. */
export const T0 = Date.UTC(2024, 0, 15, 10, 0, 0);

export const DEFAULT_CONFIG: StateConfig = {
  ttlMs: 7 * 24 * HOUR,
  maxNetworks: 64,
  maxUserAgents: 16,
};

/** An observation at `ts` with everyday defaults. */
export function obs(ts: number, fields: Partial<TokenObservation> = {}): TokenObservation {
  return {
    ts,
    network: "192.0.2.10",
    userAgent: "curl",
    status: 200,
    partitionKey: "gateway-logs/0",
    offset: null,
    expiresAt: null,
    ...fields,
  };
}

/** Observations applied one call at a time; returns the last stats. */
export async function observeEach(
  store: TokenStateStore,
  tokenFp: string,
  observations: readonly TokenObservation[],
) {
  const all = [];
  for (const observation of observations) {
    const [stats] = await store.observe(tokenFp, [observation]);
    all.push(stats);
  }
  return all;
}

/** Run `body` with a fresh store, always disposing it. */
export async function withStore(
  factory: StoreFactory,
  config: Partial<StateConfig>,
  body: (store: TokenStateStore) => Promise<void>,
): Promise<void> {
  const { store, dispose } = await factory({ ...DEFAULT_CONFIG, ...config });
  try {
    await body(store);
  } finally {
    await dispose();
  }
}

/** A small deterministic PRNG (mulberry32), so generated traffic is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
