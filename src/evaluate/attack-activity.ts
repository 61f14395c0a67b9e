import { isAttack, type TokenLabel } from "./label.js";

/**
 * The attacker's requests as the pipeline saw them: for each attacked
 * token, the event times of requests from the label's attacker addresses
 * at or after the attack start. Time to detect is then measured in the
 * attacker's own activity — how many requests they got in, and for how
 * long — rather than in wall-clock time.
 */
export class AttackActivity {
  private readonly times = new Map<string, number[]>();
  private readonly ips = new Map<string, ReadonlySet<string>>();
  /** Tokens whose times arrived out of order (late events) and need sorting. */
  private readonly unsorted = new Set<string>();

  constructor(private readonly labels: ReadonlyMap<string, TokenLabel>) {
    for (const [fp, label] of labels) {
      if (isAttack(label)) this.ips.set(fp, new Set(label.attackerIps));
    }
  }

  /** Note one event of a token; only attacker requests are kept. */
  observe(tokenFp: string, ts: number, clientIp: string): void {
    const ips = this.ips.get(tokenFp);
    if (!ips?.has(clientIp)) return;
    const start = this.labels.get(tokenFp)?.attackStart ?? 0;
    if (ts < start) return;

    const list = this.times.get(tokenFp);
    if (!list) {
      this.times.set(tokenFp, [ts]);
      return;
    }
    if (ts < (list[list.length - 1] as number)) this.unsorted.add(tokenFp);
    list.push(ts);
  }

  /** Attacker requests of a token at or before `ts` (the deciding request included). */
  requestsUntil(tokenFp: string, ts: number): number {
    const list = this.times.get(tokenFp);
    if (!list) return 0;
    if (this.unsorted.delete(tokenFp)) list.sort((a, b) => a - b);
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((list[mid] as number) <= ts) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Attacker requests of a token seen in total. */
  total(tokenFp: string): number {
    return this.times.get(tokenFp)?.length ?? 0;
  }
}
