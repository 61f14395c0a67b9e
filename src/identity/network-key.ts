import ipaddr from "ipaddr.js";

/** `[2001:db8::1]:443`: the only unambiguous way to put a port after an IPv6 address. */
const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;

/** `203.0.113.7:51234`: Envoy's `downstream_remote_address`, Traefik's `ClientAddr`. */
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;

/**
 * Reads a client address as gateways log it and returns it in canonical
 * form, or `null` when it is not an IP address.
 *
 * Ports are stripped (`1.2.3.4:5678`, `[::1]:80`), IPv6 zone ids are dropped,
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, common on dual-stack listeners) becomes
 * plain IPv4, and IPv6 is written in RFC 5952 form. IPv4 must be four decimal
 * parts: `ipaddr.js` would otherwise accept `127.1` or octal `0177.0.0.1`.
 */
export function parseClientIp(raw: string): string | null {
  let text = raw.trim();
  if (text === "" || text.length > 64) {
    return null;
  }

  const bracketed = BRACKETED.exec(text);
  const withPort = IPV4_WITH_PORT.exec(text);
  if (bracketed?.[1]) {
    text = bracketed[1];
  } else if (withPort?.[1]) {
    text = withPort[1];
  }
  text = text.replace(/%.*$/, "");

  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    // Four decimal parts without leading zeros, each at most 255: already canonical.
    return text;
  }
  if (!ipaddr.IPv6.isValid(text)) {
    return null;
  }

  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
}

/**
 * The key under which a client network is counted. IPv4 addresses are kept
 * whole; IPv6 addresses are cut to `prefixLength` bits (default /64), because
 * privacy extensions (RFC 8981) rotate the low 64 bits of a phone's or
 * laptop's address every few hours and one subscriber usually holds a whole
 * /64 or more. Returns e.g. `2001:db8:1:2::/64`, or `null` for an invalid IP.
 */
export function networkKey(ip: string, prefixLength = 64): string | null {
  const canonical = parseClientIp(ip);
  if (canonical === null) {
    return null;
  }
  // Canonical IPv4 is four decimal parts; canonical IPv6 always has a colon.
  if (!canonical.includes(":")) {
    return canonical;
  }

  const bits = Math.min(128, Math.max(0, Math.trunc(prefixLength)));
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${canonical}/${bits}`);
  return `${network.toRFC5952String()}/${bits}`;
}
