import type { IdentityConfig, InputConfig } from "../config/schema.js";
import { ConfigError, RejectedInputError, type RejectReason } from "../errors.js";
import { credentialValues } from "../identity/extract-token.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { identify } from "../identity/identify.js";
import { parseClientIp } from "../identity/network-key.js";
import { Redactor } from "../identity/redact.js";
import type { CanonicalEvent, EventSource } from "./canonical-event.js";
import { type DecodedItem, decodeMessage } from "./decode.js";
import { FieldMaps } from "./field-map.js";
import type { JsonRecord } from "./formats/fields.js";
import { detectFormat, FORMAT_NAMES, formatByName } from "./formats/registry.js";
import type { GatewayFormat, ParsedRequest } from "./gateway-format.js";

export { FORMAT_NAMES };

/** Where a message came from: a Kafka record, or a line of a replay file. */
export interface MessagePosition {
  readonly stream: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * An event set aside, with what the dead-letter topic needs. `message` is
 * built from field names and limits only. `redactedPayload` is the record with
 * every credential removed, cut to a few KB, or `null` when the bytes could
 * not be parsed and so cannot be redacted with confidence.
 */
export interface Rejected {
  readonly reason: RejectReason;
  readonly message: string;
  readonly source: EventSource;
  readonly format: string | null;
  readonly redactedPayload: string | null;
}

export interface NormalizeResult {
  readonly events: CanonicalEvent[];
  readonly rejects: Rejected[];
}

const MAX_FORWARDED = 32;

/**
 * Turns raw messages into canonical events: decode → detect or force the
 * format → parse → identify → validate. It never throws: whatever a message
 * holds, each event in it ends up either in `events` or in `rejects`.
 *
 * Canonical events carry no headers, no query values and no raw token; the
 * free-text fields they copy from the request (path, user agent, ids) are
 * scrubbed of every credential value found in the same record, and the path
 * and query names also of long random-looking runs (magic links, keys in
 * paths).
 */
export class Normalizer {
  readonly #identity: IdentityConfig;
  readonly #input: InputConfig;
  readonly #fingerprinter: Fingerprinter;
  readonly #forced: ReadonlyMap<string, GatewayFormat>;
  readonly #fieldMaps: FieldMaps;
  readonly #now: () => number;
  readonly #redactor: Redactor;

  /**
   * @param forcedFormats per-stream format names (`{ "kong-logs": "kong" }`);
   *   other streams are auto-detected. An unknown name is a `ConfigError`.
   * @param now wall clock for the `maxFutureMs` / `maxAgeMs` checks.
   */
  constructor(
    config: { readonly identity: IdentityConfig; readonly input: InputConfig },
    fingerprinter: Fingerprinter,
    forcedFormats: Readonly<Record<string, string>> = {},
    now: () => number = Date.now,
  ) {
    this.#identity = config.identity;
    this.#input = config.input;
    this.#fingerprinter = fingerprinter;
    this.#now = now;
    this.#redactor = new Redactor(config.identity);
    this.#forced = resolveForced(forcedFormats);
    this.#fieldMaps = new FieldMaps(config.input.fieldMaps ?? {});
  }

  normalize(message: Buffer | string, position: MessagePosition): NormalizeResult {
    const events: CanonicalEvent[] = [];
    const rejects: Rejected[] = [];
    // Defaults only matter to callers outside the type system; normalize must not throw.
    const at = (index: number): EventSource => ({
      stream: position?.stream ?? "",
      partition: position?.partition ?? 0,
      offset: position?.offset ?? 0,
      index,
    });

    let items: DecodedItem[];
    try {
      items = decodeMessage(message, this.#input);
    } catch {
      items = [{ index: 0, reject: { reason: "wrong_shape", message: "message is unreadable" } }];
    }

    for (const item of items) {
      const source = at(item.index);
      if ("reject" in item) {
        rejects.push(rejected(item.reject.reason, item.reject.message, source, null, null));
        continue;
      }

      let outcome: CanonicalEvent | Rejected;
      try {
        outcome = this.#normalizeRecord(item.record, source);
      } catch {
        // A bug, not bad input: keep the position, drop the payload rather than risk a secret.
        outcome = rejected("invalid_field", "record could not be normalized", source, null, null);
      }

      if ("reason" in outcome) {
        rejects.push(outcome);
      } else {
        events.push(outcome);
      }
    }

    return { events, rejects };
  }

  #normalizeRecord(record: JsonRecord, source: EventSource): CanonicalEvent | Rejected {
    const format =
      this.#forced.get(source.stream) ?? detectFormat(record) ?? this.#fieldMaps.detect(record);
    if (!format) {
      return this.#reject(
        "unknown_format",
        "no known gateway format matches",
        source,
        null,
        record,
      );
    }

