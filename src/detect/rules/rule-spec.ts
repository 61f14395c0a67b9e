import { z } from "zod";
import { durationMs } from "./duration.js";

/*
 * The raw shape of a rule file, exactly as authors write it. Nothing here is
 * compiled: conditions are still text, cooldowns still durations, list
 * references still `$names`. compile-rule.ts turns a RuleSpec into a
 * CompiledRule. Every object is strict so that a misspelt key fails loading
 * instead of silently doing nothing.
 */

/** Names of lists and macros: plain CEL identifiers, so conditions can use them. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const ACTIONS = ["alert", "step_up", "revoke"] as const;
export const MODES = ["enforce", "alert", "shadow"] as const;

const identifier = z
  .string()
  .regex(IDENTIFIER, "must be a lower-case identifier, e.g. corp_egress or is_health_check");

const nonEmpty = z.string().min(1, "must not be empty");

const duration = z
  .string({ error: "must be a duration with units, e.g. 10m or 1h30m" })
  .refine((text) => durationMs(text) !== null, "must be a duration with units, e.g. 10m or 1h30m");

/**
 * One exception: an event is excepted when it matches every field the
 * exception sets (fields AND, exceptions OR), so "the CI consumer from the
 * CI runners' network" does not also excuse that consumer everywhere else.
 * Entries starting with `$` name a shared list.
 */
export const exceptionSpecSchema = z
  .strictObject({
    name: nonEmpty,
    cidrs: z.array(nonEmpty).min(1).optional(),
    asns: z
      .array(z.union([z.number().int().nonnegative(), nonEmpty]))
      .min(1)
      .optional(),
    consumers: z.array(nonEmpty).min(1).optional(),
    routes: z.array(nonEmpty).min(1).optional(),
    tokenClasses: z.array(nonEmpty).min(1).optional(),
  })
  .refine(
    (spec) => Object.keys(spec).length > 1,
    "an exception needs at least one of cidrs, asns, consumers, routes, tokenClasses",
  );

export type ExceptionSpec = z.infer<typeof exceptionSpecSchema>;

export const ruleSpecSchema = z
  .strictObject({
    id: z.string().regex(RULE_ID, "must be kebab-case, e.g. many-networks-short-window"),
    version: z.number().int().positive(),
    description: nonEmpty,
    enabled: z.boolean().default(true),
    condition: nonEmpty.optional(),
    detector: nonEmpty.optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    severity: z.enum(SEVERITIES),
    score: z.number().int().min(0).max(100),
    action: z.enum(ACTIONS),
    mode: z.enum(MODES),
    cooldown: duration,
    exceptions: z.array(exceptionSpecSchema).default([]),
    evidence: z.array(nonEmpty).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.condition === undefined && spec.detector === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["condition"],
        message: "a rule needs a condition, or a detector for statistical rules",
      });
    }

    if (spec.params !== undefined && spec.detector === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["params"],
        message: "params belong to statistical rules; add a detector or remove params",
      });
    }
  });

export type RuleSpec = z.infer<typeof ruleSpecSchema>;

export const ruleFileSpecSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1, the only rule file version" }),
  lists: z.record(identifier, z.array(nonEmpty)).default({}),
  macros: z.record(identifier, nonEmpty).default({}),
  rules: z.array(z.unknown()).default([]),
});

/**
 * A rule file with its rules still unchecked: each rule is validated on its
 * own so that one bad rule's problems are reported with that rule's id.
 */
export type RuleFileSpec = z.infer<typeof ruleFileSpecSchema>;

/** Keys an author may write, by where they are; quoted in "unknown key" errors. */
export const ALLOWED_KEYS = {
  file: Object.keys(ruleFileSpecSchema.shape),
  rule: Object.keys(ruleSpecSchema.shape),
  exception: Object.keys(exceptionSpecSchema.shape),
} as const;
