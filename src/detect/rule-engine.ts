import type { DetectionInput, Detector, Evidence, Finding } from "./finding.js";
import { RuleIndex } from "./rule-index.js";
import { celEvent, celWindow, evidenceValue } from "./rules/cel-context.js";
import { matchingException } from "./rules/compile-exceptions.js";
import type { CompiledRule, CompiledRuleSet } from "./rules/rule-set.js";

/** Hooks the pipeline uses to count and log what the engine does not return. */
export interface RuleEngineOptions {
  /** Evaluate disabled rules too (rule tests do; the service does not). */
  includeDisabled?: boolean;
  /**
   * Evaluate every rule on every event instead of only the rule index's
   * candidates. Findings are the same; tests use it as the reference the
   * index is checked against.
   */
  evaluateEveryRule?: boolean;
  /**
   * A rule could not be evaluated on this event (e.g. a CEL division by
   * zero). The rule is treated as not firing; the event goes on.
   */
  onError?(rule: CompiledRule, err: unknown): void;
  /** A rule fired but an exception excused the event. */
  onExcepted?(rule: CompiledRule, exception: string): void;
}

type Context = Record<string, unknown>;

/**
 * The Detector of a compiled rule set: every enabled rule, condition rules
 * and statistical rules alike, evaluated on each event where it can fire.
 * The rule index (rule-index.ts) leaves out rules whose guard, a conjunct
 * of their condition, is false, so rules that cannot fire cost next to
 * nothing however many are loaded. Findings come back in every mode;
 * acting on `enforce`, downgrading `alert` and only counting `shadow` is
 * the caller's job (see risk.ts). Cooldowns are claimed by the caller too,
 * against the state store, because they must hold across processes.
 */
export class RuleEngine implements Detector {
  readonly id = "rules";
  readonly ruleSet: CompiledRuleSet;
  readonly #rules: readonly CompiledRule[];
  readonly #index: RuleIndex | null;
  readonly #hooks: RuleEngineOptions;

  constructor(ruleSet: CompiledRuleSet, options: RuleEngineOptions = {}) {
    this.ruleSet = ruleSet;
    this.#rules = ruleSet.rules.filter((rule) => rule.enabled || options.includeDisabled);
    this.#index = options.evaluateEveryRule ? null : new RuleIndex(this.#rules);
    this.#hooks = options;
  }

  detect(input: DetectionInput): Finding[] {
    const context = this.#context(input);
    const findings: Finding[] = [];

    const revokedRejection = input.window.afterRevocation;
    const rules = this.#index ? this.#index.candidates(context) : this.#rules;
    for (const rule of rules) {
      if (revokedRejection && !rule.seesRevokedRejections) continue;
      try {
        const finding = this.#evaluate(rule, input, context);
        if (finding) findings.push(finding);
      } catch (err) {
        this.#hooks.onError?.(rule, err);
      }
    }

    return findings;
  }

  /**
   * The CEL variables of one event. Macros are getters evaluated on first
   * read and remembered, so a macro used by five rules runs once and a
   * macro no firing path reads never runs.
   */
  #context(input: DetectionInput): Context {
    const context: Context = {
      event: celEvent(input),
      window: celWindow(input.window, input.event.ts),
    };

    for (const macro of this.ruleSet.macros) {
      let value: unknown;
      let done = false;
      Object.defineProperty(context, macro.name, {
        enumerable: true,
        get: () => {
          if (!done) {
            value = macro.expression.evaluate(context);
            done = true;
          }
          return value;
        },
      });
    }

    return context;
  }

  #evaluate(rule: CompiledRule, input: DetectionInput, context: Context): Finding | null {
    if (rule.condition && rule.condition.evaluate(context) !== true) return null;

    const detected = rule.detector ? rule.detector.check(input) : {};
    if (!detected) return null;

    const exception = matchingException(rule.exceptions, input);
    if (exception) {
      this.#hooks.onExcepted?.(rule, exception.name);
      return null;
    }

    return {
      ruleId: rule.id,
      ruleVersion: rule.version,
      tokenFp: input.event.token.fingerprint,
      severity: rule.severity,
      score: rule.score,
      action: rule.action,
      mode: rule.mode,
      cooldownMs: rule.cooldownMs,
      evidence: { ...detected, ...this.#probe(rule, context) },
      ts: input.event.ts,
    };
  }

  /** Evidence values; one that fails to evaluate is recorded as null, not lost. */
  #probe(rule: CompiledRule, context: Context): Evidence {
    const evidence: Record<string, Evidence[string]> = {};

    for (const probe of rule.evidence) {
      try {
        evidence[probe.key] = evidenceValue(probe.expression.evaluate(context));
      } catch {
        evidence[probe.key] = null;
      }
    }

    return evidence;
  }
}
