/**
 * Runs up to `concurrency` detail fetches at once. `submit` resolves once the
 * task has started, so the window scan is slowed only while the pipeline is
 * full. `barrier` resolves when every task started before it has finished: a
 * STATE must wait for it before it claims those records.
 */
export class DetailPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private failure: unknown;

  constructor(private readonly concurrency: number) {}

  async submit(task: () => Promise<void>): Promise<void> {
    this.rethrow();
    while (this.inFlight.size >= this.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.rethrow();
    }
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= error;
        // Every waiting submit must now fail: woken one per finished task, as below, some would wait forever.
        for (const wake of this.waiting.splice(0)) wake();
      })
      .finally(() => {
        this.inFlight.delete(running);
        this.waiting.shift()?.();
      });
    this.inFlight.add(running);
  }

  async barrier(): Promise<void> {
    await Promise.all([...this.inFlight]);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
