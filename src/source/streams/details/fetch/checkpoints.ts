import type { JsonObject, SyncMode } from '../../../../kit/protocol.js';
import { checkpointBlob } from '../../../state/resumable-state.js';
import type { PartitionCursors } from '../../../state/stream-state.js';
import { DIGEST_KEY } from '../recheck/digest-state.js';
import type { DetailSinks } from './detail-sink.js';

/**
 * The detail-based streams' STATE messages: each leaves in the order it was
 * asked for, once every detail it covers is written (`covered`: the pipeline's
 * barrier), one per stream in its own sync mode.
 */
export class Checkpoints {
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly sinks: DetailSinks,
    /** Resolves once every detail fetch started so far has been written. */
    private readonly covered: () => Promise<void>,
    /** The digest an incremental STATE carries (recheck/rechecker.ts). */
    private readonly digest: () => unknown,
  ) {}

  /** A checkpoint of the scan: queued behind the earlier ones, written once its details are. */
  checkpoint(cursors: PartitionCursors, final: boolean): Promise<void> {
    const covered = this.covered();
    // Awaited only once the earlier checkpoints are out: a detail failing meanwhile must not reject
    // with nobody listening (an unhandled rejection kills the process before its TRACE).
    covered.catch(() => {});
    this.last = this.last.then(async () => {
      await covered;
      await this.write(cursors, final);
    });
    return this.last;
  }

  /** Writes every stream's STATE now (the caller knows its details are written). */
  write(cursors: PartitionCursors, final: boolean): Promise<void> {
    return this.sinks.state((mode) => this.blobOf(cursors, final, mode), final);
  }

  /** Waits for the checkpoints asked for, then sends a STATE held back by pacing; never rejects. */
  async settle(): Promise<void> {
    await this.last.catch(() => {});
    await this.sinks.flushState();
  }

  /** The STATE's blob in a stream's sync mode; only an incremental sync keeps the digest (a full refresh starts over without one). */
  private blobOf(cursors: PartitionCursors, final: boolean, mode: SyncMode): JsonObject {
    if (mode !== 'incremental') return checkpointBlob(cursors, 'full_refresh', final);
    const digest = this.digest();
    return { ...checkpointBlob(cursors, 'incremental', final), ...(digest ? { [DIGEST_KEY]: digest } : {}) };
  }
}
