import { stringify } from "yaml";
import { loadConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
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
 */
export async function configCheckCommand(file: string | null): Promise<number> {
  const { config, overrides } = loadConfig(file);
  const masked = maskSecrets(config);

  process.stdout.write(`# effective configuration${file ? ` (${file})` : " (defaults)"}\n`);
  for (const override of overrides) process.stdout.write(`# ${override}\n`);
  process.stdout.write(stringify(masked));
  return EXIT.OK;
}

export function maskSecrets(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, key] of SECRET_PATHS) {
    const holder = copy[section];
    if (holder && holder[key] !== null && holder[key] !== undefined) holder[key] = "********";
  }
  // Credentials in a URL (redis://user:password@host) are secrets too. The user
  // info ends at the last @ of the authority, as WHATWG URL (and ioredis) read it,
  // so a password holding a raw @ is masked whole.
  const webhooks = copy.webhooks as { endpoints?: Array<Record<string, unknown>> } | undefined;
  for (const endpoint of webhooks?.endpoints ?? []) endpoint.secret = "********";
  const redis = copy.redis;
  if (redis && typeof redis.url === "string") {
    redis.url = redis.url.replace(/\/\/[^/?#]*@/, "//********@");
  }
  return copy;
}
