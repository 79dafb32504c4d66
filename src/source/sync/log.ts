import type { RetryEvent } from '../../feishu/client.js';
import type { Logger } from '../../kit/emitter.js';

const PROGRESS_EVERY_MS = 10_000;

/**
 * Keeps a long sync readable: a progress line at most every ten seconds, and
 * retries summarised per cause (the first one at once, the rest as counts), so
 * a retry storm is a few lines, not thousands.
 */
export class SyncLog {
  private lastProgressMs = Date.now();
  private readonly retryCounts = new Map<string, number>();
  private readonly announced = new Set<string>();
  private lastRetrySummaryMs = Date.now();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  retry(event: RetryEvent): void {
    const key = `${event.cause} on ${event.endpoint}`;
    if (!this.announced.has(key)) {
      this.announced.add(key);
      this.logger.warn(`Retrying: ${key} (${event.error.message}); further retries of this kind are summarised.`);
      return;
    }
    this.retryCounts.set(key, (this.retryCounts.get(key) ?? 0) + 1);
    if (this.now() - this.lastRetrySummaryMs >= PROGRESS_EVERY_MS) this.flushRetries();
  }

  flushRetries(): void {
    this.lastRetrySummaryMs = this.now();
    if (this.retryCounts.size === 0) return;
    const parts = [...this.retryCounts.entries()].map(([key, n]) => `${n}× ${key}`);
    this.retryCounts.clear();
    this.logger.warn(`Retried: ${parts.join('; ')}.`);
  }

  /** Logs `line()` when the last progress line is old enough. */
  progress(line: () => string): void {
    if (this.now() - this.lastProgressMs < PROGRESS_EVERY_MS) return;
    this.lastProgressMs = this.now();
    this.logger.info(line());
    this.flushRetries();
  }
}

/**
 * The first `max` items, then a count of the rest ("a, b and 3 more code(s)"), so a line stays
 * short at 300 approval codes.
 */
export function firstOf(items: readonly string[], max: number, noun = ''): string {
  const named = items.slice(0, max).join(', ');
  const more = items.length - max;
  return more > 0 ? `${named} and ${more} more${noun ? ` ${noun}` : ''}` : named;
}
