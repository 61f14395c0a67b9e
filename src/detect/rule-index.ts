import type { FieldPath, RuleGuard } from "./rules/rule-guard.js";
import type { CompiledRule } from "./rules/rule-set.js";

/*
 * Which rules can fire on an event, found without evaluating each one.
 * Rules are grouped by the field their guard reads (rule-guard.ts); an
 * event costs one read of each such field and, for an int field, a binary
 * search among the sorted bounds, so a thousand rules that cannot fire cost
 * about what ten do. Rules without a guard are candidates on every event.
 */

type Context = Record<string, unknown>;

/** The JavaScript type a guarded field has in the CEL context (cel-context.ts). */
type ValueType = "bigint" | "string" | "boolean";

/** Rule positions sorted by a bound, ascending; `bounds[i]` belongs to `rules[i]`. */
interface Bounds {
  readonly bounds: bigint[];
  readonly rules: number[];
}

/** Every guard that reads one field. */
interface FieldGroup {
  readonly path: FieldPath;
  readonly type: ValueType;
  /** Rules that may fire when the field is at least their bound. */
  readonly atLeast: Bounds;
  /** Rules that may fire when the field is at most their bound. */
  readonly atMost: Bounds;
  readonly byString: Map<string, number[]>;
  readonly ifTrue: number[];
  readonly ifFalse: number[];
  /** Every rule of the group, for a value not of the declared type. */
  readonly all: number[];
}

function valueType(guard: RuleGuard): ValueType {
  if (guard.kind === "oneOf") return "string";
  if (guard.kind === "is") return "boolean";
  return "bigint";
}

function insertSorted(into: Bounds, bound: bigint, rule: number): void {
  let i = into.bounds.length;
  while (i > 0 && (into.bounds[i - 1] as bigint) > bound) i--;
  into.bounds.splice(i, 0, bound);
  into.rules.splice(i, 0, rule);
}

/** How many of the ascending `bounds` are at most `value`. */
function countAtMost(bounds: readonly bigint[], value: bigint): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((bounds[mid] as bigint) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** How many of the ascending `bounds` are below `value`. */
function countBelow(bounds: readonly bigint[], value: bigint): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((bounds[mid] as bigint) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function read(context: Context, path: FieldPath): unknown {
  let value: unknown = context;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function pushRange(into: number[], from: readonly number[], start: number, end: number): void {
  for (let i = start; i < end; i++) into.push(from[i] as number);
}

/** The rules of an engine indexed by their guards. */
export class RuleIndex {
  readonly #rules: readonly CompiledRule[];
  readonly #always: readonly number[];
  readonly #groups: readonly FieldGroup[];

  constructor(rules: readonly CompiledRule[]) {
    const always: number[] = [];
    const groups = new Map<string, FieldGroup>();

    rules.forEach((rule, position) => {
      const { guard } = rule;
      if (!guard) {
        always.push(position);
        return;
      }

      const key = guard.path.join(".");
      let group = groups.get(key);
      if (!group) {
        group = {
          path: guard.path,
          type: valueType(guard),
          atLeast: { bounds: [], rules: [] },
          atMost: { bounds: [], rules: [] },
          byString: new Map(),
          ifTrue: [],
          ifFalse: [],
          all: [],
        };
        groups.set(key, group);
      }
      add(group, guard, position);
    });

    this.#rules = rules;
    this.#always = always;
    this.#groups = [...groups.values()];
  }

  /** How many rules have a guard; the others are evaluated on every event. */
  get guarded(): number {
    return this.#rules.length - this.#always.length;
  }

  /**
   * The rules whose guard holds on this event's CEL `context`, plus those
   * without one, in rule order (the order findings come back in).
   */
  candidates(context: Context): CompiledRule[] {
    const picked = [...this.#always];

    for (const group of this.#groups) {
      const value = read(context, group.path);
      if (typeof value !== group.type) pushRange(picked, group.all, 0, group.all.length);
      else if (typeof value === "bigint") pickBounds(picked, group, value);
      else if (typeof value === "string") picked.push(...(group.byString.get(value) ?? []));
      else picked.push(...(value ? group.ifTrue : group.ifFalse));
    }

    picked.sort((a, b) => a - b);
    return picked.map((position) => this.#rules[position] as CompiledRule);
  }
}

function add(group: FieldGroup, guard: RuleGuard, position: number): void {
  group.all.push(position);

  if (guard.kind === "atLeast") insertSorted(group.atLeast, guard.bound, position);
  else if (guard.kind === "atMost") insertSorted(group.atMost, guard.bound, position);
  else if (guard.kind === "is") (guard.value ? group.ifTrue : group.ifFalse).push(position);
  else {
    // A set, so `in ["a", "a"]` does not list the rule twice.
    for (const value of new Set(guard.values)) {
      const rules = group.byString.get(value) ?? [];
      rules.push(position);
      group.byString.set(value, rules);
    }
  }
}

function pickBounds(picked: number[], group: FieldGroup, value: bigint): void {
  const { atLeast, atMost } = group;
  pushRange(picked, atLeast.rules, 0, countAtMost(atLeast.bounds, value));
  pushRange(picked, atMost.rules, countBelow(atMost.bounds, value), atMost.rules.length);
}
