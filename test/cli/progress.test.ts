import assert from "node:assert/strict";
import { test } from "node:test";
import { createReplayProgress, type ProgressTarget } from "../../src/cli/progress.js";

/** A stand-in for stderr that records what the bar draws. */
function terminal(isTTY: boolean): ProgressTarget & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(""),
  };
}

const COLOR = "\u001b[36m";

test("on a terminal the bar shows percentage, lines, rate and ETA", () => {
  const stream = terminal(true);
  const progress = createReplayProgress({ stream, quiet: false, env: {}, totalBytes: 10_000 });
  progress.advance(1_200, 2_500);
  progress.stop();

  assert.equal(progress.active, true);
  assert.match(stream.text(), /replay .*25% \| 1,200 lines \| [\d,]+ lines\/s \| ETA /);
  assert.ok(stream.text().includes(COLOR));
});

test("stdin has no size, so the bar shows lines and rate but no ETA", () => {
  const stream = terminal(true);
  const progress = createReplayProgress({ stream, quiet: false, env: {}, totalBytes: null });
  progress.advance(300, 9_000);
  progress.stop();

  assert.match(stream.text(), /replay 300 lines \| [\d,]+ lines\/s/);
  assert.doesNotMatch(stream.text(), /ETA/);
});

test("piped output, --quiet and TERM=dumb draw nothing at all", () => {
  const cases = [
    { stream: terminal(false), quiet: false, env: {} },
    { stream: terminal(true), quiet: true, env: {} },
    { stream: terminal(true), quiet: false, env: { TERM: "dumb" } },
  ];
  for (const { stream, quiet, env } of cases) {
    const progress = createReplayProgress({ stream, quiet, env, totalBytes: 100 });
    progress.advance(10, 50);
    progress.stop();

    assert.equal(progress.active, false);
    assert.equal(stream.text(), "");
  }
});

test("NO_COLOR keeps the bar but drops its colour", () => {
  const stream = terminal(true);
  const progress = createReplayProgress({
    stream,
    quiet: false,
    env: { NO_COLOR: "1" },
    totalBytes: 1_000,
  });
  progress.advance(10, 500);
  progress.stop();

  assert.match(stream.text(), /50%/);
  assert.equal(stream.text().includes(COLOR), false);
});

test("text printed during the bar clears the bar's line first", () => {
  const stream = terminal(true);
  const progress = createReplayProgress({ stream, quiet: false, env: {}, totalBytes: 1_000 });
  const seenWhenPrinting: string[] = [];
  progress.interrupt(() => seenWhenPrinting.push(stream.text()));
  progress.stop();

  assert.equal(seenWhenPrinting.length, 1);
  assert.ok(seenWhenPrinting[0]?.endsWith("\r\u001b[2K"));
});
