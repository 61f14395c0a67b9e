import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { RuleError } from "../../errors.js";
import { closestKey } from "./closest-key.js";

type Path = readonly PropertyKey[];

/** Where in a rule file a problem is, in the words of RuleError. */
export interface RuleLocation {
  readonly ruleId?: string | null;
  readonly field?: string | null;
}

/**
 * One parsed YAML file that remembers where every value came from, so that
 * any problem found later (schema, CEL, duplicates) can name its line.
 */
export class RuleSource {
  readonly file: string;
  readonly data: unknown;
  readonly #doc: Document;
  readonly #lines: LineCounter;

  private constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.#doc = doc;
    this.#lines = lines;
    this.data = doc.toJS({ maxAliasCount: 100 });
  }

  /** @throws RuleError at the first YAML syntax error. */
  static parse(file: string, text: string): RuleSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });

    const [first] = doc.errors;
    if (first) {
      const line = first.linePos?.[0].line ?? lines.linePos(first.pos[0]).line;
      throw new RuleError({ file, line }, `YAML: ${first.message.split("\n")[0]}`);
    }

    try {
      return new RuleSource(file, doc, lines);
    } catch (err) {
      throw new RuleError({ file, line: 1 }, `YAML: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The line of the value at `path`, or of its closest existing ancestor. */
  lineOf(path: Path): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.#node(path.slice(0, depth));
      if (node?.range) return this.#lineAt(node.range[0]);
    }
    return 1;
  }

  /** The line of a key inside the mapping at `path` (for unknown keys). */
  lineOfKey(path: Path, key: string): number {
    const map = this.#node(path);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = isScalar(pair?.key) ? pair.key.range : null;
      if (range) return this.#lineAt(range[0]);
    }
    return this.lineOf(path);
  }

  /**
   * The line of a character of the string at `path`. Literal block scalars
   * (`|`) keep their line breaks, so a CEL error on the third line of a
   * condition is reported on that line of the file; other styles fold lines
   * and are reported at their first line.
   */
  lineInString(path: Path, offset: number): number {
    const node = this.#node(path);
    if (!isScalar(node) || !node.range || typeof node.value !== "string") return this.lineOf(path);

    const first = this.#lineAt(node.range[0]);
    if (node.type !== "BLOCK_LITERAL") return first;

    const before = node.value.slice(0, Math.max(0, offset));
    return first + 1 + (before.match(/\n/g)?.length ?? 0);
  }

  /** A RuleError at the value at `path`. */
  error(path: Path, reason: string, where: RuleLocation = {}, cause?: unknown): RuleError {
    return this.errorAtLine(this.lineOf(path), reason, where, cause);
  }

  /** A RuleError at a known line. */
  errorAtLine(line: number, reason: string, where: RuleLocation = {}, cause?: unknown): RuleError {
    const location = { file: this.file, line, ruleId: where.ruleId, field: where.field };
    return new RuleError(location, reason, { cause });
  }

  /**
   * A RuleError for one zod issue. `base` is the path of the value that was
   * validated (e.g. `["rules", 2]`); `allowedKeys` is quoted when the issue
   * is an unknown key, so the message says what would be valid.
   */
  schemaError(
    issue: z.core.$ZodIssue,
    base: Path,
    where: RuleLocation,
    allowedKeys: (path: Path) => readonly string[] | null,
  ): RuleError {
    const [first] = this.schemaErrors([issue], base, where, allowedKeys);
    if (!first) throw new Error("a zod issue gave no RuleError");
    return first;
  }

  /**
   * One RuleError per problem of the validated value, each unknown key its
   * own. An unknown key close to an allowed one is reported with that key as
   * the likely fix, and what follows from the typo alone (the key it was
   * meant to be "is required") is left out: `mod:` is one problem, not two.
   */
  schemaErrors(
    issues: readonly z.core.$ZodIssue[],
    base: Path,
    where: RuleLocation,
    allowedKeys: (path: Path) => readonly string[] | null,
  ): RuleError[] {
    const errors: RuleError[] = [];
    // Keys the typos were meant to be, and the objects holding those typos.
    const meant = new Set<string>();
    const meantIn = new Set<string>();

    for (const issue of issues) {
      if (issue.code !== "unrecognized_keys") continue;
      const allowed = allowedKeys(issue.path);
      for (const key of issue.keys.map(String)) {
        const guess = allowed ? closestKey(key, allowed) : null;
        if (guess) meant.add(fieldName([...issue.path, guess]));
        if (guess) meantIn.add(fieldName(issue.path));
        const hint = guess
          ? `; did you mean "${guess}"?`
          : allowed
            ? `; allowed keys: ${allowed.join(", ")}`
            : "";
        const line = this.lineOfKey([...base, ...issue.path], key);
        const field = fieldName([...issue.path, key]) || null;
        errors.push(this.errorAtLine(line, `unknown key "${key}"${hint}`, { ...where, field }));
      }
    }

    for (const issue of issues) {
      if (issue.code === "unrecognized_keys") continue;
      const path = [...base, ...issue.path];
      const field = fieldName(issue.path) || null;
      const absent = this.#node(path) === undefined;
      // A refinement of an object with a typo in it ("needs one of cidrs, …") is the typo again.
      if (absent && field !== null && meant.has(field)) continue;
      if (issue.code === "custom" && meantIn.has(fieldName(issue.path))) continue;
      const reason = absent && issue.code !== "custom" ? "is required" : issue.message;
      errors.push(this.error(path, reason, { ...where, field }));
    }

    return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }

  #node(path: Path): Node | undefined {
    if (path.length === 0) return this.#doc.contents ?? undefined;
    return this.#doc.getIn(path as unknown[], true) as Node | undefined;
  }

  #lineAt(offset: number): number {
    return this.#lines.linePos(offset).line;
  }
}

/** `["exceptions", 0, "cidrs"]` → `exceptions[0].cidrs`. */
export function fieldName(path: Path): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      return i === 0 ? String(part) : `.${String(part)}`;
    })
    .join("");
}
