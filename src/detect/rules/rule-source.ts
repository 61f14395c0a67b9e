import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { RuleError } from "../../errors.js";

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
   * A RuleError for the first zod issue. `base` is the path of the value
   * that was validated (e.g. `["rules", 2]`); `allowedKeys` is quoted when
   * the issue is an unknown key, so the message says what would be valid.
   */
  schemaError(
    issue: z.core.$ZodIssue,
    base: Path,
    where: RuleLocation,
    allowedKeys: (path: Path) => readonly string[] | null,
  ): RuleError {
    const path = [...base, ...issue.path];
    const field = (local: Path) => fieldName(local) || null;

    if (issue.code === "unrecognized_keys") {
      const key = String(issue.keys[0]);
      const allowed = allowedKeys(issue.path);
      const hint = allowed ? `; allowed keys: ${allowed.join(", ")}` : "";
      const name = field([...issue.path, key]);
      return this.errorAtLine(this.lineOfKey(path, key), `unknown key${hint}`, {
        ...where,
        field: name,
      });
    }

    const missing = this.#node(path) === undefined && issue.code !== "custom";
    const reason = missing ? "is required" : issue.message;
    return this.error(path, reason, { ...where, field: field(issue.path) });
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
