/**
 * The connector's one concurrency pool: at most `concurrency` items run at
 * once, and the first failure aborts the signal every item receives, drops
 * the items still queued and rejects `done`. Two ways to feed it:
 *  - the list scan queues all its windows, then `start()`; parts of a split
 *    window go to the front (`pushFront`) ahead of later windows;
 *  - the detail fetches `submit` one item at a time: it resolves once the item
 *    has started, so a producer slows down only while the pool is full, and
 *    `barrier()` waits for every item started before it (a STATE must wait for
 *    the records it claims).
 */
export class WorkQueue<T> {
  private readonly queue: Job<T>[] = [];
  private active = 0;
  /** The first failure; a non-Error thrown by a task is wrapped, so what is rethrown is always an Error. */
  private failed: Error | undefined;
  private readonly controller = new AbortController();
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  readonly done: Promise<void>;
  private started = false;
  /** The end of every item queued or running, for barrier(). */
  private readonly unfinished = new Set<Promise<void>>();
  /** Submits waiting for room, woken one per finished item (all at a failure). */
  private readonly waitingForRoom: (() => void)[] = [];

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
    this.queue.push(...items.map((item) => this.job(item)));
    this.pump();
  }

  pushFront(...items: T[]): void {
    this.queue.unshift(...items.map((item) => this.job(item)));
    this.pump();
  }

  /** Marks the end of the initial items: `done` resolves once everything ran. */
  start(): Promise<void> {
    this.started = true;
    this.pump();
    return this.done;
  }

  /**
   * Runs `item` as soon as a worker is free for it (the pool must be
   * started); resolves once it has started, rejects once the pool failed.
   */
  async submit(item: T): Promise<void> {
    this.rethrow();
    while (this.active + this.queue.length >= this.concurrency) {
      await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
      this.rethrow();
    }
    this.push(item);
  }

  /** Resolves when every item pushed before it has ended; rejects then if the pool failed. */
  async barrier(): Promise<void> {
    await Promise.all([...this.unfinished]);
    this.rethrow();
  }

  /** Fails the whole queue from outside (work that runs beside the queue, e.g. window finalisation). */
  fail(error: unknown): void {
    if (this.failed !== undefined) return;
    this.failed =
      error instanceof Error ? error : new Error(error === undefined ? 'failed' : String(error), { cause: error });
    this.controller.abort(this.failed);
    this.settle.reject(this.failed);
    for (const dropped of this.queue.splice(0)) dropped.end();
    // Every waiting submit must now fail: woken one per finished item, some would wait forever.
    for (const wake of this.waitingForRoom.splice(0)) wake();
  }

  private job(item: T): Job<T> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.unfinished.add(ended);
    return {
      item,
      end: () => {
        this.unfinished.delete(ended);
        end();
      },
    };
  }

  private rethrow(): void {
    if (this.failed !== undefined) throw this.failed;
  }

  private pump(): void {
    if (!this.started || this.failed !== undefined) return;
    while (this.active < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      this.run(job.item, this.controller.signal).then(
        () => this.ended(job),
        (error: unknown) => {
          this.fail(error);
          this.ended(job);
        },
      );
    }
    if (this.active === 0 && this.queue.length === 0 && this.failed === undefined) this.settle.resolve();
  }

  private ended(job: Job<T>): void {
    this.active--;
    job.end();
    this.waitingForRoom.shift()?.();
    this.pump();
  }
}

interface Job<T> {
  item: T;
  /** Marks the item ended (run, failed or dropped). */
  end: () => void;
}
