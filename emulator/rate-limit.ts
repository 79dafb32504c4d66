/**
 * Sliding-window frequency limits, one or more windows per endpoint (Feishu's detail API allows
 * 1,000 per minute AND 50 in any one second: either one refuses). A window admits a request while
 * fewer than `limit` admitted requests fall in the last `windowMs`; so a client pacing exactly at
 * the limit can still be refused, as the notes warn. Refused requests do not count.
 */
import type { RateLimitOption, RateLimitSetting } from './options.js';

export type RateDecision = { allowed: true } | { allowed: false; limit: number; resetSec: number };

/** The windows of a setting: null = unlimited, one object = one window. */
export function windowsOf(setting: RateLimitSetting): RateLimitOption[] {
  if (setting === null) return [];
  return Array.isArray(setting) ? setting : [setting];
}

/** Admission times of one window, kept in a ring of `limit` slots (O(1) per request). */
class WindowLog {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.times = new Float64Array(limit);
  }

  /** Ms until this window admits again (0 = admits now). */
  waitMs(nowMs: number): number {
    if (this.filled < this.limit) return 0;
    const oldest = this.times[this.next] as number;
    return Math.max(0, oldest + this.windowMs - nowMs);
  }

  admit(nowMs: number): void {
    this.times[this.next] = nowMs;
    this.next = (this.next + 1) % this.limit;
    if (this.filled < this.limit) this.filled++;
  }
}

export class SlidingWindowLimiter {
  private logs: WindowLog[] = [];
  private key = '';

  /** `getSetting` is read on every call so run-time reconfiguration applies immediately. */
  constructor(private readonly getSetting: () => RateLimitSetting) {}

  check(nowMs: number = Date.now()): RateDecision {
    const windows = windowsOf(this.getSetting());
    const key = JSON.stringify(windows);
    if (key !== this.key) {
      // A changed setting starts from an empty history (like a restart of the gateway).
      this.key = key;
      this.logs = windows.map((w) => new WindowLog(w.limit, w.windowMs));
    }
    let blocking: WindowLog | undefined;
    let waitMs = 0;
    for (const log of this.logs) {
      const wait = log.waitMs(nowMs);
      if (wait > waitMs) {
        waitMs = wait;
        blocking = log;
      }
    }
    if (blocking) return { allowed: false, limit: blocking.limit, resetSec: Math.max(1, Math.ceil(waitMs / 1000)) };
    for (const log of this.logs) log.admit(nowMs);
    return { allowed: true };
  }

  reset(): void {
    this.key = '';
  }
}
