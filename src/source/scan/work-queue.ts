/**
 * A small pool: at most `concurrency` items run at once; the first failure
 * aborts the signal every item receives and rejects `done`. Items pushed to
 * the front run next (a split window's parts go ahead of later windows).
 */
export class WorkQueue<T> {
  private readonly queue: T[] = [];
  private active = 0;
  private failed: unknown;
  private readonly controller = new AbortController();
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  readonly done: Promise<void>;
  private started = false;

  constructor(
    private readonly concurrency: number,
    private readonly run: (item: T, signal: AbortSignal) => Promise<void>,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Callers may attach to `done` late; an early failure must not be "unhandled".
    this.done.catch(() => {});
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Workers that would sit idle if nothing else were queued. */
  idleWorkers(): number {
    return Math.max(0, this.concurrency - this.active - this.queue.length);
  }

  push(...items: T[]): void {
    this.queue.push(...items);
    this.pump();
  }

  pushFront(...items: T[]): void {
    this.queue.unshift(...items);
    this.pump();
  }

  /** Marks the end of the initial items: `done` resolves once everything ran. */
  start(): Promise<void> {
    this.started = true;
    this.pump();
    return this.done;
  }

  /** Fails the whole queue from outside (work that runs beside the queue, e.g. window finalisation). */
  fail(error: unknown): void {
    if (this.failed !== undefined) return;
    this.failed = error ?? new Error('failed');
    this.controller.abort(this.failed);
    this.settle.reject(this.failed);
  }

  private pump(): void {
    if (!this.started || this.failed !== undefined) return;
    while (this.active < this.concurrency && this.queue.length > 0) {
      const item = this.queue.shift() as T;
      this.active++;
      this.run(item, this.controller.signal).then(
        () => {
          this.active--;
          this.pump();
        },
        (error: unknown) => {
          this.active--;
          this.fail(error);
        },
      );
    }
    if (this.active === 0 && this.queue.length === 0 && this.failed === undefined) this.settle.resolve();
  }
}
