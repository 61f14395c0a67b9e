import { dayOfWeekOf, HOUR_MAX, HOUR_MS, HOUR_STEP, hourOfDayOf, weekOf } from "./windows.js";

/** What the profile says about one event time, before it is applied. */
export interface HourReading {
  /** Level (0–15) of the event's hour-of-week slot. */
  readonly hourLevel: number;
  /** Levels of the event's hour of day and its neighbours, summed over the week. */
  readonly hourOfDayLevel: number;
  /** Distinct clock hours the token was active in. */
  readonly activeHours: number;
}

/** What storage keeps of an hour profile; `levels` holds only the non-zero hours of the week. */
export interface HourProfileSnapshot {
  readonly decayWeek: number | null;
  readonly lastHour: number | null;
  readonly active: number;
  /** `[hour of week (day × 24 + hour), level]` for every level above 0. */
  readonly levels: ReadonlyArray<readonly [number, number]>;
}

/**
 * A token's hour-of-week usage profile with weekly decay. Integers only, so
 * a snapshot stores it exactly.
 *
 * Levels count active clock hours, not requests: a burst of 500 requests
 * in one hour says no more about the owner's working hours than one.
 * Decay (one level per week) forgets hours a person stopped working.
 */
export class HourProfile {
  private readonly levels: number[][] = Array.from({ length: 7 }, () => new Array(24).fill(0));
  private decayWeek: number | null = null;
  private lastHour: number | null = null;
  private active = 0;

  /** Rebuild a profile from what storage kept. */
  static restore(snapshot: HourProfileSnapshot): HourProfile {
    const profile = new HourProfile();
    profile.decayWeek = snapshot.decayWeek;
    profile.lastHour = snapshot.lastHour;
    profile.active = snapshot.active;
    for (const [slot, level] of snapshot.levels) {
      const day = profile.levels[Math.floor(slot / 24)];
      if (day) day[slot % 24] = level;
    }
    return profile;
  }

  /** The profile for storage: sparse, since most hours of a week are empty. */
  snapshot(): HourProfileSnapshot {
    const levels: [number, number][] = [];
    for (const [day, hours] of this.levels.entries()) {
      for (const [hour, level] of hours.entries()) {
        if (level > 0) levels.push([day * 24 + hour, level]);
      }
    }
    return { decayWeek: this.decayWeek, lastHour: this.lastHour, active: this.active, levels };
  }

  /** The levels, seven days (Monday first, as `dayOfWeekOf`) of 24 UTC hours. */
  week(): number[][] {
    return this.levels.map((day) => [...day]);
  }

  /** Apply the weekly decay due at `ts` (only ever forward). */
  decayTo(ts: number): void {
    const week = weekOf(ts);
    if (this.decayWeek === null) {
      this.decayWeek = week;
      return;
    }
    if (week <= this.decayWeek) return;

    const steps = Math.min(HOUR_MAX, week - this.decayWeek);
    for (const day of this.levels) {
      for (let hour = 0; hour < 24; hour++) day[hour] = Math.max(0, (day[hour] ?? 0) - steps);
    }
    this.decayWeek = week;
  }

  /** The profile as seen by an event at `ts`. */
  read(ts: number): HourReading {
    const day = dayOfWeekOf(ts);
    const hour = hourOfDayOf(ts);

    let hourOfDayLevel = 0;
    for (const levels of this.levels) {
      for (const h of [(hour + 23) % 24, hour, (hour + 1) % 24]) hourOfDayLevel += levels[h] ?? 0;
    }
    return {
      hourLevel: this.levels[day]?.[hour] ?? 0,
      hourOfDayLevel,
      activeHours: this.active,
    };
  }

  /** Count `ts`'s clock hour as active unless it is not later than the last counted one. */
  record(ts: number): void {
    const clockHour = Math.floor(ts / HOUR_MS);
    if (this.lastHour !== null && clockHour <= this.lastHour) return;

    const levels = this.levels[dayOfWeekOf(ts)] as number[];
    const hour = hourOfDayOf(ts);
    levels[hour] = Math.min(HOUR_MAX, (levels[hour] ?? 0) + HOUR_STEP);
    this.lastHour = clockHour;
    this.active += 1;
  }
}
