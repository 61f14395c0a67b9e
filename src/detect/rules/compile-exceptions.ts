import { CidrSet } from "../cidr-set.js";
import type { DetectionInput } from "../finding.js";
import type { RuleLocation, RuleSource } from "./rule-source.js";
import type { ExceptionSpec } from "./rule-spec.js";

/**
 * One compiled exception. A field that is `null` was not set and matches
 * anything; a set field must match. ASN and token class come from
 * enrichment; while an event lacks them, exceptions that need them do not
 * match (an unknown ASN is not proof of the trusted one).
 */
export interface CompiledException {
  readonly name: string;
  readonly cidrs: CidrSet | null;
  readonly asns: ReadonlySet<number> | null;
  readonly consumers: ReadonlySet<string> | null;
  readonly routes: ReadonlySet<string> | null;
  readonly tokenClasses: ReadonlySet<string> | null;
}

/** What compiling exceptions needs to know about the rule around them. */
export interface ExceptionSite {
  readonly source: RuleSource;
  /** Path of the rule's `exceptions` list in the file. */
  readonly path: readonly PropertyKey[];
  readonly where: RuleLocation;
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

type Field = "cidrs" | "asns" | "consumers" | "routes" | "tokenClasses";

const ASN = /^(AS)?(\d+)$/i;

function asnOf(text: string): number | null {
  const digits = ASN.exec(text.trim())?.[2];
  return digits === undefined ? null : Number(digits);
}

function compileException(spec: ExceptionSpec, index: number, site: ExceptionSite) {
  const fail = (field: Field, reason: string) =>
    site.source.error([...site.path, index, field], reason, {
      ...site.where,
      field: `exceptions[${index}].${field}`,
    });

  const expand = (field: Field): string[] | null => {
    const entries = spec[field];
    if (!entries) return null;

    return entries.flatMap((entry) => {
      const text = String(entry);
      if (!text.startsWith("$")) return [text];

      const list = site.lists.get(text.slice(1));
      if (!list) throw fail(field, `unknown list ${text}`);
      return [...list];
    });
  };

  const set = (field: Field) => {
    const values = expand(field);
    return values ? new Set(values) : null;
  };

  const cidrs = expand("cidrs");
  let cidrSet: CidrSet | null = null;
  try {
    cidrSet = cidrs ? new CidrSet(cidrs) : null;
  } catch (err) {
    throw fail("cidrs", (err as Error).message);
  }

  const asns = expand("asns")?.map((text) => {
    const asn = asnOf(text);
    if (asn === null) throw fail("asns", `"${text}" is not an AS number, e.g. 64500 or AS64500`);
    return asn;
  });

  return {
    name: spec.name,
    cidrs: cidrSet,
    asns: asns ? new Set(asns) : null,
    consumers: set("consumers"),
    routes: set("routes"),
    tokenClasses: set("tokenClasses"),
  };
}

/**
 * Compile a rule's exceptions, expanding `$list` entries.
 *
 * @throws RuleError for an unknown list, a bad CIDR or a bad ASN.
 */
export function compileExceptions(
  specs: readonly ExceptionSpec[],
  site: ExceptionSite,
): CompiledException[] {
  return specs.map((spec, index) => compileException(spec, index, site));
}

function matches(exception: CompiledException, input: DetectionInput): boolean {
  const { event, enrichment } = input;

  const has = <T>(set: ReadonlySet<T> | null, value: T | null | undefined) =>
    set === null || (value !== null && value !== undefined && set.has(value));

  return (
    (exception.cidrs === null || exception.cidrs.has(event.clientIp)) &&
    has(exception.asns, enrichment?.asn) &&
    has(exception.consumers, event.consumerId) &&
    has(exception.routes, event.routeId) &&
    has(exception.tokenClasses, enrichment?.tokenClass)
  );
}

/** The first exception that excuses this event, or `null`. */
export function matchingException(
  exceptions: readonly CompiledException[],
  input: DetectionInput,
): CompiledException | null {
  return exceptions.find((exception) => matches(exception, input)) ?? null;
}
