import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { maskSecrets } from "../../src/cli/config-command.js";
import { loadConfig } from "../../src/config/load-config.js";
import { type Config, configSchema } from "../../src/config/schema.js";

const KEY = "fingerprint-key-Zp4Rv8Ns3Jd6Hc1B";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "tw-config-check-"));

/** `tokenwatch config check` of a file holding `yaml`, run as the built CLI. */
function configCheck(yaml: string) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("TOKENWATCH_")) delete env[name];
  const result = spawnSync(process.execPath, [MAIN, "config", "check", file], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, file };
}
const MASK = "********";

function configWith(redisUrl: string, fingerprintKey: string | null = KEY): Config {
  return configSchema.parse({ redis: { url: redisUrl }, identity: { fingerprintKey } });
}

function section(masked: Record<string, unknown>, name: string): Record<string, unknown> {
  return masked[name] as Record<string, unknown>;
}

test("the fingerprint key is masked", () => {
  const masked = maskSecrets(configWith("redis://127.0.0.1:6379"));

  assert.equal(section(masked, "identity").fingerprintKey, MASK);
  assert.ok(!JSON.stringify(masked).includes(KEY));
});

test("an unset fingerprint key stays null, so the output shows it is missing", () => {
  const masked = maskSecrets(configWith("redis://127.0.0.1:6379", null));

  assert.equal(section(masked, "identity").fingerprintKey, null);
});

test("the credentials in a redis URL are masked, host, port and database kept", () => {
  const cases = [
    ["redis://default:s3cretPass@redis.internal:6379/2", `redis://${MASK}@redis.internal:6379/2`],
    ["rediss://:s3cretPass@redis.internal:6380", `rediss://${MASK}@redis.internal:6380`],
  ];

  for (const [url, expected] of cases) {
    assert.equal(section(maskSecrets(configWith(url as string)), "redis").url, expected);
  }
});

test("a password holding an unencoded @ is masked whole", () => {
  // WHATWG URL (and so ioredis) splits user info from the host at the last @.
  const url = "redis://:pa@ss@w0rd@redis.internal:6379/0";
  assert.equal(new URL(url).hostname, "redis.internal");

  const masked = section(maskSecrets(configWith(url)), "redis").url;

  assert.equal(masked, `redis://${MASK}@redis.internal:6379/0`);
});

test("a redis URL without credentials and a socket path are left as they are", () => {
  for (const url of ["redis://127.0.0.1:6379/0", "/var/run/redis/redis.sock"]) {
    assert.equal(section(maskSecrets(configWith(url)), "redis").url, url);
  }
});

test("masking works on the frozen loaded configuration and leaves it untouched", () => {
  const { config } = loadConfig(null, {
    TOKENWATCH_FINGERPRINT_KEY: KEY,
    TOKENWATCH_REDIS_URL: "redis://user:s3cretPass@redis:6379",
  });

  const masked = maskSecrets(config);

  assert.equal(section(masked, "identity").fingerprintKey, MASK);
  assert.equal(section(masked, "redis").url, `redis://${MASK}@redis:6379`);
  assert.equal(config.identity.fingerprintKey, KEY);
  assert.equal(config.redis.url, "redis://user:s3cretPass@redis:6379");
});

test("the signing key, the revocation bearer and every webhook secret are masked", () => {
  const secrets = {
    signingKey: "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG-PLANTED\n-----END PRIVATE KEY-----",
    httpBearer: "idp-bearer-PLANTED-0001",
    hook: "webhook-secret-PLANTED-0001",
  };
  const config = configSchema.parse({
    revocations: { signingKey: secrets.signingKey, httpBearer: secrets.httpBearer },
    webhooks: {
      endpoints: [{ name: "pager", url: "https://hooks.example.com/tw", secret: secrets.hook }],
    },
  });

  const masked = maskSecrets(config);
  const text = JSON.stringify(masked);

  assert.equal(section(masked, "revocations").signingKey, MASK);
  assert.equal(section(masked, "revocations").httpBearer, MASK);
  const endpoints = section(masked, "webhooks").endpoints as Array<Record<string, unknown>>;
  assert.equal(endpoints[0]?.secret, MASK);
  assert.equal(endpoints[0]?.url, `https://hooks.example.com/${MASK}`, "host kept, path masked");
  for (const secret of Object.values(secrets)) assert.equal(text.includes(secret), false);
});

