import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { GuardedPolicy, type PolicyGuards } from "../decide/policy.js";
import type { DetectionInput, Detector, Finding } from "../detect/finding.js";
import { loadRules, RuleEngine } from "../detect/index.js";
import { EventEnricher } from "../enrich/event-enricher.js";
import { sharedGeoIp } from "../enrich/geo-ip.js";
import { SharedEgress } from "../enrich/shared-egress.js";
import { TokenClassifier } from "../enrich/token-class.js";
import { UserAgentFamilies } from "../enrich/user-agent-family.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { networkKey } from "../identity/network-key.js";
import { Normalizer } from "../ingest/normalize.js";
import type { Metrics } from "../observe/metrics.js";
import type { TokenStateStore } from "../state/token-state-store.js";
import { type EnforcementWatch, type Outputs, Pipeline } from "./pipeline.js";

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
  /** Budget and its clock; defaults to an in-memory budget over event time (replay). */
  readonly guards?: Omit<PolicyGuards, "config">;
  /** The closed-loop check for revoked tokens still accepted; none in replay. */
  readonly enforcement?: EnforcementWatch;
  /**
   * Sees every token event with its findings, shadow ones included (replay's
   * `--report`). Absent, the rule engine runs unwrapped: no per-event cost.
   */
  readonly onDetection?: (input: DetectionInput, findings: readonly Finding[]) => void;
  /** What the messages are, for the position fields of logs; default Kafka records. */
  readonly input?: "kafka" | "file";
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
    enricher: new EventEnricher({
      networkKey: (ip) => networkKey(ip, prefix) ?? ip,
      userAgents: new UserAgentFamilies(),
      geo: config.enrich.geoip ? sharedGeoIp(config.enrich) : null,
    }),
    classifier: new TokenClassifier(config.enrich),
    sharedEgress: new SharedEgress(parts.store, config.enrich.sharedEgressTokens),
    store: parts.store,
    detectors: [parts.onDetection ? tapped(engine, parts.onDetection) : engine],
    policy: new GuardedPolicy(parts.store, config.policy, parts.metrics, log, {
      config: config.guards,
      ...parts.guards,
    }),
    outputs: parts.outputs,
    metrics: parts.metrics,
    log,
    ...(parts.enforcement ? { enforcement: parts.enforcement } : {}),
    ...(parts.input ? { input: parts.input } : {}),
  });
}

/** A detector that reports each input and its findings to `onDetection`, unchanged. */
function tapped(detector: Detector, onDetection: NonNullable<PipelineParts["onDetection"]>) {
  return {
    id: detector.id,
    detect(input: DetectionInput): Finding[] {
      const findings = detector.detect(input);
      onDetection(input, findings);
      return findings;
    },
  } satisfies Detector;
}
