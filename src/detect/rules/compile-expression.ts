import type { ASTNode, Environment, ParseResult } from "@marcbachmann/cel-js";
import { parseCidr } from "../cidr-set.js";
import { CIDR_FUNCTIONS } from "./cel-environment.js";
import type { RuleLocation, RuleSource } from "./rule-source.js";

type Path = readonly PropertyKey[];

/** A CEL expression parsed and type-checked once, at load. */
export interface CompiledExpression {
  readonly source: string;
  /** CEL type of the result, e.g. `bool`, `int`, `list<string>`. */
  readonly type: string;
  /** Identifiers the expression reads (variables, lists, macros). */
  readonly identifiers: ReadonlySet<string>;
  readonly evaluate: ParseResult;
}

/** Where an expression lives, for errors. */
export interface ExpressionSite {
  readonly source: RuleSource;
  readonly path: Path;
  readonly where: RuleLocation;
  /** Lists by name, to check CIDRs passed by name to `inCidrs`. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

interface CelError {
  readonly message: string;
  readonly summary?: string;
  readonly range?: { readonly start: number };
}

function reasonOf(err: CelError): string {
  return `CEL: ${err.summary ?? err.message.split("\n")[0]}`;
}

/** Visit every node of a CEL AST (operands, call arguments, list and map entries). */
export function walkAst(node: ASTNode, visit: (node: ASTNode) => void): void {
  visit(node);

  const args: unknown = node.args;
  const stack: unknown[] = Array.isArray(args) ? [...args] : [args];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) stack.push(...item);
    else if (item && typeof item === "object" && "op" in item) walkAst(item as ASTNode, visit);
  }
}

/**
 * Parse and type-check `text` in `env`. When `expected` is given, the
 * result type must be one of those. CIDRs passed to `inCidr`/`inCidrs` as
 * literals or by list name are checked here too, so a typo in an address
 * fails loading rather than every evaluation.
 *
 * @throws RuleError located at the line of the problem inside the file.
 */
export function compileExpression(
  env: Environment,
  text: string,
  site: ExpressionSite,
  expected?: readonly string[],
): CompiledExpression {
  const fail = (reason: string, offset = 0, cause?: unknown) =>
    site.source.errorAtLine(site.source.lineInString(site.path, offset), reason, site.where, cause);

  let evaluate: ParseResult;
  try {
    evaluate = env.parse(text);
  } catch (err) {
    throw fail(reasonOf(err as CelError), (err as CelError).range?.start, err);
  }

  const checked = evaluate.check();
  if (!checked.valid || !checked.type) {
    const err = checked.error as CelError;
    throw fail(reasonOf(err), err.range?.start, err);
  }

  if (expected && !expected.includes(checked.type)) {
    throw fail(`CEL: must be of type ${expected.join(" or ")}, but is ${checked.type}`);
  }

  const identifiers = new Set<string>();
  walkAst(evaluate.ast, (node) => {
    if (node.op === "id") identifiers.add(node.args);
    if (node.op === "rcall" && CIDR_FUNCTIONS.has(node.args[0])) {
      const problem = cidrProblem(node.args[2][0], site.lists);
      if (problem) throw fail(`CEL: ${problem}`, node.range.start);
    }
  });

  return { source: text, type: checked.type, identifiers, evaluate };
}

function cidrProblem(
  arg: ASTNode | undefined,
  lists: ReadonlyMap<string, readonly string[]>,
): string | null {
  const literals: string[] = [];

  if (arg?.op === "value" && typeof arg.args === "string") literals.push(arg.args);
  if (arg?.op === "id") literals.push(...(lists.get(arg.args) ?? []));
  if (arg?.op === "list") {
    for (const item of arg.args) {
      if (item.op === "value" && typeof item.args === "string") literals.push(item.args);
    }
  }

  const bad = literals.find((entry) => parseCidr(entry) === null);
  return bad === undefined ? null : `"${bad}" is not a CIDR or an IP address`;
}
