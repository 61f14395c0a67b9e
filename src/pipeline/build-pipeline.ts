import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { GuardedPolicy } from "../decide/policy.js";
import { loadRules, RuleEngine } from "../detect/index.js";
import { UserAgentFamilies } from "../enrich/user-agent-family.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { networkKey } from "../identity/network-key.js";
import { Normalizer } from "../ingest/normalize.js";
import type { Metrics } from "../observe/metrics.js";
import type { TokenStateStore } from "../state/token-state-store.js";
import { type Outputs, Pipeline } from "./pipeline.js";

export interface PipelineParts {
  readonly config: Config;
  readonly fingerprinter: Fingerprinter;
  readonly store: TokenStateStore;
  readonly outputs: Outputs;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Rules directory; defaults to `rules.dir` from the configuration. */
  readonly rulesDir?: string;
  /** Per-stream forced formats; defaults to `kafka.formats` from the configuration. */
  readonly forcedFormats?: Readonly<Record<string, string>>;
  readonly now?: () => number;
}

/**
 * Assemble the pipeline the same way for `run` and `replay`, so both make the
 * same decisions on the same events. Rules are loaded and compiled here, once:
 * a broken rule file stops start-up with its file, line, rule and field.
 */
export async function buildPipeline(parts: PipelineParts): Promise<Pipeline> {
  const { config, log } = parts;
  const ruleSet = await loadRules(parts.rulesDir ?? config.rules.dir);
  const engine = new RuleEngine(ruleSet, {
    onError: (rule, err) => log.warn({ ruleId: rule.id, err }, "rule evaluation failed"),
  });

  const forced = parts.forcedFormats ?? config.kafka.formats;
  const normalizer = new Normalizer(config, parts.fingerprinter, forced, parts.now);
  const prefix = config.identity.ipv6PrefixLength;

  return new Pipeline({
    normalizer,
    networkKey: (ip) => networkKey(ip, prefix) ?? ip,
    userAgents: new UserAgentFamilies(),
    store: parts.store,
    detectors: [engine],
    policy: new GuardedPolicy(parts.store, config.policy, parts.metrics, log),
    outputs: parts.outputs,
    metrics: parts.metrics,
    log,
  });
}
