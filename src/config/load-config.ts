import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors.js";
import {
  type ConfigFile,
  configKey,
  describeConfigIssues,
  type EnvOverride,
} from "./config-problems.js";
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
  const source = file ? readYamlFile(file) : null;
  const overrides: string[] = [];
  const fromEnv = new Map<string, EnvOverride>();
  const merged = applyEnv(source?.value ?? {}, env, overrides, fromEnv);
  const result = configSchema.safeParse(merged);

  if (!result.success) {
    const origins = { file: source?.file ?? null, env: fromEnv, input: merged };
    throw new ConfigError(describeConfigIssues(result.error, origins));
  }

  return { config: deepFreeze(result.data), overrides };
}

function readYamlFile(file: string): { value: Record<string, unknown>; file: ConfigFile } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: check the path`, { cause: err });
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new ConfigError(`${file}: YAML syntax error: ${first?.message ?? "unknown"}`);
  }

  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${file}: the top level must be a mapping of sections (kafka:, redis:…)`);
  }
  return { value: value as Record<string, unknown>, file: { file, doc, lines } };
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
  fromEnv: Map<string, EnvOverride>,
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
    const key = leaf.path.join(".");
    setPath(result, leaf.path, coerce(name, raw, leaf));
    overrides.push(`${key} from ${name}`);
    const echo = typeof leaf.sample === "number" || typeof leaf.sample === "boolean";
    fromEnv.set(key, { name, raw, echo });
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

/**
 * The variable's text as the option's type. Text that cannot be a number or
 * a boolean fails here, naming the variable, since zod would only see NaN.
 */
function coerce(name: string, raw: string, leaf: { path: string[]; sample: unknown }): unknown {
  const { sample } = leaf;
  const expects = (what: string) =>
    new ConfigError(`${name}=${raw}: ${configKey(leaf.path)} expects ${what}`);

  if (Array.isArray(sample)) {
    return raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
  if (typeof sample === "number") {
    const value = raw.trim() === "" ? Number.NaN : Number(raw);
    if (Number.isNaN(value)) throw expects("a number");
    return value;
  }
  if (typeof sample === "boolean") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw expects("true or false (or 1 or 0)");
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
