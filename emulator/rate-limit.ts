/**
 * Fixed-window frequency limit, like Feishu's gateway: windows are aligned to multiples of
 * `windowMs` of the wall clock (so "100 per minute" resets on the minute), and a refused request
 * does not use up the window — only admitted requests count.
 */
import type { RateLimitOption } from './options.js';

export type RateDecision = { allowed: true } | { allowed: false; limit: number; resetSec: number };

export class FixedWindowLimiter {
  private windowStartMs = -1;
  private count = 0;

  /** `getOption` is read on every call so run-time reconfiguration applies immediately. */
  constructor(private readonly getOption: () => RateLimitOption | null) {}

  check(nowMs: number = Date.now()): RateDecision {
    const option = this.getOption();
    if (!option) return { allowed: true };
    const windowStartMs = Math.floor(nowMs / option.windowMs) * option.windowMs;
    if (windowStartMs !== this.windowStartMs) {
      this.windowStartMs = windowStartMs;
      this.count = 0;
    }
    if (this.count < option.limit) {
      this.count++;
      return { allowed: true };
    }
    const resetSec = Math.max(1, Math.ceil((windowStartMs + option.windowMs - nowMs) / 1000));
    return { allowed: false, limit: option.limit, resetSec };
  }

  reset(): void {
    this.windowStartMs = -1;
    this.count = 0;
  }
}
