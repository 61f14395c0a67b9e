import { loadConfig } from "../config/load-config.js";
import { UserAgentFamilies } from "../enrich/user-agent-family.js";
import { TokenwatchError } from "../errors.js";
import { isFingerprint } from "../identity/fingerprint.js";
import { explainFromRedis } from "../report/redis-explanation.js";
import { StoryCollector } from "../report/story-collector.js";
import { explainFromStory } from "../report/story-explanation.js";
import { renderExplanation, type TokenExplanation } from "../report/token-explanation.js";
import { connectConfiguredRedis } from "../state/redis-client.js";
import { StateKeys } from "../state/state-keys.js";
import { EXIT } from "./exit-codes.js";
import { replayFile } from "./replay-command.js";

export interface ExplainOptions {
  readonly config?: string;
  /** Replay this file and explain the token as of its end, instead of reading Redis. */
  readonly replay?: string;
  readonly format?: string;
  readonly rules?: string;
  readonly json?: boolean;
}

/**
 * Fingerprints are 16 bytes in base64url (22 characters); gateway
 * credential and consumer ids are fingerprinted the same way. Checking the
 * shape first turns a pasted raw token into a clear error — and keeps it
 * out of Redis commands and logs.
 */

/**
 * `tokenwatch explain <fingerprint>`: a token's current windows, learned
 * baseline and recent decisions, readable. Reads Redis without writing to
 * it, or with `--replay` runs a replay and explains the token as of its
 * end. Output goes to stdout; `--json` prints the same as one object.
 */
export async function explainCommand(tokenFp: string, options: ExplainOptions): Promise<number> {
  if (!isFingerprint(tokenFp)) {
    throw new TokenwatchError(
      "ARGUMENT_INVALID",
      "that is not a token fingerprint; pass the 22-character fingerprint from an alert's " +
        '"token" field or the replay output, never the raw token',
    );
  }

  const explanation = options.replay
    ? await fromReplay(tokenFp, options.replay, options)
    : await fromRedis(tokenFp, options);
  process.stdout.write(
    options.json ? `${JSON.stringify(explanation)}\n` : renderExplanation(explanation),
  );
  return EXIT.OK;
}

async function fromReplay(
  tokenFp: string,
  file: string,
  options: ExplainOptions,
): Promise<TokenExplanation> {
  const collector = new StoryCollector(new UserAgentFamilies(), { onlyToken: tokenFp });
  // Decisions are summarized in the explanation, not printed as they happen.
  await replayFile(file, options, { write: () => {}, collector });

  const explanation = explainFromStory(collector, tokenFp, file);
  if (!explanation) {
    throw new TokenwatchError(
      "TOKEN_UNKNOWN",
      `token ${tokenFp} does not occur in ${file}; check the fingerprint, and that the ` +
        "fingerprint key (TOKENWATCH_FINGERPRINT_KEY) is the one it was made with",
    );
  }
  return explanation;
}

async function fromRedis(tokenFp: string, options: ExplainOptions): Promise<TokenExplanation> {
  const { config } = loadConfig(options.config ?? null);
  const redis = await connectConfiguredRedis(config.redis, {
    timeoutMs: 3_000,
    connectionName: "tokenwatch-explain",
  });
  try {
    return await explainFromRedis(redis, new StateKeys(config.redis.keyPrefix), tokenFp);
  } finally {
    redis.disconnect();
  }
}
