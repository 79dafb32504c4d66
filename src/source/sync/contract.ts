import type { FeishuClient } from '../../feishu/client.js';
import type { Emitter } from '../../kit/emitter.js';
import type { FeishuApprovalConfig } from '../config/config.js';
import type { PartitionCursors } from '../state/stream-state.js';
import type { SyncLog } from './log.js';

/**
 * The contract between the window scan (scan/) and the streams (streams/):
 * both import this file and neither imports the other, so the scheduler's
 * internals stay behind it.
 */

/** What a stream needs while it reads. */
export interface SyncContext {
  config: FeishuApprovalConfig;
  client: FeishuClient;
  emitter: Emitter;
  log: SyncLog;
}

/** A window's creation-time range as record fields (ISO 8601, UTC). */
export interface WindowFields {
  readonly created_after: string;
  readonly created_before: string;
}

/**
 * One creation-time window of one partition as a stream sees it: a frozen
 * value, the same object for every code of the window (streams may key
 * per-window caches on it).
 */
export interface ScanWindow {
  /** The approval code the window belongs to. */
  readonly partition: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly fields: WindowFields;
}

export function scanWindow(partition: string, startMs: number, endMs: number): ScanWindow {
  const fields = Object.freeze({
    created_after: new Date(startMs).toISOString(),
    created_before: new Date(endMs).toISOString(),
  });
  return Object.freeze({ partition, startMs, endMs, fields });
}

/** How far a scan has got, summed over its partitions (for row estimates). */
export interface ScanProgress {
  /** Creation-time span of the windows finished so far (ms). */
  readonly doneSpanMs: number;
  /** Creation-time span this scan reads in all (ms). */
  readonly totalSpanMs: number;
  /** Codes of the finished windows, and codes handed to the streams so far (finished windows or not). */
  readonly doneCodes: number;
  readonly codesListed: number;
}

export interface ScanHandlers {
  /** One instance code, exactly once per sync; resolves when it has been handled. */
  onCode(code: string, window: ScanWindow): Promise<void> | undefined;
  /**
   * A partition's resumable cursor moved: every code before it has been handled.
   * `final` marks the scan's last checkpoint, after every code of the sync.
   */
  onCheckpoint(cursors: PartitionCursors, final: boolean): Promise<void> | undefined;
  /** A window finished; called once per window, so a stream must pace what it does with it. */
  onProgress?(progress: ScanProgress): void;
}
