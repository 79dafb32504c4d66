import { FeishuApiError, FeishuCode } from '../../../feishu/errors.js';
import type { InstanceDetail } from '../../../feishu/types.js';
import type { AirbyteStateMessage } from '../../../kit/protocol.js';
import { toConnectorError } from '../../errors.js';
import { checkpointBlob, startingCursors } from '../../resumable-state.js';
import { streamBlob, type PartitionCursors } from '../../state.js';
import type { ScanHandlers, StreamScan, SyncContext, WindowFields } from '../../sync-contract.js';
import { StreamOutput } from '../stream-output.js';
import { DetailPipeline } from './detail-pipeline.js';
import { detailRecord } from './detail-record.js';
import { prunePending, readPending, type PendingInstance } from './pending.js';

/**
 * The details stream's part in one sync: every listed code's detail fetched
 * through the pipeline and written as a record; instances still PENDING
 * followed in the state; STATE messages only once the details they cover are
 * written.
 */
export class DetailScan implements StreamScan {
  readonly saved: PartitionCursors;
  readonly handlers: ScanHandlers = {
    onCode: (code, window) => this.onCode(code, window.fields, window.partition),
    onCheckpoint: (cursors, final) => this.checkpoint(cursors, final),
    onProgress: (progress) => this.out.progress(progress),
  };
  private readonly out: StreamOutput;
  private readonly pipeline: DetailPipeline;
  /** Instances whose last known status is PENDING, by instance code. */
  private readonly pending = new Map<string, PendingInstance>();
  /** Codes fetched again from last sync's pending list; the scan may list them too. */
  private readonly refetched = new Set<string>();
  private readonly counters = { requests: 0, retries: 0, deleted: 0, becameFinal: 0 };
  private lastCheckpoint: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: SyncContext,
    private readonly stream: string,
    private readonly incremental: boolean,
    private readonly state: AirbyteStateMessage[],
  ) {
    this.saved = startingCursors(state, stream, incremental ? 'incremental' : 'full_refresh', ctx.emitter);
    this.out = new StreamOutput(ctx.emitter, stream);
    this.pipeline = new DetailPipeline(ctx.config.detailConcurrency);
  }

  /** Instances pending at the end of the last sync come first: their status may have changed. */
  async before(): Promise<void> {
    if (!this.incremental) return;
    for (const entry of readPending(streamBlob(this.state, this.stream))) this.pending.set(entry.instance_code, entry);
    this.prune();
    for (const entry of [...this.pending.values()]) {
      this.refetched.add(entry.instance_code);
      await this.pipeline.submit(() => this.fetchAndEmit(entry.instance_code, entry, entry.approval_code, entry.first_seen));
    }
    await this.pipeline.barrier();
    if (this.refetched.size > 0) {
      this.ctx.emitter.info(`${this.stream}: fetched ${this.refetched.size} pending instance(s) again; ${this.counters.becameFinal} became final`);
    }
  }

  after(): void {
    const { requests, retries, deleted } = this.counters;
    this.ctx.emitter.info(
      `${this.stream}: ${requests} detail request(s), ${retries} retr${retries === 1 ? 'y' : 'ies'}, ` +
        `${deleted} deleted instance(s) skipped, ${this.pending.size} instance(s) still pending`,
    );
  }

  private onCode(code: string, window: WindowFields, approvalCode: string): Promise<void> | undefined {
    if (this.refetched.has(code)) return undefined;
    return this.pipeline.submit(() => this.fetchAndEmit(code, window, approvalCode));
  }

  /** Waits for details in flight, then sends a STATE held back by pacing; never rejects. */
  async finish(): Promise<void> {
    await this.pipeline.barrier().catch(() => {});
    await this.lastCheckpoint.catch(() => {});
    await this.out.flushState();
  }

  /** States leave in the order they were asked for, each once the details it covers are written. */
  private checkpoint(cursors: PartitionCursors, final: boolean): Promise<void> {
    const covered = this.pipeline.barrier();
    // Awaited only once the earlier checkpoints are out: a detail failing meanwhile must not reject
    // with nobody listening (an unhandled rejection kills the process before its TRACE).
    covered.catch(() => {});
    this.lastCheckpoint = this.lastCheckpoint.then(async () => {
      await covered;
      const blob = this.incremental
        ? () => ({ ...checkpointBlob(cursors, 'incremental', final), pending: this.prune() })
        : () => checkpointBlob(cursors, 'full_refresh', final);
      await this.out.state(blob, final);
    });
    return this.lastCheckpoint;
  }

  /** `firstSeen` is set for an instance that was already pending in an earlier sync. */
  private async fetchAndEmit(code: string, window: WindowFields, approvalCode: string, firstSeen?: string): Promise<void> {
    const detail = await this.fetchDetail(code, approvalCode, window);
    if (!detail) return;
    if (detail.status === 'PENDING') {
      this.pending.set(code, { instance_code: code, approval_code: approvalCode, ...window, first_seen: firstSeen ?? new Date().toISOString() });
    } else if (this.pending.delete(code) && firstSeen) {
      this.counters.becameFinal++;
    }
    const written = this.out.record(detailRecord(detail, window));
    if (written) await written;
  }

  /** The detail, or undefined when the instance was deleted since it was listed (a WARN, not a failure). */
  private async fetchDetail(code: string, approvalCode: string, window: WindowFields): Promise<InstanceDetail | undefined> {
    try {
      return await this.ctx.client.getInstance(code, { counters: this.counters });
    } catch (error) {
      if (!(error instanceof FeishuApiError && error.code === FeishuCode.INSTANCE_NOT_FOUND)) {
        throw toConnectorError(error, { instanceCode: code, approvalCode, window: `${window.created_after} .. ${window.created_before}` });
      }
      this.counters.deleted++;
      this.pending.delete(code);
      this.ctx.emitter.warn(`Instance ${code} of approval ${approvalCode} was listed but its detail is gone (Feishu code ${error.code}); skipped.`);
      return undefined;
    }
  }

  /** Applies the cap and age limit to the pending set, with a WARN for what is dropped. */
  private prune(): PendingInstance[] {
    const { config, emitter } = this.ctx;
    const { kept, droppedForAge, droppedForCap } = prunePending(this.pending.values(), { maxEntries: config.pendingMax, maxAgeMs: config.pendingMaxAgeMs }, Date.now());
    for (const dropped of [...droppedForAge, ...droppedForCap]) this.pending.delete(dropped.instance_code);
    if (droppedForAge.length > 0) {
      emitter.warn(`${this.stream}: stopped following ${droppedForAge.length} instance(s) pending for over pending_resync_max_age_days.`);
    }
    if (droppedForCap.length > 0) {
      emitter.warn(`${this.stream}: stopped following the ${droppedForCap.length} oldest pending instance(s): more than pending_resync_max are pending.`);
    }
    return kept;
  }
}
