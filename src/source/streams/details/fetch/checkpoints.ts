import type { JsonObject, SyncMode } from '../../../../kit/protocol.js';
import { checkpointBlob } from '../../../state/resumable-state.js';
import type { PartitionCursors } from '../../../state/stream-state.js';
import { DIGEST_KEY, digestOfCodes } from '../recheck/digest-state.js';
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
    return this.sinks.state((mode, codes) => this.blobOf(only(cursors, codes), final, mode, codes), final);
  }

  /** Waits for the checkpoints asked for, then sends a STATE held back by pacing; never rejects. */
  async settle(): Promise<void> {
    await this.last.catch(() => {});
    await this.sinks.flushState();
  }

  /**
   * The STATE's blob in a stream's sync mode and of its codes (a form table
   * keeps its one code's cursor and digest); only an incremental sync keeps
   * the digest (a full refresh starts over without one).
   */
  private blobOf(
    cursors: PartitionCursors,
    final: boolean,
    mode: SyncMode,
    codes: readonly string[] | undefined,
  ): JsonObject {
    if (mode !== 'incremental') return checkpointBlob(cursors, 'full_refresh', final);
    const whole = this.digest();
    const digest = codes === undefined ? whole : digestOfCodes(whole, codes);
    return { ...checkpointBlob(cursors, 'incremental', final), ...(digest ? { [DIGEST_KEY]: digest } : {}) };
  }
}

/** The cursors of `codes` only; all of them when undefined. */
function only(cursors: PartitionCursors, codes: readonly string[] | undefined): PartitionCursors {
  return codes === undefined ? cursors : new Map([...cursors].filter(([code]) => codes.includes(code)));
}
