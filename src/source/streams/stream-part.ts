import type { SyncMode } from '../../kit/protocol.js';
import type { PartitionCursors } from '../state/stream-state.js';
import type { ScanHandlers, WindowFields } from '../sync/contract.js';
import type { DetailConsumer } from './details/fetch/detail-sink.js';

/**
 * What one selected stream brings to a read (Stream.prepare). The read plan
 * (plan/read-plan.ts) looks only at `kind`: a stream of its own, a stream fed
 * by the list scan, or a stream fed by the detail fan-out of its scan group.
 */
export type StreamPart = RecordsPart | ListedPart | DetailPart;

/** A stream that reads its records on its own, with no list scan (approval_definitions). */
export interface RecordsPart {
  readonly kind: 'records';
  /** Reads and emits every record and the stream's STATE; rejects when the stream fails. */
  read(): Promise<void>;
}

/** A stream fed directly by the list scan (approval_instances). */
export interface ListedPart {
  readonly kind: 'listed';
  /** The saved cursors per approval code the scan resumes from (empty in full refresh). */
  readonly saved: PartitionCursors;
  readonly handlers: ScanHandlers;
  /** Once the scan is over, whether it completed or failed: sends a STATE held back by pacing. Never rejects. */
  finish(): Promise<void>;
  /**
   * Set when the stream writes a tombstone for an instance the detail fan-out
   * of its scan group finds removed entirely (1390003); the list API stops
   * listing such an instance, so this stream alone cannot learn of it.
   */
  readonly onGone?: GoneListener;
}

/** A detail-based stream: its rows come from the one detail fan-out of its scan group. */
export interface DetailPart {
  readonly kind: 'detail';
  readonly saved: PartitionCursors;
  readonly mode: SyncMode;
  /** The approval codes the stream reads (a form table: its one code); undefined: every configured code. */
  readonly codes?: readonly string[] | undefined;
  /** The stream's output: its rows from each fetched detail, its STATEs. */
  readonly sink: DetailConsumer;
}

/** An instance found removed entirely (its detail answered 1390003) in `window` at `seenAt`. */
export type GoneListener = (
  approvalCode: string,
  instanceCode: string,
  window: WindowFields,
  seenAt: string,
) => Promise<void> | undefined;
