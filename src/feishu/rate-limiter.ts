import { setTimeout as sleep } from 'node:timers/promises';

/** One documented frequency limit: at most `limit` requests in any `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * Share of each limit the pace aims at. Feishu counts in a sliding window on
 * arrival times, so a client pacing exactly at the limit is still refused now
 * and then (network jitter moves a request into the previous one's window);
 * 2 % below it leaves 20 requests of slack a minute at 1,000/min.
 */
export const RATE_HEADROOM = 0.98;

/** Timers are not finer than about a millisecond; tighter budgets are kept over a few sends. */
const TIMER_GRANULARITY_MS = 2;

/** After 429s the pace never drops below this share of the budget. */
const SLOWEST_SHARE = 0.1;

/**
 * The spacing that honours every window at once (a two-window limit such as
 * 1,000/min and 50/s: the tighter one decides), with the headroom. Pure.
 */
export function pacingIntervalMs(windows: readonly RateWindow[], headroom: number = RATE_HEADROOM): number {
  if (windows.length === 0) throw new RangeError('a budget needs at least one window');
  let interval = 0;
  for (const { limit, windowMs } of windows) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError(`a window needs a positive limit and length; got ${limit} per ${windowMs} ms`);
    interval = Math.max(interval, windowMs / (limit * headroom));
  }
  return interval;
}

/**
 * A smooth client-side budget for one endpoint: requests leave one at a time,
 * at least `pacingIntervalMs(windows)` apart, measured between actual sends.
 * Spacing by actual send time (not by pre-booked slots) matters: a late timer
 * must not let the next request follow too closely and break a server window.
 * A steady pace also honours any window shorter than the documented ones (a
 * per-minute limit enforced per second, say), which a burst would not.
 * Intervals below the timer granularity are kept over the last k sends
 * (send[n] - send[n-k] >= k x interval), so that a sub-millisecond interval
 * does not cost a timer per request.
 * Every request of the process to that endpoint takes its turn here.
 * After a 429 nobody sends before the reset, the pace drops by a fifth, and
 * it recovers slowly while requests succeed.
 */
export class RateLimiter {
  /** The last k send times, oldest first (a small ring). */
  private sends: number[] = [];
  private readonly baseIntervalMs: number;
  private share = 1;
  private successesSinceSlowdown = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    windows: readonly RateWindow[],
    private readonly now: () => number = Date.now,
  ) {
    this.baseIntervalMs = pacingIntervalMs(windows);
  }

  /** The pace now, in requests per minute (below the budget after throttling). */
  get ratePerMinute(): number {
    return 60_000 / this.intervalMs();
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
    return this.baseIntervalMs / this.share;
  }

  /** The server said "too many": nobody sends before `resetMs` from now, and the pace drops by a fifth. */
  onThrottled(resetMs: number): void {
    this.share = Math.max(SLOWEST_SHARE, this.share * 0.8);
    // Pretend the last sends happened just before the reset: the next one waits for it.
    const holdUntil = this.now() + resetMs - spanOf(this.intervalMs()) * this.intervalMs();
    this.sends = this.sends.map((t) => Math.max(t, holdUntil));
    if (this.sends.length === 0) this.sends.push(holdUntil);
    this.successesSinceSlowdown = 0;
  }

  /** Each success after a slowdown brings the pace back toward the budget. */
  onSuccess(): void {
    if (this.share >= 1) return;
    if (++this.successesSinceSlowdown >= 20) {
      this.successesSinceSlowdown = 0;
      this.share = Math.min(1, this.share * 1.05);
    }
  }
}

/** How many sends the spacing is measured over: 1 unless the interval is below the timer granularity. */
function spanOf(intervalMs: number): number {
  return Math.max(1, Math.ceil(TIMER_GRANULARITY_MS / intervalMs));
}
