import type { Prng } from "./prng.js";
import {
  HOUR,
  type RequestActor,
  SECOND,
  type SimRequest,
  type SimToken,
} from "./traffic-model.js";

/*
 * Requests come in sessions: a person opens the app, it makes a burst of
 * calls seconds apart, then nothing for a while. Sessions are what give
 * rate and network windows their realistic shape.
 */

/** Real user-agent strings of the browsers, apps and clients the actors use. */
export const USER_AGENTS = {
  chromeMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 " +
    "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  edgeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " +
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 " +
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  androidApp: "orders-app/5.2.1 (Android 14; Pixel 8) okhttp/4.12.0",
  iosApp: "OrdersApp/5.2.1 (iPhone; iOS 18.1; Scale/3.00) CFNetwork/1568 Darwin/24.1.0",
  serviceClient: "orders-sync/2.4 okhttp/4.12.0",
  pythonClient: "python-requests/2.32.3",
  curl: "curl/8.7.1",
  probe: "kube-probe/1.31",
} as const;

const READ_PATHS = ["/v1/orders", "/v1/me", "/v1/items", "/v1/orders/recent", "/v1/cart"];
const WRITE_PATHS = ["/v1/orders", "/v1/cart/items"];

/** How one session's requests look. */
export interface SessionShape {
  readonly ip: string | (() => string);
  readonly userAgent: string;
  readonly token: SimToken;
  readonly requests: number;
  /** Mean gap between requests of the session. */
  readonly gapMs: number;
  readonly actor?: RequestActor;
  readonly location?: SimRequest["location"];
  readonly scheme?: SimRequest["scheme"];
  /** Share of writes (POST/PUT/DELETE) among the requests. */
  readonly writeShare?: number;
  readonly path?: string;
}

/** One session starting at `start`: `requests` requests with exponential gaps. */
export function session(start: number, shape: SessionShape, rng: Prng): SimRequest[] {
  const requests: SimRequest[] = [];
  let ts = Math.round(start);
  for (let i = 0; i < shape.requests; i++) {
    const write = rng.chance(shape.writeShare ?? 0.1);
    const ip = typeof shape.ip === "string" ? shape.ip : shape.ip();
    requests.push({
      ts,
      ip,
      userAgent: shape.userAgent,
      token: shape.token,
      method: write ? rng.pick(["POST", "PUT", "DELETE"]) : "GET",
      path: shape.path ?? rng.pick(write ? WRITE_PATHS : READ_PATHS),
      status: statusFor(rng, write),
      scheme: shape.scheme ?? "https",
      location: shape.location ?? "header",
      latencyMs: Math.round(rng.between(8, 180)),
      actor: shape.actor ?? "owner",
    });
    // A floor keeps a person's clicks apart; a script's burst may be faster.
    ts += Math.max(Math.min(200, shape.gapMs / 2), Math.round(rng.exponential(shape.gapMs)));
  }
  return requests;
}

/**
 * Session start times between two instants: a Poisson process with the
 * given mean gap, which is how independent visits to an app arrive.
 */
export function sessionStarts(from: number, to: number, meanGapMs: number, rng: Prng): number[] {
  const starts: number[] = [];
  let at = from + rng.exponential(meanGapMs / 2);
  while (at < to) {
    starts.push(Math.round(at));
    at += Math.max(2 * 60 * SECOND, rng.exponential(meanGapMs));
  }
  return starts;
}

/**
 * Sessions of one device, one after another: a start that falls inside the
 * previous session is dropped. One laptop is on the VPN or off it, one
 * phone has one carrier address at a time, so its sessions never overlap.
 */
export function deviceSessions(
  starts: readonly number[],
  make: (start: number) => SimRequest[],
): SimRequest[] {
  const requests: SimRequest[] = [];
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const start of starts) {
    if (start <= busyUntil) continue;
    const own = make(start);
    busyUntil = (own[own.length - 1]?.ts ?? start) + 30 * SECOND;
    for (const request of own) requests.push(request);
  }
  return requests;
}

/** Local-time instant of a day: `hour` (fractional) in a zone `tzHours` east of UTC. */
export function localTime(dayStart: number, hour: number, tzHours: number): number {
  return Math.round(dayStart + (hour - tzHours) * HOUR);
}

/** Day of the week of local midnight: 0 Monday … 6 Sunday. */
export function weekday(dayStart: number, tzHours: number): number {
  const local = new Date(dayStart + tzHours * HOUR + 12 * HOUR);
  return (local.getUTCDay() + 6) % 7;
}

function statusFor(rng: Prng, write: boolean): number {
  const roll = rng.next();
  if (roll < 0.9) return write ? 201 : 200;
  if (roll < 0.96) return 304;
  if (roll < 0.99) return 404;
  return 500;
}
