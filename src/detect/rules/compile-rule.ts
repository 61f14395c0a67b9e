import type { ASTNode, Environment } from "@marcbachmann/cel-js";
import type { RuleError } from "../../errors.js";
import { STATISTICAL_DETECTORS } from "../detectors/registry.js";
import { compileExceptions } from "./compile-exceptions.js";
import {
  type CompiledExpression,
  compileExpression,
  type ExpressionSite,
  walkAst,
} from "./compile-expression.js";
import { durationMs } from "./duration.js";
import { ruleGuard } from "./rule-guard.js";
import type { CompiledRule, EvidenceProbe, RuleDetector } from "./rule-set.js";
import type { RuleSource } from "./rule-source.js";
import { ALLOWED_KEYS, type RuleSpec, ruleSpecSchema } from "./rule-spec.js";

type Path = readonly PropertyKey[];

/** What compiling one rule needs besides the rule itself. */
export interface RuleContext {
  readonly source: RuleSource;
  /** Index of the rule in the file's `rules:` list. */
  readonly index: number;
  readonly env: Environment;
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

function allowedKeys(path: Path): readonly string[] | null {
  if (path.length === 0) return ALLOWED_KEYS.rule;
  if (path.length === 2 && path[0] === "exceptions") return ALLOWED_KEYS.exception;
  return null;
}

/** Fields of `window` a condition reads directly: its default evidence. */
function windowFields(condition: CompiledExpression): string[] {
  const fields = new Set<string>();

  walkAst(condition.evaluate.ast, (node: ASTNode) => {
    if (node.op !== ".") return;
    const [target, field] = node.args;
    if (target.op === "id" && target.args === "window") fields.add(field);
  });

  return [...fields].map((field) => `window.${field}`);
}

function compileDetector(spec: RuleSpec, ctx: RuleContext, rulePath: Path): RuleDetector | null {
  if (spec.detector === undefined) return null;

  const where = { ruleId: spec.id };
  const kind = STATISTICAL_DETECTORS.get(spec.detector);
  if (!kind) {
    const known = [...STATISTICAL_DETECTORS.keys()].join(", ");
    const reason = `unknown detector "${spec.detector}"; known detectors: ${known}`;
    throw ctx.source.error([...rulePath, "detector"], reason, { ...where, field: "detector" });
  }

  const parsed = kind.params.safeParse(spec.params ?? {});
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    if (!issue) throw new Error("zod reported a failure without issues");
    const located = { ...issue, path: ["params", ...issue.path] } as typeof issue;
    throw ctx.source.schemaError(located, rulePath, where, () => null);
  }

  return { name: kind.name, params: parsed.data, check: kind.create(parsed.data) };
}

/**
 * Every schema problem of one raw rule (`rules[index]` of a file), each
 * with its line and field, so that a wrong type does not hide an unknown key.
 * Empty when the rule has the shape of a rule; compiling may still fail.
 */
export function ruleSpecProblems(raw: unknown, ctx: RuleContext): RuleError[] {
  const parsed = ruleSpecSchema.safeParse(raw);
  if (parsed.success) return [];

  const rawId = (raw as { id?: unknown } | null)?.id;
  const where = { ruleId: typeof rawId === "string" ? rawId : null };
  return ctx.source.schemaErrors(parsed.error.issues, ["rules", ctx.index], where, allowedKeys);
}

/**
 * Validate and compile one raw rule (`rules[index]` of a file).
 *
 * @throws RuleError naming the file, line, rule id and field of the first problem.
 */
export function compileRule(raw: unknown, ctx: RuleContext): CompiledRule {
  const rulePath: Path = ["rules", ctx.index];
  const rawId = (raw as { id?: unknown } | null)?.id;
  const guessedId = typeof rawId === "string" ? rawId : null;

  const parsed = ruleSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    if (!issue) throw new Error("zod reported a failure without issues");
    throw ctx.source.schemaError(issue, rulePath, { ruleId: guessedId }, allowedKeys);
  }

  const spec = parsed.data;
  const site = (field: string, path: Path): ExpressionSite => ({
    source: ctx.source,
    path: [...rulePath, ...path],
    where: { ruleId: spec.id, field },
    lists: ctx.lists,
  });

  const condition =
    spec.condition === undefined
      ? null
      : compileExpression(ctx.env, spec.condition, site("condition", ["condition"]), ["bool"]);

  const detector = compileDetector(spec, ctx, rulePath);

  const declared = spec.evidence ?? (condition ? windowFields(condition) : []);
  const evidence: EvidenceProbe[] = declared.map((text, i) => ({
    key: text,
    expression: compileExpression(ctx.env, text, site(`evidence[${i}]`, ["evidence", i])),
  }));

  const exceptions = compileExceptions(spec.exceptions, {
    source: ctx.source,
    path: [...rulePath, "exceptions"],
    where: { ruleId: spec.id },
    lists: ctx.lists,
  });

  return {
    id: spec.id,
    version: spec.version,
    description: spec.description,
    enabled: spec.enabled,
    severity: spec.severity,
    score: spec.score,
    action: spec.action,
    mode: spec.mode,
    cooldownMs: durationMs(spec.cooldown) ?? 0,
    condition,
    detector,
    guard: condition ? ruleGuard(condition) : null,
    exceptions,
    evidence,
    seesRevokedRejections:
      condition !== null && windowFields(condition).includes("window.afterRevocation"),
    file: ctx.source.file,
    line: ctx.source.lineOf(rulePath),
  };
}
