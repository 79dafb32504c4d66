import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A smooth client-side budget: requests leave one at a time, at least
 * `60 s / perMinute` apart, measured between actual sends. Spacing by actual
 * send time (not by pre-booked slots) matters: a late timer must not let the
 * next request follow too closely and break a fixed-window server limit.
 * Every request of the process takes its turn here (one instance per budget).
 * After a 429 nobody sends before the reset, the pace drops by a fifth, and
 * it recovers slowly while requests succeed.
 */
export class RateLimiter {
  private lastSendMs = Number.NEGATIVE_INFINITY;
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
    return Math.max(0, this.lastSendMs + 60_000 / this.currentPerMinute - this.now());
  }

  markSent(): void {
    this.lastSendMs = this.now();
  }

  /** The server said "too many": nobody sends before `resetMs` from now, and the pace drops by a fifth. */
  onThrottled(resetMs: number): void {
    this.currentPerMinute = Math.max(this.perMinute * 0.1, this.currentPerMinute * 0.8);
    this.lastSendMs = Math.max(this.lastSendMs, this.now() + resetMs - 60_000 / this.currentPerMinute);
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
