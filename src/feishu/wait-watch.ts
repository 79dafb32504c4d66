/** How often the watch looks at the waits in progress, and how old a wait must be to be reported. */
const WAIT_REPORT_EVERY_MS = 10_000;

interface Wait {
  what: string;
  sinceMs: number;
}

/**
 * Knows every wait the client is in (a turn in a budget, a retry's backoff,
 * a 99991400 reset, an answer from the server) and, every `everyMs`, reports
 * those that have lasted at least `everyMs` as one line. A long but healthy
 * wait is thus never silent for more than 2 × everyMs, which keeps a caller's
 * "no message for too long" watchdog quiet; a wait that never ends is not
 * possible here (every wait has a deadline), so the reports cannot hide a hang
 * forever.
 */
export class WaitWatch {
  private readonly waits = new Set<Wait>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: (summary: string) => void,
    private readonly everyMs: number = WAIT_REPORT_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves as `task` does, while the watch knows that the client waits for `what`. */
  around<T>(what: string, task: Promise<T>): Promise<T> {
    const wait = { what, sinceMs: this.now() };
    this.waits.add(wait);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.everyMs);
      this.timer.unref(); // the waits themselves keep the process alive, not the watch
    }
    return task.finally(() => this.waits.delete(wait));
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The waits older than `everyMs`, grouped by what they wait for; undefined when there are none. */
  summary(): string | undefined {
    const now = this.now();
    const groups = new Map<string, { count: number; longestMs: number }>();
    for (const wait of this.waits) {
      const ageMs = now - wait.sinceMs;
      if (ageMs < this.everyMs) continue;
      const group = groups.get(wait.what) ?? { count: 0, longestMs: 0 };
      group.count++;
      group.longestMs = Math.max(group.longestMs, ageMs);
      groups.set(wait.what, group);
    }
    if (groups.size === 0) return undefined;
    const parts = [...groups].map(
      ([what, g]) => `${g.count > 1 ? `${g.count} × ` : ''}${what} (for ${Math.round(g.longestMs / 1000)} s)`,
    );
    return `Still waiting: ${parts.join('; ')}.`;
  }

  private tick(): void {
    const summary = this.summary();
    if (summary) this.report(summary);
  }
}
