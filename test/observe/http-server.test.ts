import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { HttpServer, type ReadinessCheck } from "../../src/observe/http-server.js";
import { Metrics } from "../../src/observe/metrics.js";

const log = pino({ level: "silent" });

/** Start a server on a free port, run `body` against its base URL, then close it. */
async function withServer(
  readiness: ReadinessCheck,
  body: (base: string, metrics: Metrics) => Promise<void>,
): Promise<void> {
  const metrics = new Metrics();
  const server = new HttpServer(metrics, readiness, log);
  const port = await server.listen("127.0.0.1", 0);
  try {
    await body(`http://127.0.0.1:${port}`, metrics);
  } finally {
    await server.close();
  }
}

const ready: ReadinessCheck = async () => null;

test("/metrics serves the Prometheus text with every reject reason at zero", async () => {
  await withServer(ready, async (base, metrics) => {
    const response = await fetch(`${base}/metrics`);
    const text = await response.text();

    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), metrics.registry.contentType);
    assert.ok(text.includes('tokenwatch_events_rejected_total{reason="invalid_json"} 0\n'));
    assert.ok(text.includes('tokenwatch_events_rejected_total{reason="oversized"} 0\n'));
  });
});

test("/metrics shows counts as they change", async () => {
  await withServer(ready, async (base, metrics) => {
    metrics.eventsRejected.inc({ reason: "invalid_json" }, 3);

    const text = await (await fetch(`${base}/metrics`)).text();

    assert.ok(text.includes('tokenwatch_events_rejected_total{reason="invalid_json"} 3\n'));
  });
});

test("/healthz answers 200 whatever the readiness", async () => {
  await withServer(
    async () => "redis unreachable",
    async (base) => {
      const response = await fetch(`${base}/healthz`);

      assert.equal(response.status, 200);
      assert.equal(await response.text(), "ok\n");
    },
  );
});

test("/readyz answers 200 and sets tokenwatch_ready to 1 when the check passes", async () => {
  await withServer(ready, async (base, metrics) => {
    const response = await fetch(`${base}/readyz`);

    assert.equal(response.status, 200);
    assert.equal(await response.text(), "ready\n");
    assert.equal((await metrics.ready.get()).values[0]?.value, 1);
  });
});

test("/readyz answers 503 with the reason and sets tokenwatch_ready to 0 otherwise", async () => {
  await withServer(
    async () => "kafka consumer not running",
    async (base, metrics) => {
      metrics.ready.set(1);
      const response = await fetch(`${base}/readyz?verbose=1`);

      assert.equal(response.status, 503);
      assert.equal(await response.text(), "not ready: kafka consumer not running\n");
      assert.equal((await metrics.ready.get()).values[0]?.value, 0);
    },
  );
});

test("a scrape of /metrics reports readiness without anyone calling /readyz", async () => {
  let reason: string | null = null;
  await withServer(
    async () => reason,
    async (base) => {
      const readyLine = async () =>
        (await (await fetch(`${base}/metrics`)).text())
          .split("\n")
          .find((line) => line.startsWith("tokenwatch_ready "));

      assert.equal(await readyLine(), "tokenwatch_ready 1");
      reason = "redis is reconnecting";
      assert.equal(await readyLine(), "tokenwatch_ready 0");
    },
  );
});

test("a failing readiness check answers 500 and the server keeps serving", async () => {
  await withServer(
    async () => {
      throw new Error("probe exploded");
    },
    async (base) => {
      const failed = await fetch(`${base}/readyz`);
      await failed.arrayBuffer();
      const health = await fetch(`${base}/healthz`);

      assert.equal(failed.status, 500);
      assert.equal(health.status, 200);
    },
  );
});

test("any other path answers 404", async () => {
  await withServer(ready, async (base) => {
    for (const path of ["/", "/metrics/extra", "/admin"]) {
      const response = await fetch(`${base}${path}`);

      assert.equal(response.status, 404, path);
      assert.equal(await response.text(), "not found\n");
    }
  });
});
