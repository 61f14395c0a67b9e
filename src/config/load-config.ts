import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { type Config, configSchema } from "./schema.js";

/** Environment variables override file values: `TOKENWATCH_<SECTION>_<KEY>`. */
const ENV_PREFIX = "TOKENWATCH_";

/** Variables that name a value directly, outside the generic section/key scheme. */
const ENV_ALIASES: Readonly<Record<string, string>> = {
  TOKENWATCH_FINGERPRINT_KEY: "identity.fingerprintKey",
};

/** Variables tokenwatch reads elsewhere (the CLI), not configuration keys. */
const ENV_RESERVED = new Set(["TOKENWATCH_CONFIG"]);

export interface LoadedConfig {
  readonly config: Config;
  /** Where each overridden value came from, for `config check`. */
  readonly overrides: readonly string[];
}

/**
 * Load configuration from an optional YAML file plus environment overrides,
 * validate it, and freeze it. Throws ConfigError naming the key and what is
 * expected; start-up stops on it.
 */
export function loadConfig(
  file: string | null,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  const fromFile = file ? readYamlFile(file) : {};
  const overrides: string[] = [];
  const merged = applyEnv(fromFile, env, overrides);
  const result = configSchema.safeParse(merged);

  if (!result.success) {
    throw new ConfigError(describeIssues(result.error, file));
  }

  return { config: deepFreeze(result.data), overrides };
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: check the path`, { cause: err });
  }

  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new ConfigError(`${file}: YAML syntax error: ${first?.message ?? "unknown"}`);
  }

  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${file}: the top level must be a mapping of sections (kafka:, redis:…)`);
  }
  return value as Record<string, unknown>;
}

/**
 * Overlay `TOKENWATCH_*` variables. The set of accepted names is derived from
 * the defaults, so every option can be overridden and a misspelt variable is
 * an error rather than silently ignored.
 */
function applyEnv(
  base: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  overrides: string[],
): Record<string, unknown> {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const leaves = new Map<string, { path: string[]; sample: unknown }>();
  collectLeaves(defaults, [], leaves);

  const result = structuredClone(base);
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || ENV_RESERVED.has(name)) continue;
    const aliasPath = ENV_ALIASES[name];
    const leaf = aliasPath ? leaves.get(envName(aliasPath.split("."))) : leaves.get(name);
    if (!leaf) {
      throw new ConfigError(`unknown environment variable ${name}: ${knownNamesHint(leaves)}`);
    }
    setPath(result, leaf.path, coerce(raw, leaf.sample));
    overrides.push(`${leaf.path.join(".")} from ${name}`);
  }
  return result;
}

function collectLeaves(
  value: Record<string, unknown>,
  path: string[],
  out: Map<string, { path: string[]; sample: unknown }>,
): void {
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    const isSection = child !== null && typeof child === "object" && !Array.isArray(child);
    if (isSection && Object.keys(child).length > 0) {
      collectLeaves(child as Record<string, unknown>, childPath, out);
    } else {
      out.set(envName(childPath), { path: childPath, sample: child });
    }
  }
}

/** `["kafka", "groupId"]` → `TOKENWATCH_KAFKA_GROUP_ID`. */
export function envName(path: readonly string[]): string {
  const snake = path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase());
  return ENV_PREFIX + snake.join("_");
}

function coerce(raw: string, sample: unknown): unknown {
  if (Array.isArray(sample)) {
    return raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
  if (typeof sample === "number") return raw.trim() === "" ? raw : Number(raw);
  if (typeof sample === "boolean") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    return raw;
  }
  if (sample !== null && typeof sample === "object") {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function knownNamesHint(leaves: Map<string, unknown>): string {
  const names = [...leaves.keys()].slice(0, 6).join(", ");
  return `expected one of ${names}, … (see README "Configuration")`;
}

function describeIssues(error: z.ZodError, file: string | null): string {
  const where = file ? ` in ${file}` : "";
  const lines = error.issues.map((issue) => {
    const key = issue.path.join(".") || "(top level)";
    return `${key}: ${issue.message}`;
  });
  return `invalid configuration${where}: ${lines.join("; ")}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
