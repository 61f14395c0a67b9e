import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Logger } from "pino";
import { type DenylistLookup, denylistRoute, extAuthzRoute } from "./denylist-routes.js";
import type { Metrics } from "./metrics.js";

/** A readiness probe: resolves to null when ready, or a short reason when not. */
export type ReadinessCheck = () => Promise<string | null>;

/**
 * Serves `/metrics` (Prometheus text format), `/healthz` (the process is
 * alive) and `/readyz` (Kafka and the state store are reachable); with a
 * denylist, also `GET /v1/denylist/<fingerprint>` and `/v1/ext-authz/*`
 * (see denylist-routes.ts). Nothing else.
 */
export class HttpServer {
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    private readonly readiness: ReadinessCheck,
    private readonly log: Logger,
    private readonly denylist: DenylistLookup | null = null,
    /** Called before each scrape, e.g. to refresh gauges read from Redis. */
    private readonly beforeScrape: (() => Promise<void>) | null = null,
  ) {}

  /** Start listening; resolves with the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.route(req.url ?? "/", req.headers)
        .then(({ status, type, body }) => {
          res.writeHead(status, { "content-type": type });
          res.end(body);
        })
        .catch((err: unknown) => {
          this.log.warn({ err }, "http handler failed");
          res.writeHead(500).end();
        });
    });
    this.server = server;

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
    const address = server.address();
    const bound = typeof address === "object" && address ? address.port : port;
    this.log.info({ host, port: bound }, "http server listening");
    return bound;
  }

  private async route(
    url: string,
    headers: IncomingHttpHeaders,
  ): Promise<{ status: number; type: string; body: string }> {
    const path = url.split("?")[0] ?? "/";
    if (this.denylist && path.startsWith("/v1/denylist/")) {
      return denylistRoute(this.denylist, path);
    }
    if (this.denylist && (path === "/v1/ext-authz" || path.startsWith("/v1/ext-authz/"))) {
      return extAuthzRoute(this.denylist, { headers, url });
    }
    if (path === "/metrics") {
      // Prometheus reads readiness from the scrape, not from /readyz: evaluate it here too.
      await this.refreshReady().catch(() => this.metrics.ready.set(0));
      if (this.beforeScrape) {
        // A scrape must not fail because Redis is slow; stale gauges are fine.
        await this.beforeScrape().catch((err: unknown) =>
          this.log.warn({ err }, "refreshing metrics before scrape failed"),
        );
      }
      const body = await this.metrics.registry.metrics();
      return { status: 200, type: this.metrics.registry.contentType, body };
    }
    if (path === "/healthz") return { status: 200, type: "text/plain", body: "ok\n" };
    if (path === "/readyz") {
      const reason = await this.refreshReady();
      return reason === null
        ? { status: 200, type: "text/plain", body: "ready\n" }
        : { status: 503, type: "text/plain", body: `not ready: ${reason}\n` };
    }
    return { status: 404, type: "text/plain", body: "not found\n" };
  }

  /** Evaluate readiness and publish it as `tokenwatch_ready`; null when ready. */
  private async refreshReady(): Promise<string | null> {
    const reason = await this.readiness();
    this.metrics.ready.set(reason === null ? 1 : 0);
    return reason;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
