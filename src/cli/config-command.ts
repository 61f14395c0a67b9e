import { stringify } from "yaml";
import { loadConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { ruleDirProblem } from "../detect/rules/rule-dir.js";
import { ConfigError } from "../errors.js";
import { EXIT } from "./exit-codes.js";

/** Configuration values that are secrets and are never printed. */
const SECRET_PATHS = [
  ["identity", "fingerprintKey"],
  ["revocations", "signingKey"],
  ["revocations", "httpBearer"],
] as const;

/**
 * `tokenwatch config check [file]`: validate the file plus environment
 * overrides and print the effective configuration with secrets masked.
 * Invalid configuration throws ConfigError, reported by main with exit 2.
 * Beyond the schema it checks what only the file system can answer.
 */
export async function configCheckCommand(file: string | null): Promise<number> {
  const { config, overrides } = loadConfig(file);
  checkRuleDir(config.rules.dir);
  const masked = maskSecrets(config);

  process.stdout.write(`# effective configuration${file ? ` (${file})` : " (defaults)"}\n`);
  for (const override of overrides) process.stdout.write(`# ${override}\n`);
  process.stdout.write(stringify(masked));
  return EXIT.OK;
}

function checkRuleDir(dir: string): void {
  const problem = ruleDirProblem(dir);
  if (problem === null) return;

  const what = problem === "missing" ? "does not exist" : "is a file, not a folder";
  throw new ConfigError(
    `rules.dir: the folder ${dir} ${what}; set rules.dir (or TOKENWATCH_RULES_DIR) ` +
      "to the folder holding your rule files",
  );
}

const MASK = "********";

/** URL options whose credentials (user info, query) are masked; the host stays readable. */
const URL_PATHS = [
  ["redis", "url"],
  ["alertmanager", "url"],
  ["revocations", "httpUrl"],
] as const;

/**
 * Mask the credentials of a URL: the user info (`redis://user:pass@host`),
 * which ends at the last `@` of the authority as WHATWG URL and ioredis read
 * it, so a password holding a raw `@` is masked whole; the query; and with
 * `path`, the path too. Scheme, host and port stay, to show where it points.
 */
function maskUrl(url: string, path: boolean): string {
  const userless = url.replace(/\/\/[^/?#]*@/, `//${MASK}@`);
  if (path) return userless.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)[/?#].*$/i, `$1/${MASK}`);
  return userless.replace(/\?.*$/, `?${MASK}`);
}

/** A copy of `config` with every secret replaced by `********`, for printing. */
export function maskSecrets(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, key] of SECRET_PATHS) {
    const holder = copy[section];
    if (holder && holder[key] !== null && holder[key] !== undefined) holder[key] = MASK;
  }
  const webhooks = copy.webhooks as { endpoints?: Array<Record<string, unknown>> } | undefined;
  for (const endpoint of webhooks?.endpoints ?? []) {
    endpoint.secret = MASK;
    // A webhook URL is often the secret itself (a token in its path or query).
    if (typeof endpoint.url === "string") endpoint.url = maskUrl(endpoint.url, true);
  }
  for (const [section, key] of URL_PATHS) {
    const holder = copy[section];
    if (holder && typeof holder[key] === "string") holder[key] = maskUrl(holder[key], false);
  }
  return copy;
}
