import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { RuleError } from "../../errors.js";
import { createRuleEnvironment, RESERVED_NAMES } from "./cel-environment.js";
import { compileRule, ruleSpecProblems } from "./compile-rule.js";
import { type CompiledMacro, type MacroSpec, registerMacros } from "./macros.js";
import { checkedRuleDir } from "./rule-dir.js";
import type { CompiledRule, CompiledRuleSet } from "./rule-set.js";
import { RuleSource } from "./rule-source.js";
import { ALLOWED_KEYS, type RuleFileSpec, ruleFileSpecSchema } from "./rule-spec.js";

/*
 * A rule directory is every `*.yaml` / `*.yml` file directly in it, read
 * in name order. Subfolders are not rules (`fixtures/` holds rule tests).
 * Lists, macros and rule ids are shared by, and unique across, all files.
 */

const RULE_FILE = /\.ya?ml$/;

interface ParsedFile {
  readonly source: RuleSource;
  readonly spec: RuleFileSpec;
}

/** A rule directory compiled as far as it could be, and every problem found. */
export interface RuleDirResult {
  /** `null` when there was any problem: a partial rule set is never used. */
  readonly ruleSet: CompiledRuleSet | null;
  readonly problems: readonly RuleError[];
}

function byPosition(a: RuleError, b: RuleError): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0);
}

async function ruleFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name))
      .map((entry) => join(dir, entry.name))
      .sort();
  } catch (err) {
    throw new RuleError({ file: dir }, "cannot read the rule directory", { cause: err });
  }
}

/** The file's lists, macros and raw rules, or every problem of its top level. */
async function parseFile(file: string): Promise<ParsedFile | RuleError[]> {
  const source = RuleSource.parse(file, await readFile(file, "utf8"));

  const parsed = ruleFileSpecSchema.safeParse(source.data ?? {});
  if (!parsed.success) {
    const allowed = (path: readonly PropertyKey[]) => (path.length ? null : ALLOWED_KEYS.file);
    return source.schemaErrors(parsed.error.issues, [], {}, allowed);
  }

  return { source, spec: parsed.data };
}

/** Lists and macros of every file, refusing duplicate and reserved names. */
function sharedNames(files: readonly ParsedFile[], problems: RuleError[]) {
  const lists = new Map<string, readonly string[]>();
  const macros = new Map<string, MacroSpec>();
  const seen = new Map<string, string>();

  const claim = (source: RuleSource, kind: "lists" | "macros", name: string): boolean => {
    const where = { field: `${kind}.${name}` };
    const first = seen.get(name);
    let reason: string | null = null;

    if (RESERVED_NAMES.has(name)) reason = `"${name}" is reserved in CEL; choose another name`;
    else if (first) reason = `"${name}" is already defined at ${first}`;
    if (reason) {
      problems.push(source.error([kind, name], reason, where));
      return false;
    }

    seen.set(name, `${source.file}:${source.lineOf([kind, name])}`);
    return true;
  };

  for (const { source, spec } of files) {
    for (const [name, values] of Object.entries(spec.lists)) {
      if (claim(source, "lists", name)) lists.set(name, values);
    }
    for (const [name, text] of Object.entries(spec.macros)) {
      if (claim(source, "macros", name)) macros.set(name, { name, text, source });
    }
  }

  return { lists, macros };
}

function compileRules(
  files: readonly ParsedFile[],
  env: ReturnType<typeof createRuleEnvironment>,
  lists: ReadonlyMap<string, readonly string[]>,
  problems: RuleError[],
): CompiledRule[] {
  const rules: CompiledRule[] = [];
  const byId = new Map<string, CompiledRule>();

  for (const { source, spec } of files) {
    spec.rules.forEach((raw, index) => {
      const context = { source, index, env, lists };
      const shapeProblems = ruleSpecProblems(raw, context);
      if (shapeProblems.length > 0) {
        problems.push(...shapeProblems);
        return;
      }

      try {
        const rule = compileRule(raw, context);
        const first = byId.get(rule.id);
        if (first) {
          const reason = `duplicate rule id; first defined at ${first.file}:${first.line}`;
          const where = { ruleId: rule.id, field: "id" };
          throw source.error(["rules", index, "id"], reason, where);
        }

        byId.set(rule.id, rule);
        rules.push(rule);
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        problems.push(err);
      }
    });
  }

  return rules;
}

/**
 * Compile every rule file of `chosen` (or of the packaged rules, see
 * rule-dir.ts), collecting problems instead of stopping at the first (what
 * `tokenwatch rules validate` reports).
 *
 * @throws RuleError when the directory does not exist or cannot be read.
 */
export async function compileRuleDir(chosen: string): Promise<RuleDirResult> {
  const problems: RuleError[] = [];
  const files: ParsedFile[] = [];

  const dir = checkedRuleDir(chosen);
  const paths = await ruleFiles(dir);
  if (paths.length === 0) {
    const reason = "no rule files (*.yaml) in the rule directory";
    return { ruleSet: null, problems: [new RuleError({ file: dir }, reason)] };
  }

  for (const path of paths) {
    try {
      const parsed = await parseFile(path);
      if (Array.isArray(parsed)) problems.push(...parsed);
      else files.push(parsed);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      problems.push(err);
    }
  }

  const { lists, macros } = sharedNames(files, problems);
  const env = createRuleEnvironment(lists);

  let compiledMacros: CompiledMacro[];
  try {
    compiledMacros = registerMacros(env, macros, lists);
  } catch (err) {
    if (!(err instanceof RuleError)) throw err;
    return { ruleSet: null, problems: [...problems, err].sort(byPosition) };
  }

  const rules = compileRules(files, env, lists, problems);
  if (problems.length > 0) return { ruleSet: null, problems: problems.sort(byPosition) };

  const ruleSet = { dir, files: paths, rules, macros: compiledMacros, lists };
  return { ruleSet, problems };
}

/**
 * Load and compile the rule directory the service runs with. Every CEL
 * condition is parsed and type-checked here, once.
 *
 * @throws RuleError for the first problem, naming file, line, rule and field.
 */
export async function loadRules(dir: string): Promise<CompiledRuleSet> {
  const { ruleSet, problems } = await compileRuleDir(dir);

  const [first] = problems;
  if (first || !ruleSet) throw first ?? new RuleError({ file: dir }, "no rules loaded");

  return ruleSet;
}
