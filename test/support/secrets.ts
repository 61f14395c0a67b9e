import type { Redis } from "ioredis";

/**
 * Every key and value under `prefix` in Redis, as text, so a test can search
 * it for planted secrets. Reads each key by its type.
 */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      parts.push(key);
      const type = await redis.type(key);
      if (type === "string") parts.push((await redis.get(key)) ?? "");
      if (type === "hash") parts.push(JSON.stringify(await redis.hgetall(key)));
      if (type === "zset") parts.push(JSON.stringify(await redis.zrange(key, 0, -1, "WITHSCORES")));
      if (type === "set") parts.push(JSON.stringify(await redis.smembers(key)));
      if (type === "list") parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    }
  } while (cursor !== "0");
  return parts.join("\n");
}

/**
 * The planted secrets found in `text` (an empty list is what tests expect).
 * Besides the secret itself, looks for the encodings a careless serializer
 * would produce: base64, base64url, and a Buffer's JSON byte array.
 */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => {
    const bytes = Buffer.from(secret, "utf8");
    const forms = [
      secret,
      bytes.toString("base64").replace(/=+$/, ""),
      bytes.toString("base64url"),
      bytes.toJSON().data.join(","),
    ];
    return forms.some((form) => text.includes(form));
  });
}

/** Delete every key under `prefix` (test clean-up). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}
