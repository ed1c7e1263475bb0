import type { CaseResult } from './evidence.js';

/** Why a request the benchmark would have sent the peer was not sent. */
export type NotSentReason = 'centre-failed-before' | 'hop-count-given-up';

/** Failures without as many answers, or in all, after which the peer is given up at a hop count. */
export const peerGiveUp = { giveUpAfter: 3, giveUpAlways: 10 };

/**
 * How long the benchmark keeps waiting on a peer that cannot answer, for one hop count. A request that failed (timed
 * out or errored) is not retried for the same centre: the peer's query for a centre is the same every time over the
 * same data, so a retry would only wait out the same timeout. Once the peer has failed `giveUpAfter` requests without
 * answering as many, or `giveUpAlways` in all, it is given up at this hop count and sent nothing more. Every request
 * not sent is counted by the caller as failed at the timeout, so the peer's latency there is a lower bound (and the
 * origin/peer ratio an upper bound), never a flattering guess.
 * @example
 * const budget = new PeerBudget();
 * if (budget.shouldSend(id) === true) budget.record(id, await peer(id).then(() => true, () => false));
 */
export class PeerBudget {
  private readonly failedCentres = new Set<string>();
  private failures = 0;
  private answers = 0;
  /** Requests not sent, by reason. */
  readonly notSent: Record<NotSentReason, number> = { 'centre-failed-before': 0, 'hop-count-given-up': 0 };

  constructor(private readonly limits: typeof peerGiveUp = peerGiveUp) {}

  /** Whether the peer is given up at this hop count (nothing more is sent). */
  get givenUp(): boolean {
    const { giveUpAfter, giveUpAlways } = this.limits;
    return (this.failures >= giveUpAfter && this.failures >= this.answers) || this.failures >= giveUpAlways;
  }

  /** `true` to send the request for `centre`; otherwise why not (and the request is counted as not sent). */
  shouldSend(centre: string): true | NotSentReason {
    const reason = this.givenUp
      ? 'hop-count-given-up'
      : this.failedCentres.has(centre)
        ? 'centre-failed-before'
        : undefined;
    if (!reason) return true;
    this.notSent[reason]++;
    return reason;
  }

  /** The outcome of a request that was sent. */
  record(centre: string, answered: boolean): void {
    if (answered) this.answers++;
    else {
      this.failures++;
      this.failedCentres.add(centre);
    }
  }

  /** What the evidence's coverage records. */
  summary() {
    return {
      answered: this.answers,
      failed: this.failures,
      failedCentres: this.failedCentres.size,
      givenUp: this.givenUp,
      notSent: { ...this.notSent },
    };
  }
}

/**
 * The case of an attack that was not run because the peer was given up: every request it would have sent failed at
 * the timeout. An open model sends `rate × duration` requests; a closed loop sends one per worker per timeout.
 */
export function notSentCase(
  model: { rate: number; durationS: number; workers?: number },
  timeoutMs: number,
): CaseResult {
  const n =
    model.rate > 0
      ? Math.ceil(model.rate * model.durationS)
      : (model.workers ?? 1) * Math.ceil((model.durationS * 1000) / timeoutMs);
  return {
    n,
    rps: 0,
    p50_ms: timeoutMs,
    p95_ms: timeoutMs,
    p99_ms: timeoutMs,
    mean_ms: timeoutMs,
    errors: n,
    notSent: n,
  };
}
