// Called through the module object, not a named import, so that node:test's mock timers drive these waits too.
import timers from 'node:timers/promises';

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
const RATE_HEADROOM = 0.98;

/**
 * How early a request may leave against its ideal slot. Timers fire a
 * millisecond or more late; without this tolerance every late timer would
 * push all later slots back, and the pace would fall a few percent below the
 * budget. 10 ms keeps every window of 500 ms or more within its limit
 * (the headroom leaves more than 10 ms of slack per window) and lets a budget
 * finer than timers send a few requests per wake-up instead of one.
 */
export const EARLY_TOLERANCE_MS = 10;

/** After 429s the pace never drops below this share of the budget. */
const SLOWEST_SHARE = 0.1;

/**
 * Each window is paced as if it were this much longer. The server counts
 * arrival times, and two requests' trips differ by a few milliseconds (more
 * on a busy host): in a one-second window the 2 % headroom alone leaves only
 * 20 ms for that, 10 of which the early tolerance takes. Costs 0.03 % at
 * 1,000/min, 2 % in a one-second window.
 */
const WINDOW_JITTER_MS = 20;

/**
 * The spacing that honours every window at once (a two-window limit such as
 * 1,000/min and 50/s: the tighter one decides), with the headroom. Pure.
 */
export function pacingIntervalMs(windows: readonly RateWindow[], headroom: number = RATE_HEADROOM): number {
  if (windows.length === 0) throw new RangeError('a budget needs at least one window');
  let interval = 0;
  for (const { limit, windowMs } of windows) {
    if (!(limit > 0) || !(windowMs > 0))
      throw new RangeError(`a window needs a positive limit and length; got ${limit} per ${windowMs} ms`);
    interval = Math.max(interval, (windowMs + WINDOW_JITTER_MS) / (limit * headroom));
  }
  return interval;
}

/**
 * A smooth client-side budget for one endpoint (the generic cell rate
 * algorithm): each request has an ideal slot `pacingIntervalMs(windows)`
 * after the previous one's, and leaves at its slot or up to
 * EARLY_TOLERANCE_MS before it, never sooner. A request after an idle spell
 * starts a new grid from now: an idle budget banks no burst. A steady pace
 * also honours any window shorter than the documented ones (a per-minute
 * limit enforced per second, say), which a burst would not.
 * Every request of the process to that endpoint takes its turn here.
 * After a 429 nobody sends before the reset, the pace drops by a fifth, and
 * it recovers slowly while requests succeed.
 */
export class RateLimiter {
  /** The ideal send time of the next request (its "theoretical arrival time"). */
  private nextSlotMs = Number.NEGATIVE_INFINITY;
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
        await timers.setTimeout(wait, undefined, { signal });
      }
      this.markSent();
    });
    // An aborted waiter must not stall the ones behind it.
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** Milliseconds until the next request may leave (pure bookkeeping, for tests). */
  delayBeforeNext(): number {
    return Math.max(0, this.nextSlotMs - EARLY_TOLERANCE_MS - this.now());
  }

  markSent(): void {
    this.nextSlotMs = Math.max(this.now(), this.nextSlotMs) + this.intervalMs();
  }

  private intervalMs(): number {
    return this.baseIntervalMs / this.share;
  }

  /** The server said "too many": nobody sends before `resetMs` from now, and the pace drops by a fifth. */
  onThrottled(resetMs: number): void {
    this.share = Math.max(SLOWEST_SHARE, this.share * 0.8);
    this.nextSlotMs = Math.max(this.nextSlotMs, this.now() + resetMs + EARLY_TOLERANCE_MS);
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
