import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A smooth client-side budget: requests leave one every `60 s / perMinute`, so
 * a fixed-window server limit of `perMinute` is never hit by bursts. Every
 * request of the process takes its slot here (one instance per budget).
 * After a 429 the rate drops and recovers slowly while requests succeed.
 */
export class RateLimiter {
  private nextSlotMs = 0;
  private currentPerMinute: number;
  private successesSinceSlowdown = 0;

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

  /** Reserves the next free slot and waits for it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait, undefined, { signal });
  }

  /** Pure bookkeeping of `acquire`: reserves a slot and says how long to wait for it. */
  reserve(): number {
    const now = this.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + 60_000 / this.currentPerMinute;
    return slot - now;
  }

  /** The server said "too many": nobody sends before `resetMs`, and the pace drops by a fifth. */
  onThrottled(resetMs: number): void {
    this.nextSlotMs = Math.max(this.nextSlotMs, this.now() + resetMs);
    this.currentPerMinute = Math.max(this.perMinute * 0.1, this.currentPerMinute * 0.8);
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
