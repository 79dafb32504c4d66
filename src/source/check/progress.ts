import type { Logger } from '../../kit/emitter.js';

/** How often a check still going says how far it got: the UI shows a spinner meanwhile. */
export const PROGRESS_EVERY_MS = 5_000;

/**
 * The codes answered so far, logged every PROGRESS_EVERY_MS while `check` runs: counts and a rate,
 * never the codes themselves, so each line stays short whatever the number of codes.
 */
export class CheckProgress {
  private readonly answered = new Set<string>();
  private readonly unknown = new Set<string>();
  private definitions = 0;
  private readonly startedMs = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly total: number,
  ) {
    this.timer = setInterval(() => this.logger.info(this.line()), PROGRESS_EVERY_MS);
    // A check that hangs is ended by its own deadlines, not kept alive by its progress.
    this.timer.unref();
  }

  code(code: string, kind: 'found' | 'unknown' | 'deleted', fromDefinition: boolean): void {
    this.answered.add(code);
    if (kind === 'unknown') this.unknown.add(code);
    if (fromDefinition && kind === 'found') this.definitions++;
  }

  /** "Check: 120 of 300 approval codes answered (2 unknown), 9 definitions read, 6 s." */
  line(): string {
    const seconds = Math.round((Date.now() - this.startedMs) / 1000);
    const unknown = this.unknown.size > 0 ? ` (${this.unknown.size} unknown)` : '';
    return (
      `Check: ${this.answered.size} of ${this.total} approval codes answered${unknown}, ` +
      `${this.definitions} definitions read, ${seconds} s.`
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
