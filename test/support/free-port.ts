import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now. The kernel picks
 * it; another process could still take it before the caller binds, which the
 * callers accept for test services.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port assigned");
  return address.port;
}
