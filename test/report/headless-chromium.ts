import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's chromium package; `.ci/run` installs it. Playwright never downloads a browser here. */
export const CHROMIUM = "/usr/bin/chromium";

/*
 * Flags that make Chromium start cleanly on a closed network as root: no
 * sandbox (root), no GPU, and none of the background services that would
 * try to reach Google at start-up.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Start headless Debian Chromium with a new empty profile. Fails with the
 * fix in the message when the package is missing, rather than skipping:
 * a report test that silently does not run proves nothing.
 */
export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing; install it with: apt-get install -y chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), "tokenwatch-chromium-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
}
