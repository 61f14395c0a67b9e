import type { Decision } from "../decide/decision.js";
import type { BatchEffects, Outputs, RejectedInput } from "../pipeline/pipeline.js";
import type { GuardAlert } from "./guard-alert.js";

/** One line of `tokenwatch replay --json`: a decision, flat and stable. */
export interface ReplayDecisionLine {
  readonly ts: number;
  readonly token: string;
  readonly action: Decision["action"];
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly riskScore: number;
  readonly requestedAction: Decision["action"];
  readonly guard: string | null;
  readonly consumerId: string | null;
  readonly credentialId: string | null;
  readonly routeId: string | null;
  readonly line: number;
}

export function replayDecisionLine(decision: Decision): ReplayDecisionLine {
  return {
    ts: decision.ts,
    token: decision.tokenFp,
    action: decision.action,
    ruleId: decision.ruleId,
    ruleVersion: decision.ruleVersion,
    riskScore: decision.riskScore,
    requestedAction: decision.requestedAction,
    guard: decision.guard,
    consumerId: decision.consumerId,
    credentialId: decision.credentialId,
    routeId: decision.routeId,
    line: decision.source.offset,
  };
}

/**
 * Replay's outputs: decisions go to a writer (stdout) as they are made, as
 * JSON lines or readable lines; everything is also kept for the summary.
 * Guard alerts (a revocation storm) are printed in readable mode only: the
 * `--json` lines keep their one documented shape, and a refused revocation
 * still shows there with guard `revocation_budget`.
 */
export class ReplayOutputs implements Outputs {
  readonly decisions: Decision[] = [];
  readonly rejects: RejectedInput[] = [];
  readonly guardAlerts: GuardAlert[] = [];

  constructor(
    private readonly write: (text: string) => void,
    private readonly json: boolean,
  ) {}

  async deliver(effects: BatchEffects): Promise<void> {
    for (const decision of effects.decisions) {
      this.decisions.push(decision);
      this.write(
        this.json ? `${JSON.stringify(replayDecisionLine(decision))}\n` : readable(decision),
      );
    }
    this.rejects.push(...effects.rejects);
    for (const alert of effects.guardAlerts ?? []) {
      this.guardAlerts.push(alert);
      if (!this.json) {
        const when = new Date(alert.ts).toISOString();
        this.write(`${when}  GUARD   ${alert.kind}  ${alert.summary}\n`);
      }
    }
  }
}

function readable(decision: Decision): string {
  const when = new Date(decision.ts).toISOString();
  const who = decision.consumerId ?? decision.credentialId ?? "-";
  const guard = decision.guard ? ` (${decision.guard})` : "";
  const evidence = decision.findings.find(
    (finding) => finding.ruleId === decision.ruleId,
  )?.evidence;
  const numbers = evidence
    ? Object.entries(evidence)
        .map(([key, value]) => `${key}=${value}`)
        .join(" ")
    : "";
  return (
    `${when}  ${decision.action.toUpperCase().padEnd(7)} token ${decision.tokenFp}` +
    `  consumer ${who}  rule ${decision.ruleId}${guard}  ${numbers}\n`
  );
}
