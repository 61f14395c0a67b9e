import { compileRuleDir } from "./load-rules.js";
import { type RuleProblem, toRuleProblem } from "./rule-problem.js";

/** A compiled rule, summarized for `tokenwatch rules validate`. */
export interface ValidatedRule {
  readonly id: string;
  readonly version: number;
  readonly file: string;
  readonly line: number;
  readonly kind: "condition" | "statistical";
  readonly enabled: boolean;
  readonly mode: string;
  readonly action: string;
}

/** What `tokenwatch rules validate [dir]` prints. */
export interface RuleValidationReport {
  /** True when every file loaded and every rule compiled. */
  readonly ok: boolean;
  readonly dir: string;
  readonly files: readonly string[];
  readonly rules: readonly ValidatedRule[];
  readonly lists: readonly string[];
  readonly macros: readonly string[];
  /** Every problem found, in file and line order (not just the first). */
  readonly problems: readonly RuleProblem[];
}

/**
 * Load and compile a rule directory, reporting every problem with its file,
 * line, rule and field instead of stopping at the first.
 */
export async function validateRules(dir: string): Promise<RuleValidationReport> {
  const { ruleSet, problems } = await compileRuleDir(dir);

  if (!ruleSet) {
    const files = [...new Set(problems.map((problem) => problem.file))];
    const located = problems.map(toRuleProblem);
    return { ok: false, dir, files, rules: [], lists: [], macros: [], problems: located };
  }

  const rules = ruleSet.rules.map(
    (rule): ValidatedRule => ({
      id: rule.id,
      version: rule.version,
      file: rule.file,
      line: rule.line,
      kind: rule.detector ? "statistical" : "condition",
      enabled: rule.enabled,
      mode: rule.mode,
      action: rule.action,
    }),
  );

  return {
    ok: true,
    dir,
    files: ruleSet.files,
    rules,
    lists: [...ruleSet.lists.keys()],
    macros: ruleSet.macros.map((macro) => macro.name),
    problems: [],
  };
}
