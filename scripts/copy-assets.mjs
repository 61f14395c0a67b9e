// tsc only emits JavaScript; the Lua scripts that the Redis store loads at
// start-up live beside their TypeScript sources and are copied next to the
// compiled files here.
import { cpSync, existsSync } from "node:fs";

if (existsSync("src/state/lua")) {
  cpSync("src/state/lua", "dist/state/lua", { recursive: true });
}
