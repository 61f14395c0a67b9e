import { type DestinationStream, type Logger, pino } from "pino";

/**
 * The root logger. Fields are fixed across components (`topic`, `partition`,
 * `offset`, `tokenFp`, `ruleId`, `err`); each component takes a child with
 * `component` set. Levels follow the outcome: `error` means a person must
 * act, `warn` means degraded, `info` is lifecycle, `debug` is per event.
 *
 * Nothing that reaches a logger may hold a raw token. As a second line of
 * defence, fields that commonly carry credentials are redacted by path.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "tokenwatch" },
    redact: {
      paths: [
        "authorization",
        "*.authorization",
        "headers",
        "*.headers",
        "token.raw",
        "apikey",
        "*.apikey",
        "cookie",
        "*.cookie",
      ],
      censor: "[REDACTED]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
