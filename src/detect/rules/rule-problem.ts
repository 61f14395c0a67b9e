import type { RuleError } from "../../errors.js";

/** A rule or fixture problem as plain data, for CLI output and JSON reports. */
export interface RuleProblem {
  readonly file: string;
  readonly line: number | null;
  readonly ruleId: string | null;
  readonly field: string | null;
  /** The full located message, e.g. `rules/x.yaml:12, rule a, field condition: CEL: ...`. */
  readonly message: string;
}

/** The plain-data form of a RuleError. */
export function toRuleProblem(err: RuleError): RuleProblem {
  return {
    file: err.file,
    line: err.line,
    ruleId: err.ruleId,
    field: err.field,
    message: err.message,
  };
}
