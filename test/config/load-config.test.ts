import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { envName, loadConfig } from "../../src/config/load-config.js";
import { configSchema } from "../../src/config/schema.js";
import { ConfigError } from "../../src/errors.js";

const DEFAULTS = configSchema.parse({});
const dir = mkdtempSync(join(tmpdir(), "tokenwatch-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

/** Write `text` to a fresh YAML file and return its path. */
function yamlFile(text: string): string {
  files += 1;
  const file = join(dir, `config-${files}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Assert that `load` throws a ConfigError whose message contains every one of `parts`. */
function assertConfigError(load: () => unknown, ...parts: string[]): void {
  assert.throws(load, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, "CONFIG_INVALID");
    assert.equal(err.retriable, false);
    for (const part of parts) assert.ok(err.message.includes(part), `"${part}" in ${err.message}`);
    return true;
  });
}

test("without a file or variables the configuration is the schema's defaults", () => {
  const { config, overrides } = loadConfig(null, {});

  assert.deepEqual(config, DEFAULTS);
  assert.deepEqual(overrides, []);
});

test("an empty file is the defaults too", () => {
  assert.deepEqual(loadConfig(yamlFile(""), {}).config, DEFAULTS);
});

test("values in the YAML file override the defaults and leave the rest alone", () => {
  const file = yamlFile(
    [
      "kafka:",
      "  brokers: [kafka-1:9092, kafka-2:9092]",
      "  formats: { kong-logs: kong }",
      "policy:",
      "  dryRun: true",
      "  revokeScore: 95",
      "",
    ].join("\n"),
  );

  const { config } = loadConfig(file, {});

  assert.deepEqual(config.kafka.brokers, ["kafka-1:9092", "kafka-2:9092"]);
  assert.deepEqual(config.kafka.formats, { "kong-logs": "kong" });
  assert.equal(config.policy.dryRun, true);
  assert.equal(config.policy.revokeScore, 95);
  assert.equal(config.kafka.groupId, DEFAULTS.kafka.groupId);
  assert.deepEqual(config.redis, DEFAULTS.redis);
});

test("environment variables override the file and are coerced to the option's type", () => {
  const file = yamlFile("kafka:\n  brokers: [from-file:9092]\nserver:\n  port: 8080\n");
  const env = {
    TOKENWATCH_KAFKA_BROKERS: "a:1, b:2,",
    TOKENWATCH_SERVER_PORT: "1234",
    TOKENWATCH_POLICY_DRY_RUN: "true",
    TOKENWATCH_KAFKA_FORMATS: '{"kong-logs":"kong"}',
    TOKENWATCH_FINGERPRINT_KEY: "a-fingerprint-key-of-32-characters",
  };

  const { config, overrides } = loadConfig(file, env);

  assert.deepEqual(config.kafka.brokers, ["a:1", "b:2"]);
  assert.equal(config.server.port, 1234);
  assert.equal(config.policy.dryRun, true);
  assert.deepEqual(config.kafka.formats, { "kong-logs": "kong" });
  assert.equal(config.identity.fingerprintKey, "a-fingerprint-key-of-32-characters");
  assert.deepEqual([...overrides].sort(), [
    "identity.fingerprintKey from TOKENWATCH_FINGERPRINT_KEY",
    "kafka.brokers from TOKENWATCH_KAFKA_BROKERS",
    "kafka.formats from TOKENWATCH_KAFKA_FORMATS",
    "policy.dryRun from TOKENWATCH_POLICY_DRY_RUN",
    "server.port from TOKENWATCH_SERVER_PORT",
  ]);
});

test("every option's variable is TOKENWATCH_ and its path in upper snake case", () => {
  assert.equal(envName(["policy", "revocationTtlMs"]), "TOKENWATCH_POLICY_REVOCATION_TTL_MS");
  assert.equal(envName(["identity", "ipv6PrefixLength"]), "TOKENWATCH_IDENTITY_IPV6_PREFIX_LENGTH");

  const { config } = loadConfig(null, { TOKENWATCH_POLICY_REVOCATION_TTL_MS: "60000" });

  assert.equal(config.policy.revocationTtlMs, 60_000);
});

test("variables of other programs and TOKENWATCH_CONFIG are not configuration", () => {
  const env = { PATH: "/usr/bin", TOKENWATCH_CONFIG: "/etc/tokenwatch.yaml" };

  const { config, overrides } = loadConfig(null, env);

  assert.deepEqual(config, DEFAULTS);
  assert.deepEqual(overrides, []);
});

test("an unknown key in the file fails and names the key", () => {
  const file = yamlFile("kafka:\n  brokerz: [a:1]\n");

  assertConfigError(() => loadConfig(file, {}), file, "kafka", "brokerz");
});

test("an unknown section in the file fails and names it", () => {
  const file = yamlFile("polcy:\n  dryRun: true\n");

  assertConfigError(() => loadConfig(file, {}), "polcy");
});

test("a value of the wrong type fails and names its key", () => {
  const file = yamlFile("server:\n  port: nine thousand\n");

  assertConfigError(() => loadConfig(file, {}), file, "server.port");
});

test("a variable that is not a number where a number is expected fails and names the key", () => {
  assertConfigError(() => loadConfig(null, { TOKENWATCH_SERVER_PORT: "http" }), "server.port");
});

test("a misspelt TOKENWATCH_ variable fails and names the variable", () => {
  const env = { TOKENWATCH_KAFKA_BROKER: "a:1" };

  assertConfigError(() => loadConfig(null, env), "TOKENWATCH_KAFKA_BROKER");
});

test("a YAML syntax error names the file", () => {
  const file = yamlFile("kafka:\n  brokers: [a:1\nserver: {\n");

  assertConfigError(() => loadConfig(file, {}), file, "YAML syntax error");
});

test("a file that is not a mapping of sections fails and names the file", () => {
  const file = yamlFile("- kafka\n- redis\n");

  assertConfigError(() => loadConfig(file, {}), file, "mapping");
});

test("a missing file fails and names its path", () => {
  const file = join(dir, "does-not-exist.yaml");

  assertConfigError(() => loadConfig(file, {}), file);
});

test("the loaded configuration is frozen all the way down", () => {
  const { config } = loadConfig(null, {});
  const brokers = config.kafka.brokers as string[];

  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.kafka));
  assert.ok(Object.isFrozen(brokers));
  assert.throws(() => {
    (config.server as { port: number }).port = 1;
  }, TypeError);
  assert.throws(() => brokers.push("x:1"), TypeError);
  assert.equal(config.server.port, DEFAULTS.server.port);
});

test("a variable that is not a number names the variable, its value and the key", () => {
  const env = { TOKENWATCH_POLICY_REVOKE_SCORE: "abc" };

  assert.throws(() => loadConfig(null, env), {
    message: "TOKENWATCH_POLICY_REVOKE_SCORE=abc: policy.revokeScore expects a number",
  });
});

test("a variable that is not a boolean names the variable and the values it takes", () => {
  assert.throws(() => loadConfig(null, { TOKENWATCH_POLICY_DRY_RUN: "yes" }), {
    message: "TOKENWATCH_POLICY_DRY_RUN=yes: policy.dryRun expects true or false (or 1 or 0)",
  });
});

test("a variable's value out of range names the variable", () => {
  const env = { TOKENWATCH_POLICY_REVOKE_SCORE: "5000" };

  assertConfigError(() => loadConfig(null, env), "TOKENWATCH_POLICY_REVOKE_SCORE=5000: ");
  assertConfigError(() => loadConfig(null, env), "policy.revokeScore: Too big");
});

test("a string variable's value is never echoed, since it may be a secret", () => {
  const env = { TOKENWATCH_FINGERPRINT_KEY: "short-secret" };

  assert.throws(
    () => loadConfig(null, env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /TOKENWATCH_FINGERPRINT_KEY: identity\.fingerprintKey: Too small/);
      assert.equal(err.message.includes("short-secret"), false);
      return true;
    },
  );
});

test("yes for a boolean in the file says YAML 1.2 reads it as text, with the line", () => {
  const file = yamlFile("# tokenwatch\npolicy:\n  revokeScore: 90\n  dryRun: yes\n");

  assert.throws(() => loadConfig(file, {}), {
    message:
      `invalid configuration: ${file}:4, policy.dryRun: Invalid input: expected boolean, ` +
      "received string; YAML 1.2 reads yes as text: write true or false",
  });
});

test("an unknown key in the file is reported at its own line", () => {
  const file = yamlFile("kafka:\n  clientId: tw\n  brokerz: [a:1]\n");

  assertConfigError(() => loadConfig(file, {}), `${file}:3, kafka.brokerz: unknown key`);
});

test("every problem in the file is reported, each with its line", () => {
  const file = yamlFile('redis:\n  url: "http://x"\nkafka:\n  brokers: ["not a broker"]\n');

  assertConfigError(
    () => loadConfig(file, {}),
    `${file}:2, redis.url: must be a redis:// or rediss:// URL, or a unix socket path`,
    `${file}:4, kafka.brokers[0]: must be host:port, e.g. kafka-1:9092`,
  );
});
