import type { Environment } from "@marcbachmann/cel-js";
import { type CompiledExpression, compileExpression, walkAst } from "./compile-expression.js";
import type { RuleSource } from "./rule-source.js";

/*
 * Macros are named CEL snippets shared by every rule file of a directory.
 * Rather than pasting their text into conditions (which would break error
 * positions and could capture names), each macro becomes a typed CEL
 * variable whose value is computed lazily, at most once per event, the
 * first time a condition reads it. A macro may use lists and other macros;
 * cycles are load errors.
 */

/** A macro as written, with where it was written. */
export interface MacroSpec {
  readonly name: string;
  readonly text: string;
  readonly source: RuleSource;
}

/** A macro compiled and registered in the environment. */
export interface CompiledMacro {
  readonly name: string;
  readonly expression: CompiledExpression;
}

function pathOf(spec: MacroSpec): readonly PropertyKey[] {
  return ["macros", spec.name];
}

function dependencies(env: Environment, spec: MacroSpec, names: ReadonlySet<string>): string[] {
  const found: string[] = [];

  try {
    walkAst(env.parse(spec.text).ast, (node) => {
      if (node.op === "id" && names.has(node.args)) found.push(node.args);
    });
  } catch {
    // A syntax error is reported with its line when the macro is compiled.
  }

  return found;
}

/** Macros ordered so that each comes after the macros it uses. */
function ordered(env: Environment, specs: ReadonlyMap<string, MacroSpec>): MacroSpec[] {
  const names = new Set(specs.keys());
  const done = new Set<string>();
  const order: MacroSpec[] = [];

  const visit = (spec: MacroSpec, trail: string[]) => {
    if (done.has(spec.name)) return;
    if (trail.includes(spec.name)) {
      const cycle = [...trail.slice(trail.indexOf(spec.name)), spec.name].join(" → ");
      const where = { field: `macros.${spec.name}` };
      throw spec.source.error(pathOf(spec), `macro cycle: ${cycle}`, where);
    }

    for (const name of dependencies(env, spec, names)) {
      const dependency = specs.get(name);
      if (dependency) visit(dependency, [...trail, spec.name]);
    }

    done.add(spec.name);
    order.push(spec);
  };

  for (const spec of specs.values()) visit(spec, []);
  return order;
}

/**
 * Compile every macro and register it as a variable of its own type.
 *
 * @throws RuleError for a syntax or type error, a cycle, or a type that
 * cannot be a variable.
 */
export function registerMacros(
  env: Environment,
  specs: ReadonlyMap<string, MacroSpec>,
  lists: ReadonlyMap<string, readonly string[]>,
): CompiledMacro[] {
  const compiled: CompiledMacro[] = [];

  for (const spec of ordered(env, specs)) {
    const where = { field: `macros.${spec.name}` };
    const site = { source: spec.source, path: pathOf(spec), where, lists };
    const expression = compileExpression(env, spec.text, site);

    try {
      env.registerVariable(spec.name, expression.type);
    } catch (err) {
      const reason = `a macro of type ${expression.type} cannot be shared`;
      throw spec.source.error(pathOf(spec), reason, where, err);
    }

    compiled.push({ name: spec.name, expression });
  }

  return compiled;
}