test("action settings can be overridden from the environment, lists comma-separated", () => {
  const { config } = loadConfig(null, {
    TOKENWATCH_GUARDS_ALLOWLIST_CIDRS: "10.0.0.0/8, 192.0.2.0/24",
    TOKENWATCH_GUARDS_ALLOWLIST_ASNS: "64500,64501",
    TOKENWATCH_GUARDS_REVOCATIONS_PER_MINUTE: "3",
    TOKENWATCH_ALERTMANAGER_URL: "http://alertmanager:9093",
  });

  assert.deepEqual(config.guards.allowlist.cidrs, ["10.0.0.0/8", "192.0.2.0/24"]);
  assert.deepEqual(config.guards.allowlist.asns, [64500, 64501]);
  assert.equal(config.guards.revocationsPerMinute, 3);
  assert.equal(config.alertmanager.url, "http://alertmanager:9093");
  assert.equal(config.guards.revocationsPerConsumerPerMinute, 5, "defaults stay");
});

test("the bundled example configuration is valid and starts in dry-run", () => {
  const example = new URL("../../examples/tokenwatch.yaml", import.meta.url).pathname;
  const { config } = loadConfig(example);

  assert.equal(config.policy.dryRun, true);
  assert.deepEqual(config.kafka.topics, ["gateway-logs"]);
  assert.equal(config.identity.fingerprintKey, null);
});

test("config check refuses a redis URL that is not redis://, rediss:// or a socket path", () => {
  const { code, stderr, file } = configCheck('redis:\n  url: "http://x"\n');

  assert.equal(code, 2);
  assert.match(
    stderr,
    /redis\.url: must be a redis:\/\/ or rediss:\/\/ URL, or a unix socket path/,
  );
  assert.ok(stderr.includes(file));
});

test("config check refuses a Kafka broker that is not host:port and says which one", () => {
  const { code, stderr } = configCheck('kafka:\n  brokers: ["kafka-1:9092", "not a broker"]\n');

  assert.equal(code, 2);
  assert.match(stderr, /kafka\.brokers\[1\]: must be host:port, e\.g\. kafka-1:9092/);
});

test("config check says when the rules folder does not exist", () => {
  const { code, stdout, stderr } = configCheck("rules:\n  dir: /nonexistent\n");

  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /^tokenwatch: rules\.dir: the folder \/nonexistent does not exist; set/);
});

test("config check accepts TLS, socket and bracketed IPv6 targets", () => {
  const yaml =
    'redis:\n  url: "rediss://redis.internal:6380/1"\n' +
    'kafka:\n  brokers: ["[::1]:9092", "10.0.0.7:9093"]\n';

  const { code, stderr } = configCheck(yaml);

  assert.equal(code, 0, stderr);
  assert.equal(configCheck('redis:\n  url: "/var/run/redis/redis.sock"\n').code, 0);
});

test("webhook URLs keep only their host, other URLs lose user info and query", () => {
  const config = configSchema.parse({
    alertmanager: { url: "http://ops:am-Pass-1@alertmanager:9093" },
    revocations: { httpUrl: "https://idp.example/revoke?key=rev-Key-2" },
    webhooks: {
      endpoints: [{ name: "chat", url: "https://hooks.example.com/T0/hook-Token-3", secret: KEY }],
    },
  });

  const masked = maskSecrets(config);

  assert.equal(section(masked, "alertmanager").url, `http://${MASK}@alertmanager:9093`);
  assert.equal(section(masked, "revocations").httpUrl, `https://idp.example/revoke?${MASK}`);
  const text = JSON.stringify(masked);
  for (const secret of ["am-Pass-1", "rev-Key-2", "hook-Token-3", KEY]) {
    assert.ok(!text.includes(secret), secret);
  }
  assert.ok(text.includes(`"https://hooks.example.com/${MASK}"`));
});
