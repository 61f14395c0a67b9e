import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "tokenwatch-cluster-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test("without redis.cluster the service uses the standalone redis.url", () => {
  const { config } = loadConfig(null, {});

  assert.deepEqual(config.redis.cluster, { nodes: [] });
  assert.equal(config.redis.url, "redis://127.0.0.1:6379");
});

test("redis.cluster.nodes in YAML lists the seed nodes, IPv6 in brackets", () => {
  const file = yamlFile(
    "cluster.yaml",
    "redis:\n  cluster:\n    nodes: [redis-0.redis:6379, 10.0.0.5:7000, '[2001:db8::5]:6379']\n",
  );

  const { config } = loadConfig(file, {});

  assert.deepEqual(config.redis.cluster.nodes, [
    "redis-0.redis:6379",
    "10.0.0.5:7000",
    "[2001:db8::5]:6379",
  ]);
});

test("TOKENWATCH_REDIS_CLUSTER_NODES is a comma-separated list of host:port", () => {
  const { config, overrides } = loadConfig(null, {
    TOKENWATCH_REDIS_CLUSTER_NODES: "127.0.0.1:7000, 127.0.0.1:7001",
  });

  assert.deepEqual(config.redis.cluster.nodes, ["127.0.0.1:7000", "127.0.0.1:7001"]);
  assert.deepEqual(overrides, ["redis.cluster.nodes from TOKENWATCH_REDIS_CLUSTER_NODES"]);
});

test("a cluster node written as a URL fails and names the key and the expected form", () => {
  assert.throws(
    () => loadConfig(null, { TOKENWATCH_REDIS_CLUSTER_NODES: "redis://10.0.0.5:6379" }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(
        err.message,
        /TOKENWATCH_REDIS_CLUSTER_NODES: redis\.cluster\.nodes\[0\]: expected "host:port"/,
      );
      return true;
    },
  );
});

test("an unknown key under redis.cluster fails and names it", () => {
  const file = yamlFile("typo.yaml", "redis:\n  cluster:\n    node: [10.0.0.5:6379]\n");

  assert.throws(
    () => loadConfig(file, {}),
    (err: unknown) => err instanceof ConfigError && err.message.includes("redis.cluster"),
  );
});
