import { setTimeout as sleep } from 'node:timers/promises';

/** Timers are not finer than about a millisecond; tighter budgets are kept over a few sends. */
const TIMER_GRANULARITY_MS = 2;

/**
 * A smooth client-side budget: requests leave one at a time, at least
 * `60 s / perMinute` apart, measured between actual sends. Spacing by actual
 * send time (not by pre-booked slots) matters: a late timer must not let the
 * next request follow too closely and break a fixed-window server limit.
 * Budgets above ~30,000 per minute are kept over the last k sends
 * (send[n] - send[n-k] >= k x interval), so that a sub-millisecond interval
 * does not cost a timer per request.
 * Every request of the process takes its turn here (one instance per budget).
 * After a 429 nobody sends before the reset, the pace drops by a fifth, and
 * it recovers slowly while requests succeed.
 */
export class RateLimiter {
  /** The last k send times, oldest first (a small ring). */
  private sends: number[] = [];
  private currentPerMinute: number;
  private successesSinceSlowdown = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perMinute > 0)) throw new RangeError('perMinute must be positive');
    this.currentPerMinute = perMinute;
  }

  get ratePerMinute(): number {
    return this.currentPerMinute;
  }

  /** Waits for this request's turn; callers are served in call order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (let wait = this.delayBeforeNext(); wait > 0; wait = this.delayBeforeNext()) {
        await sleep(wait, undefined, { signal });
      }
      this.markSent();
    });
    // An aborted waiter must not stall the ones behind it.
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** Milliseconds until the next request may leave (pure bookkeeping, for tests). */
  delayBeforeNext(): number {
    const interval = this.intervalMs();
    const k = spanOf(interval);
    if (this.sends.length < k) return Math.max(0, (this.sends.at(-1) ?? Number.NEGATIVE_INFINITY) - this.now());
    return Math.max(0, this.sends[this.sends.length - k]! + k * interval - this.now());
  }

  markSent(): void {
    this.sends.push(this.now());
    const keep = spanOf(this.intervalMs());
    if (this.sends.length > keep) this.sends.splice(0, this.sends.length - keep);
  }

  private intervalMs(): number {
    return 60_000 / this.currentPerMinute;
  }

  /** The server said "too many": nobody sends before `resetMs` from now, and the pace drops by a fifth. */
  onThrottled(resetMs: number): void {
    this.currentPerMinute = Math.max(this.perMinute * 0.1, this.currentPerMinute * 0.8);
    // Pretend the last sends happened just before the reset: the next one waits for it.
    const holdUntil = this.now() + resetMs - spanOf(this.intervalMs()) * this.intervalMs();
    this.sends = this.sends.map((t) => Math.max(t, holdUntil));
    if (this.sends.length === 0) this.sends.push(holdUntil);
    this.successesSinceSlowdown = 0;
  }

  /** Each success after a slowdown brings the pace back toward the configured budget. */
  onSuccess(): void {
    if (this.currentPerMinute >= this.perMinute) return;
    if (++this.successesSinceSlowdown >= 20) {
      this.successesSinceSlowdown = 0;
      this.currentPerMinute = Math.min(this.perMinute, this.currentPerMinute * 1.05);
    }
  }
}

/** How many sends the spacing is measured over: 1 unless the interval is below the timer granularity. */
function spanOf(intervalMs: number): number {
  return Math.max(1, Math.ceil(TIMER_GRANULARITY_MS / intervalMs));
}
