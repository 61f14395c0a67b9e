import { Cluster, type Redis } from "ioredis";

/** A standalone client or a cluster client. */
type AnyRedis = Redis | Cluster;

/**
 * Every key under `prefix`. SCAN only walks the node it is sent to, so on a
 * Cluster each master is scanned in turn.
 */
export async function scanKeys(redis: AnyRedis, prefix: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, page] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      keys.push(...page);
    } while (cursor !== "0");
  }
  return keys;
}

/**
 * Every key and value under `prefix` in Redis, as text, so a test can search
 * it for planted secrets. Reads each key by its type.
 */
export async function dumpRedis(redis: AnyRedis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await scanKeys(redis, prefix)) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === "string") parts.push((await redis.get(key)) ?? "");
    if (type === "hash") parts.push(JSON.stringify(await redis.hgetall(key)));
    if (type === "zset") parts.push(JSON.stringify(await redis.zrange(key, 0, -1, "WITHSCORES")));
    if (type === "set") parts.push(JSON.stringify(await redis.smembers(key)));
    if (type === "list") parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
  }
  return parts.join("\n");
}

/**
 * The planted secrets found in `text` (an empty list is what tests expect),
 * each named by its position and a masked form: a failing assertion prints
 * its list, and that must not put the secret into the CI log it reports.
 * Besides the secret itself, looks for the encodings a careless serializer
 * would produce: base64, base64url, and a Buffer's JSON byte array.
 */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap((secret, index) => {
    const bytes = Buffer.from(secret, "utf8");
    const forms = [
      secret,
      bytes.toString("base64").replace(/=+$/, ""),
      bytes.toString("base64url"),
      bytes.toJSON().data.join(","),
    ];
    if (!forms.some((form) => text.includes(form))) return [];
    return [`planted secret #${index} (${secret.slice(0, 3)}…, ${secret.length} chars)`];
  });
}

/** Delete every key under `prefix` (test clean-up). */
export async function deleteKeys(redis: AnyRedis, prefix: string): Promise<number> {
  const keys = await scanKeys(redis, prefix);
  if (keys.length === 0) return 0;
  if (redis instanceof Cluster) {
    // One key per UNLINK: keys of different slots may not share a command.
    const counts = await Promise.all(keys.map((key) => redis.unlink(key)));
    return counts.reduce((sum, count) => sum + count, 0);
  }
  return redis.unlink(...keys);
}
