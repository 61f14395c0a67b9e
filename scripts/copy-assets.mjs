// tsc only emits JavaScript; the Lua scripts that the Redis store loads at
// start-up, and the backtest report's page script and style, live beside
// their TypeScript sources and are copied next to the compiled files here.
import { cpSync, existsSync } from "node:fs";

if (existsSync("src/state/lua")) {
  cpSync("src/state/lua", "dist/state/lua", { recursive: true });
}
if (existsSync("src/report/assets")) {
  cpSync("src/report/assets", "dist/report/assets", { recursive: true });
}
