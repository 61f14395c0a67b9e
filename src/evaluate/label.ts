import { readFileSync } from "node:fs";
import { z } from "zod";
import { TokenwatchError } from "../errors.js";

/*
 * The ground truth of labelled traffic: one JSON line per token. A token
 * is named by its fingerprint (HMAC with the configured key), never by its
 * secret, so a label file can be shared and stored like a report.
 */

const labelSchema = z
  .object({
    fingerprint: z.string().min(1),
    scenario: z.string().min(1),
    /** `benign` tokens are only ever used by their owner. */
    family: z.enum(["benign", "sharing", "theft", "abuse", "exposure"]),
    /** What tokenwatch should do: nothing, at least an alert, or a revocation. */
    expect: z.enum(["none", "alert", "revoke"]),
    /** Event time of the first attacker (or exposed) request; null for benign tokens. */
    attackStart: z.number().nullable(),
    attackEnd: z.number().nullable(),
    /** Client addresses the attack came from; the evaluator counts their requests. */
    attackerIps: z.array(z.string()),
    attackRequests: z.number().int().nonnegative(),
    /** Days on which the owner used the token: the denominator of false-revocation rates. */
    benignDays: z.number().int().nonnegative(),
    requests: z.number().int().nonnegative(),
  })
  .strict();

/** What the label file says about one token. */
export type TokenLabel = z.infer<typeof labelSchema>;

/** Whether a label describes a token that something is wrong with. */
export function isAttack(label: TokenLabel): boolean {
  return label.family !== "benign" && label.attackStart !== null;
}

/** One label as its NDJSON line. */
export function labelLine(label: TokenLabel): string {
  return `${JSON.stringify(label)}\n`;
}

/** Read a label file; a bad line fails with its number and what is wrong with it. */
export function readLabels(path: string): Map<string, TokenLabel> {
  const labels = new Map<string, TokenLabel>();
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const parsed = labelSchema.safeParse(parseJson(line));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LabelFileError(`${path}:${index + 1}: ${issue?.path.join(".")} ${issue?.message}`);
    }
    labels.set(parsed.data.fingerprint, parsed.data);
  });
  return labels;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** A label file that cannot be read as labels; the user fixes the file (exit code 2). */
export class LabelFileError extends TokenwatchError {
  constructor(message: string) {
    super("ARGUMENT_INVALID", `label file ${message}`);
  }
}
