import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";

/** How the receiver answers one request. */
export type Behaviour = "accept" | "fail" | "reject" | "timeout";

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Wall-clock arrival, epoch ms. */
  readonly at: number;
  readonly behaviour: Behaviour;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) that answers requests in the
 * scripted order — `fail` is 500, `reject` is 400, `timeout` never answers
 * (until close) — and then `then` for every later request. It records every
 * request with its raw body, so tests can verify signatures byte for byte.
 */
export async function startReceiver(
  script: readonly Behaviour[],
  then: Behaviour = "accept",
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const behaviour = script[requests.length] ?? then;
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        behaviour,
      });
      if (behaviour === "timeout") {
        hanging.add(res);
        return;
      }
      const status = behaviour === "accept" ? 200 : behaviour === "fail" ? 500 : 400;
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
