import { createHash } from "node:crypto";

/**
 * A seeded pseudo-random source. Every random choice of the simulator goes
 * through one of these, derived from the run's seed and a stable label (an
 * actor's id, a day), so that a run is reproducible byte for byte and one
 * actor's traffic does not change when another actor is added.
 */
export class Prng {
  #state: number;

  private constructor(state: number) {
    this.#state = state >>> 0;
  }

  /** A generator for `seed` and a path of labels, e.g. `derive(7, "actor-12", "day-3")`. */
  static derive(seed: number | string, ...labels: readonly (string | number)[]): Prng {
    const digest = createHash("sha256")
      .update([seed, ...labels].join("\u0000"))
      .digest();
    return new Prng(digest.readUInt32LE(0));
  }

  /** Uniform in [0, 1): mulberry32, small and fast, ample for traffic shapes. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Exponential waiting time with the given mean: the gaps of a Poisson process. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Normal deviate (Box–Muller), for jitter around a habit such as a start time. */
  normal(mean: number, deviation: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `length` url-safe random characters: token secrets and ids. */
  text(length: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * 64)];
    return out;
  }
}
