import assert from "node:assert/strict";
import { test } from "node:test";
import { builtinVariables, substitute } from "../../scripts/dashboard-queries.js";

/*
 * The shipped dashboard uses fixed windows today, so the deploy integration
 * test never meets a Grafana variable; these keep the substitution honest for
 * the day a panel uses one.
 */

const builtins = builtinVariables({
  intervalSeconds: 30,
  rangeSeconds: 3600,
  scrapeIntervalSeconds: 15,
});

test("Grafana's built-in variables become concrete PromQL durations", () => {
  assert.equal(
    substitute("rate(x[$__rate_interval]) + increase(y[$__range]) * $__range_s", builtins),
    "rate(x[60s]) + increase(y[3600s]) * 3600",
  );
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${name} syntax, not JS
  assert.equal(substitute("rate(x[${__interval}])", builtins), "rate(x[30s])");
});

test("template variables are replaced in every Grafana syntax, longest name first", () => {
  const vars = { job: "tokenwatch", job_name: "other" };
  assert.equal(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${name} syntax, not JS
    substitute('up{job="$job", a="${job}", b="[[job]]", c="${job:regex}", d="$job_name"}', vars),
    'up{job="tokenwatch", a="tokenwatch", b="tokenwatch", c="tokenwatch", d="other"}',
  );
});

test("a variable with no value is an error, not a query Prometheus rejects later", () => {
  assert.throws(() => substitute('up{job="$cluster"}', builtins), /\$cluster/);
});
