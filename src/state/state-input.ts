import type { StateConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { StateInputError } from "./state-errors.js";
import type { TokenObservation } from "./token-state-store.js";
import { HOUR_MS } from "./windows.js";

/**
 * Argument checks shared by both stores, so that they refuse the same input
 * the same way. Event times, offsets and durations must be safe integers:
 * the Lua side does its arithmetic in doubles and formats them as integers.
 */

/**
 * Refuse a fingerprint that would break its keys' hash tag: an empty tag
 * hashes the whole key, a brace ends the tag early, and either spreads one
 * token over several cluster slots.
 */
export function checkTokenFp(tokenFp: string): void {
  if (tokenFp.length === 0 || tokenFp.includes("{") || tokenFp.includes("}")) {
    throw new StateInputError("token fingerprint must be non-empty and contain no braces");
  }
}

/** Refuse an observation the windows cannot place. */
export function checkObservation(observation: TokenObservation): void {
  if (!isNonNegativeInteger(observation.ts)) {
    throw new StateInputError("observation ts must be a non-negative integer (epoch ms)");
  }
  if (observation.offset !== null && !isNonNegativeInteger(observation.offset)) {
    throw new StateInputError("observation offset must be a non-negative integer or null");
  }
}

/** Refuse a duration that Redis would reject or treat as "delete now". */
export function checkPositiveDuration(name: string, value: number): void {
  if (!isNonNegativeInteger(value) || value === 0) {
    throw new StateInputError(`${name} must be a positive integer number of ms`);
  }
}

/** Refuse an event time or a cooldown that is not a non-negative integer. */
export function checkNonNegative(name: string, value: number): void {
  if (!isNonNegativeInteger(value)) {
    throw new StateInputError(`${name} must be a non-negative integer`);
  }
}

/**
 * Refuse a state configuration the windows cannot work with. The schema
 * allows `ttlMs: 0`, which would expire a token's state before its hour.
 */
export function checkStateConfig(config: StateConfig): void {
  if (config.ttlMs < HOUR_MS) {
    throw new ConfigError(
      `state.ttlMs is ${config.ttlMs}; set it to at least ${HOUR_MS} (one hour), ` +
        "the longest window the state keeps",
    );
  }
}

function isNonNegativeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
