import { type Document, isMap, isScalar, type LineCounter, type Node } from "yaml";
import type { z } from "zod";

type Path = readonly PropertyKey[];

/** A configuration file as parsed, so a problem can name its line. */
export interface ConfigFile {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** A value set by an environment variable, for naming it in a problem. */
export interface EnvOverride {
  readonly name: string;
  readonly raw: string;
  /** Only numbers and booleans are echoed: other values may be secrets. */
  readonly echo: boolean;
}

/** Where each validated value came from. */
export interface ConfigOrigins {
  readonly file: ConfigFile | null;
  /** By dotted path (`policy.revokeScore`). */
  readonly env: ReadonlyMap<string, EnvOverride>;
  /** The merged input that was validated, to quote a wrong value's type. */
  readonly input: unknown;
}

/** Words YAML 1.1 read as booleans and YAML 1.2 (the `yaml` library) reads as text. */
const YAML11_BOOLEANS = /^(y|yes|n|no|on|off)$/i;

/** `["kafka", "brokers", 1]` → `kafka.brokers[1]`. */
export function configKey(path: Path): string {
  let key = "";
  for (const part of path) {
    key += typeof part === "number" ? `[${part}]` : `${key ? "." : ""}${String(part)}`;
  }
  return key || "(top level)";
}

/**
 * One located sentence per zod issue: the environment variable that set the
 * value (`TOKENWATCH_SERVER_PORT=x: server.port …`), or the file and line
 * (`tokenwatch.yaml:12, policy.dryRun: …`), then the key and what it expects.
 */
export function describeConfigIssues(error: z.ZodError, origins: ConfigOrigins): string {
  const problems = error.issues.map((issue) => describeIssue(issue, origins));
  return `invalid configuration: ${problems.join("; ")}`;
}

function describeIssue(issue: z.core.$ZodIssue, origins: ConfigOrigins): string {
  const unknownKey = issue.code === "unrecognized_keys" ? String(issue.keys[0]) : null;
  const path = unknownKey === null ? issue.path : [...issue.path, unknownKey];
  const key = configKey(path);
  const reason = unknownKey === null ? issue.message + hint(issue, origins.input) : "unknown key";

  const override = envOverride(path, origins.env);
  if (override) {
    const shown = override.echo ? `${override.name}=${override.raw}` : override.name;
    return `${shown}: ${key}: ${reason}`;
  }

  const { file } = origins;
  if (!file) return `${key}: ${reason}`;
  const line = lineOf(file, issue.path, unknownKey);
  return `${file.file}${line === null ? "" : `:${line}`}, ${key}: ${reason}`;
}

/** What to write instead, where the message alone would leave a reader guessing. */
function hint(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code !== "invalid_type" || issue.expected !== "boolean") return "";

  const value = valueAt(input, issue.path);
  if (typeof value !== "string" || !YAML11_BOOLEANS.test(value)) return "";
  return `; YAML 1.2 reads ${value} as text: write true or false`;
}

function envOverride(path: Path, env: ReadonlyMap<string, EnvOverride>): EnvOverride | null {
  for (let depth = path.length; depth > 0; depth--) {
    const found = env.get(path.slice(0, depth).map(String).join("."));
    if (found) return found;
  }
  return null;
}

/** The line of the value at `path` (or of `key` inside it), else of its nearest ancestor. */
function lineOf(file: ConfigFile, path: Path, key: string | null): number | null {
  if (key !== null) {
    const map = nodeAt(file.doc, path);
    const pair = isMap(map)
      ? map.items.find((item) => isScalar(item.key) && item.key.value === key)
      : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : null;
    if (range) return file.lines.linePos(range[0]).line;
  }

  for (let depth = path.length; depth > 0; depth--) {
    const node = nodeAt(file.doc, path.slice(0, depth));
    if (node?.range) return file.lines.linePos(node.range[0]).line;
  }
  return null;
}

function nodeAt(doc: Document, path: Path): Node | undefined {
  return doc.getIn(path as unknown[], true) as Node | undefined;
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
