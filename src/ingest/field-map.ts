import { ConfigError } from "../errors.js";
import type { JsonRecord } from "./formats/fields.js";
import { FORMAT_NAMES, formatByName } from "./formats/registry.js";
import type { GatewayFormat } from "./gateway-format.js";

/**
 * Operator-defined layouts (an APISIX `log_format`, an NGINX `log_format …
 * escape=json`) name their fields freely. A field map says, per format,
 * which of the operator's fields holds each field the parser reads:
 *
 *   input.fieldMaps: { nginx: { remote_addr: client, msec: ts_epoch } }
 *
 * reads the operator's `client` as `remote_addr`. Mapping copies values; the
 * original fields stay, so credential redaction still sees them.
 */
export class FieldMaps {
  readonly #maps: ReadonlyArray<{ format: GatewayFormat; map: Readonly<Record<string, string>> }>;

  constructor(maps: Readonly<Record<string, Readonly<Record<string, string>>>>) {
    this.#maps = Object.entries(maps).map(([name, map]) => {
      const format = formatByName(name);
      if (!format) {
        throw new ConfigError(
          `input.fieldMaps: unknown format "${name}"; use one of ${FORMAT_NAMES.join(", ")}`,
        );
      }
      return { format, map };
    });
  }

  /** The record as `format` should read it. */
  apply(format: GatewayFormat, record: JsonRecord): JsonRecord {
    const entry = this.#maps.find((candidate) => candidate.format === format);
    return entry ? rename(record, entry.map) : record;
  }

  /**
   * The first mapped format that recognizes the record once mapped: custom
   * layouts usually lack the field names auto-detection looks for.
   */
  detect(record: JsonRecord): GatewayFormat | null {
    for (const { format, map } of this.#maps) {
      if (format.matches(rename(record, map))) return format;
    }
    return null;
  }
}

function rename(record: JsonRecord, map: Readonly<Record<string, string>>): JsonRecord {
  const mapped: Record<string, unknown> = { ...record };
  for (const [ours, theirs] of Object.entries(map)) {
    if (Object.hasOwn(record, theirs)) mapped[ours] = record[theirs];
  }
  return mapped;
}
