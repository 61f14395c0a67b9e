import type { StatisticalCheck } from "../detectors/statistical-detector.js";
import type { RuleAction, RuleMode, Severity } from "../finding.js";
import type { CompiledException } from "./compile-exceptions.js";
import type { CompiledExpression } from "./compile-expression.js";
import type { CompiledMacro } from "./macros.js";
import type { RuleGuard } from "./rule-guard.js";

/** One value recorded as evidence when a rule fires, keyed by its expression. */
export interface EvidenceProbe {
  readonly key: string;
  readonly expression: CompiledExpression;
}

/** The statistical detector a rule names, with its validated params. */
export interface RuleDetector {
  readonly name: string;
  readonly params: unknown;
  readonly check: StatisticalCheck;
}

/**
 * A rule ready to evaluate: its CEL compiled and type-checked, its
 * cooldown in milliseconds, its exceptions resolved. A rule has a
 * condition, a detector, or both (the condition then gates the detector).
 */
export interface CompiledRule {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly score: number;
  readonly action: RuleAction;
  readonly mode: RuleMode;
  readonly cooldownMs: number;
  readonly condition: CompiledExpression | null;
  readonly detector: RuleDetector | null;
  /**
   * A conjunct of the condition that must hold for the rule to fire, simple
   * enough for the rule index to test without CEL (see rule-guard.ts); null
   * when there is none and the rule is evaluated on every event.
   */
  readonly guard: RuleGuard | null;
  readonly exceptions: readonly CompiledException[];
  readonly evidence: readonly EvidenceProbe[];
  /**
   * Whether the rule sees a token's 401/403 responses after our own
   * revocation (`window.afterRevocation`). Only rules whose condition reads
   * that field do: those rejections are the gateway doing what we asked,
   * and must never feed a burst, network or rate rule.
   */
  readonly seesRevokedRejections: boolean;
  /** Where the rule was defined, for audit records and `rules validate`. */
  readonly file: string;
  readonly line: number;
}

/** Every rule of a rule directory, with the shared macros they may read. */
export interface CompiledRuleSet {
  readonly dir: string;
  readonly files: readonly string[];
  readonly rules: readonly CompiledRule[];
  readonly macros: readonly CompiledMacro[];
  readonly lists: ReadonlyMap<string, readonly string[]>;
}