    let parsed: ParsedRequest;
    try {
      parsed = format.parse(this.#fieldMaps.apply(format, record));
    } catch (error) {
      const reason = error instanceof RejectedInputError ? error.reason : "invalid_field";
      const message =
        error instanceof RejectedInputError ? error.message : `unreadable ${format.name} record`;
      return this.#reject(reason, message, source, format.name, record);
    }

    const secrets = credentialValues(parsed.credentials, this.#identity).sort(
      (a, b) => b.length - a.length,
    );
    const reject = (reason: RejectReason, message: string) =>
      this.#reject(reason, message, source, format.name, record, secrets);

    if (parsed.ts === null) {
      return reject("missing_time", "record has no event time");
    }
    const clientIp = parsed.clientIp === null ? null : parseClientIp(parsed.clientIp);
    if (clientIp === null) {
      return reject("missing_client_ip", "record has no valid client IP");
    }
    const range = this.#checkTime(parsed.ts);
    if (range) {
      return reject("time_out_of_range", range);
    }

    const token = identify(parsed, this.#identity, this.#fingerprinter);
    return this.#toEvent(parsed, format.name, { ts: parsed.ts, clientIp, token, source }, secrets);
  }

  #checkTime(ts: number): string | null {
    const now = this.#now();
    if (ts > now + this.#input.maxFutureMs) {
      return `event time more than ${this.#input.maxFutureMs} ms in the future`;
    }
    if (this.#input.maxAgeMs > 0 && ts < now - this.#input.maxAgeMs) {
      return `event time more than ${this.#input.maxAgeMs} ms in the past`;
    }
    return null;
  }

  #toEvent(
    parsed: ParsedRequest,
    format: string,
    known: Pick<CanonicalEvent, "ts" | "clientIp" | "token" | "source">,
    secrets: readonly string[],
  ): CanonicalEvent {
    const { ts, clientIp, token, source } = known;
    const text = (value: string | null) =>
      value === null ? null : this.#redactor.scrubText(value, secrets);

    const forwardedFor = parsed.forwardedFor
      .slice(0, MAX_FORWARDED)
      .map((ip) => parseClientIp(ip))
      .filter((ip): ip is string => ip !== null);
    const queryKeys = [
      ...new Set(parsed.queryKeys.map((key) => this.#redactor.scrubOpaque(key, secrets))),
    ];

    return {
      ts,
      requestId: text(parsed.requestId),
      gateway: this.#redactor.scrubText(parsed.gateway, secrets),
      format,
      source,
      clientIp,
      forwardedFor,
      userAgent: text(parsed.userAgent),
      method: text(parsed.method),
      scheme: text(parsed.scheme),
      host: text(parsed.host),
      path: parsed.path === null ? null : this.#redactor.scrubOpaque(parsed.path, secrets),
      queryKeys,
      status: parsed.status,
      latencyMs: parsed.latencyMs,
      routeId: text(parsed.routeId),
      serviceId: text(parsed.serviceId),
      consumerId: text(parsed.consumerId),
      credentialId: text(parsed.credentialId),
      token,
    };
  }

  #reject(
    reason: RejectReason,
    message: string,
    source: EventSource,
    format: string | null,
    record: JsonRecord,
    secrets: readonly string[] = [],
  ): Rejected {
    let payload: string | null;
    try {
      payload = this.#redactor.redactRecord(record, secrets);
    } catch {
      payload = null;
    }
    return rejected(reason, message, source, format, payload);
  }
}

function rejected(
  reason: RejectReason,
  message: string,
  source: EventSource,
  format: string | null,
  redactedPayload: string | null,
): Rejected {
  return { reason, message, source, format, redactedPayload };
}

function resolveForced(names: Readonly<Record<string, string>>): Map<string, GatewayFormat> {
  const forced = new Map<string, GatewayFormat>();
  for (const [stream, name] of Object.entries(names)) {
    const format = formatByName(name);
    if (!format) {
      throw new ConfigError(
        `kafka.formats: stream "${stream}" names unknown format "${name}"; ` +
          `use one of ${FORMAT_NAMES.join(", ")}`,
      );
    }
    forced.set(stream, format);
  }
  return forced;
}
