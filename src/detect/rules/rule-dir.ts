import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RuleError } from "../../errors.js";

/** `rules.dir` when the configuration leaves it unset (see config/schema.ts). */
export const DEFAULT_RULE_DIR = "rules";

/**
 * The `rules/` folder shipped in the package (package.json "files"). This
 * module sits at `src/detect/rules/` in a checkout and `dist/detect/rules/`
 * once built, so the package root is three folders up either way.
 */
export const PACKAGED_RULE_DIR = fileURLToPath(new URL("../../../rules", import.meta.url));

/** Why a folder cannot be read as a rule directory. */
export type RuleDirProblem = "missing" | "not_a_directory";

const REASONS: Readonly<Record<RuleDirProblem, string>> = {
  missing: "the rule directory does not exist; pass --rules <dir> or set rules.dir",
  not_a_directory: "is a file, not a rule directory; pass --rules <dir> or set rules.dir",
};

/**
 * Why `dir` cannot be used as a rule directory, or `null` when it can. The
 * default `rules` is relative to the current directory; when that has no
 * `rules/` folder the packaged rules are used, so only an explicitly chosen
 * directory can be missing.
 */
export function ruleDirProblem(dir: string): RuleDirProblem | null {
  const resolved = resolveRuleDir(dir);
  if (!existsSync(resolved)) return "missing";
  return statSync(resolved).isDirectory() ? null : "not_a_directory";
}

/**
 * The folder to read rules from: `dir` itself, or the packaged rules when
 * `dir` is the default and the current directory has no `rules/` folder, so
 * that `tokenwatch replay` works from any directory after `npm install -g`.
 */
export function resolveRuleDir(dir: string): string {
  if (dir === DEFAULT_RULE_DIR && !existsSync(dir)) return PACKAGED_RULE_DIR;
  return dir;
}

/**
 * {@link resolveRuleDir}, throwing when the result is not a directory.
 *
 * @throws RuleError naming the directory and how to choose another.
 */
export function checkedRuleDir(dir: string): string {
  const problem = ruleDirProblem(dir);
  if (problem) throw new RuleError({ file: dir }, REASONS[problem]);
  return resolveRuleDir(dir);
}
