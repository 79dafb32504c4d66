import { WorkQueue } from '../../../sync/work-queue.js';

/**
 * The detail fetches' use of the one pool (sync/work-queue.ts): tasks are
 * thunks and run from the start. `submit` resolves once the task has started,
 * so the window scan is slowed only while the pool is full; `barrier`
 * resolves when every task started before it has finished: a STATE must wait
 * for it before it claims those records.
 */
export class DetailPipeline extends WorkQueue<() => Promise<void>> {
  constructor(concurrency: number) {
    super(concurrency, (task) => task());
    void this.start();
  }
}
