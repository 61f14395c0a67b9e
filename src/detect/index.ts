/*
 * The detection stage's public surface: what the pipeline and the CLI call.
 * Everything else under src/detect is internal to it.
 */
export type { RateBaselineParams, RateBaselineStats } from "./detectors/rate-baseline.js";
export { rateBaselineStats } from "./detectors/rate-baseline.js";
export { STATISTICAL_DETECTORS } from "./detectors/registry.js";
export type {
  DetectionInput,
  Detector,
  EventEnrichment,
  Evidence,
  Finding,
  RuleAction,
  RuleMode,
  Severity,
} from "./finding.js";
export { assessRisk, MAX_RISK_SCORE, type RiskAssessment, requestedAction } from "./risk.js";
export { RuleEngine, type RuleEngineOptions } from "./rule-engine.js";
export {
  FIXTURES_DIR,
  type RuleCoverage,
  type RuleTestFailure,
  type RuleTestReport,
  runRuleTests,
} from "./rules/fixtures/run-rule-tests.js";
export { compileRuleDir, loadRules, type RuleDirResult } from "./rules/load-rules.js";
export type { RuleProblem } from "./rules/rule-problem.js";
export type { CompiledRule, CompiledRuleSet } from "./rules/rule-set.js";
export {
  type RuleValidationReport,
  type ValidatedRule,
  validateRules,
} from "./rules/validate-rules.js";
