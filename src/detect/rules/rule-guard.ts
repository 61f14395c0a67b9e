import type { ASTNode } from "@marcbachmann/cel-js";
import { EVENT_SCHEMA, WINDOW_SCHEMA } from "./cel-environment.js";
import type { CompiledExpression } from "./compile-expression.js";

/*
 * A rule's guard is one top-level conjunct of its condition simple enough
 * for the rule index (rule-index.ts) to test without CEL. The condition is
 * `t1 && t2 && …`; CEL's `&&` is false as soon as one side is false, even
 * when the other side fails (`false && 1/0 == 1` is false), so a rule whose
 * guard is false cannot fire and raises no error: skipping it is exact.
 *
 * Only terms whose result the index reproduces exactly are guards: a plain
 * field of `event` or `window` (never a macro, a list or a function call)
 * against a literal of the field's own type. CEL ints are BigInts at run
 * time and compared as such, so an int field against an int literal is
 * exact; against a double literal (`window.requests1m > 1.5e2`) CEL's mixed
 * comparison is not reproduced here, and such a term is not a guard.
 */

/** A field's path from its variable, e.g. `["window", "requests1m"]`. */
export type FieldPath = readonly string[];

/** What must hold of one field for the rule to possibly fire. */
export type RuleGuard =
  /** An int field is at least `bound` (`>=`, or `>` with the bound plus one). */
  | { readonly kind: "atLeast"; readonly path: FieldPath; readonly bound: bigint }
  /** An int field is at most `bound` (`<=`, or `<` with the bound minus one). */
  | { readonly kind: "atMost"; readonly path: FieldPath; readonly bound: bigint }
  /** A string field equals one of `values` (`==` a literal, `in` a literal list). */
  | { readonly kind: "oneOf"; readonly path: FieldPath; readonly values: readonly string[] }
  /** A bool field is `value` (the field alone, negated, or `==` a literal). */
  | { readonly kind: "is"; readonly path: FieldPath; readonly value: boolean };

type FieldType = "int" | "string" | "bool";

type Schema = { readonly [key: string]: string | Schema };

const VARIABLES: Readonly<Record<string, Schema>> = { event: EVENT_SCHEMA, window: WINDOW_SCHEMA };

const FLIPPED: Readonly<Record<string, string>> = { ">=": "<=", ">": "<", "<=": ">=", "<": ">" };

/** The path of `node` when it reads a plain field of `event` or `window`, else null. */
function fieldPath(node: ASTNode): string[] | null {
  if (node.op === "id") return Object.hasOwn(VARIABLES, node.args) ? [node.args] : null;
  if (node.op !== ".") return null;

  const [target, field] = node.args;
  const path = fieldPath(target);
  return path ? [...path, field] : null;
}

/** The CEL type of a field the index can compare, from the declared schemas. */
function fieldType(path: FieldPath): FieldType | null {
  let schema: string | Schema | undefined = VARIABLES[path[0] ?? ""];
  for (const key of path.slice(1)) {
    if (typeof schema !== "object" || !Object.hasOwn(schema, key)) return null;
    schema = schema[key];
  }

  return schema === "int" || schema === "string" || schema === "bool" ? schema : null;
}

function typedField(node: ASTNode): { path: string[]; type: FieldType } | null {
  const path = fieldPath(node);
  if (!path || path.length < 2) return null;
  const type = fieldType(path);
  return type ? { path, type } : null;
}

function literal(node: ASTNode): unknown {
  return node.op === "value" ? node.args : undefined;
}

function comparison(op: string, path: string[], bound: bigint): RuleGuard | null {
  if (op === ">=") return { kind: "atLeast", path, bound };
  if (op === ">") return { kind: "atLeast", path, bound: bound + 1n };
  if (op === "<=") return { kind: "atMost", path, bound };
  if (op === "<") return { kind: "atMost", path, bound: bound - 1n };
  return null;
}

/** The guard a single conjunct makes, or null when it is not of an indexable shape. */
export function termGuard(node: ASTNode): RuleGuard | null {
  const field = typedField(node);
  if (field?.type === "bool") return { kind: "is", path: field.path, value: true };

  if (node.op === "!_") {
    const negated = typedField(node.args);
    return negated?.type === "bool" ? { kind: "is", path: negated.path, value: false } : null;
  }

  const args = node.args as unknown;
  if (!Array.isArray(args) || args.length !== 2) return null;
  const [left, right] = args as [ASTNode, ASTNode];

  if (node.op in FLIPPED) {
    const leftField = typedField(left);
    const [op, fieldSide, literalSide] = leftField
      ? [node.op, leftField, right]
      : [FLIPPED[node.op] as string, typedField(right), left];
    const bound = literal(literalSide);
    if (fieldSide?.type !== "int" || typeof bound !== "bigint") return null;
    return comparison(op, fieldSide.path, bound);
  }

  if (node.op === "==") {
    const fieldSide = typedField(left) ?? typedField(right);
    const value = typedField(left) ? literal(right) : literal(left);
    if (fieldSide?.type === "string" && typeof value === "string") {
      return { kind: "oneOf", path: fieldSide.path, values: [value] };
    }
    if (fieldSide?.type === "bool" && typeof value === "boolean") {
      return { kind: "is", path: fieldSide.path, value };
    }
    return null;
  }

  if (node.op === "in") {
    const fieldSide = typedField(left);
    if (fieldSide?.type !== "string" || right.op !== "list") return null;
    const values = right.args.map(literal);
    if (!values.every((value): value is string => typeof value === "string")) return null;
    return { kind: "oneOf", path: fieldSide.path, values };
  }

  return null;
}

/** The top-level conjuncts of `node`, in source order: `a && (b && c)` is a, b, c. */
function conjuncts(node: ASTNode): ASTNode[] {
  if (node.op !== "&&") return [node];
  const [left, right] = node.args;
  return [...conjuncts(left), ...conjuncts(right)];
}

/**
 * The guard of a condition: its first indexable conjunct, in source order,
 * so authors who write the rarest test first (as CEL evaluation rewards
 * too) get it indexed. An upper bound (`event.status < 400`) holds for most
 * events, so it is taken only when no other conjunct is indexable.
 */
export function ruleGuard(condition: CompiledExpression): RuleGuard | null {
  const guards = conjuncts(condition.evaluate.ast)
    .map(termGuard)
    .filter((guard) => guard !== null);

  return guards.find((guard) => guard.kind !== "atMost") ?? guards[0] ?? null;
}

/** The guard as CEL-like text, for `rules validate` and test messages. */
export function guardText(guard: RuleGuard): string {
  const field = guard.path.join(".");
  if (guard.kind === "atLeast") return `${field} >= ${guard.bound}`;
  if (guard.kind === "atMost") return `${field} <= ${guard.bound}`;
  if (guard.kind === "is") return guard.value ? field : `!${field}`;
  return `${field} in ${JSON.stringify(guard.values)}`;
}
