/**
 * One error hierarchy for the whole service. Every error carries a stable
 * `code` (`AREA_PROBLEM`), whether retrying the same work may succeed, and
 * the underlying cause. Retry loops read `retriable`; nothing parses messages.
 *
 * Messages must never contain a raw token: build them from field names,
 * fingerprints and positions only.
 */
export class TokenwatchError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(
    code: string,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Configuration that cannot be used; the message says which key and what to change. */
export class ConfigError extends TokenwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("CONFIG_INVALID", message, options);
  }
}

/** A rule file that cannot be loaded; carries file, line, rule and field. */
export class RuleError extends TokenwatchError {
  readonly file: string;
  readonly line: number | null;
  readonly ruleId: string | null;
  readonly field: string | null;

  constructor(
    where: { file: string; line?: number | null; ruleId?: string | null; field?: string | null },
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    const parts = [where.file + (where.line ? `:${where.line}` : "")];
    if (where.ruleId) parts.push(`rule ${where.ruleId}`);
    if (where.field) parts.push(`field ${where.field}`);
    super("RULE_INVALID", `${parts.join(", ")}: ${reason}`, options);
    this.file = where.file;
    this.line = where.line ?? null;
    this.ruleId = where.ruleId ?? null;
    this.field = where.field ?? null;
  }
}

/**
 * Why an input message or event was set aside. These are the values of the
 * `reason` label on `tokenwatch_events_rejected_total`, so the set is closed.
 */
export const REJECT_REASONS = [
  "invalid_utf8",
  "invalid_json",
  "oversized",
  "too_deep",
  "wrong_shape",
  "unknown_format",
  "missing_time",
  "missing_client_ip",
  "time_out_of_range",
  "invalid_field",
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** Input that cannot become a canonical event. Never retriable: the same bytes fail again. */
export class RejectedInputError extends TokenwatchError {
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string) {
    super(`INPUT_${reason.toUpperCase()}`, message);
    this.reason = reason;
  }
}

/** A dependency (Redis, Kafka, an HTTP sink) failed; the work may succeed later. */
export class DependencyError extends TokenwatchError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: true });
  }
}
