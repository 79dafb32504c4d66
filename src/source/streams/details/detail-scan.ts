import { FeishuApiError, FeishuCode } from '../../../feishu/errors.js';
import type { InstanceDetail } from '../../../feishu/types.js';
import type { AirbyteStateMessage } from '../../../kit/protocol.js';
import { readCursors, stateBlob, streamBlob, type PartitionCursors } from '../../state.js';
import type { ScanHandlers, StreamScan, SyncContext, WindowFields } from '../../sync-contract.js';
import { DetailPipeline } from './detail-pipeline.js';
import { DetailSink, type DetailSinkSpec } from './detail-sink.js';
import { prunePending, readPending, type PendingInstance } from './pending.js';

/**
 * The detail-based streams' part in one sync: every listed code's detail
 * fetched once through the pipeline and handed to each selected detail-based
 * stream (a DetailSink), which writes its rows; instances still PENDING
 * followed in the state; STATE messages only once the details they cover are
 * written, one per stream. Streams that share a scan share one DetailScan
 * (see absorb), so selecting more of them costs no extra request.
 */
export class DetailScan implements StreamScan {
  readonly saved: PartitionCursors;
  readonly handlers: ScanHandlers = {
    onCode: (code, window) => this.onCode(code, window.fields, window.partition),
    onCheckpoint: (cursors) => this.checkpoint(cursors),
  };
  private readonly sinks: DetailSink[];
  /** The stream whose state this scan resumes from (the first of the shared ones). */
  private readonly stream: string;
  private readonly pipeline: DetailPipeline;
  /** Instances whose last known status is PENDING, by instance code. */
  private readonly pending = new Map<string, PendingInstance>();
  /** Codes fetched again from last sync's pending list; the scan may list them too. */
  private readonly refetched = new Set<string>();
  private readonly counters = { requests: 0, retries: 0, deleted: 0, becameFinal: 0 };
  private lastCheckpoint: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: SyncContext,
    spec: DetailSinkSpec,
    private readonly incremental: boolean,
    private readonly state: AirbyteStateMessage[],
  ) {
    this.stream = spec.stream;
    this.saved = incremental ? readCursors(state, this.stream) : new Map();
    this.sinks = [new DetailSink(ctx.emitter, spec)];
    this.pipeline = new DetailPipeline(ctx.config.detailConcurrency);
  }

  /**
   * Takes over another detail-based stream of the same scan: its rows come
   * from this scan's fetches. Only scans of the same mode join (the group
   * already guarantees equal cursors); this scan's state is the one resumed.
   */
  absorb(other: StreamScan): boolean {
    if (!(other instanceof DetailScan) || other.incremental !== this.incremental) return false;
    this.sinks.push(...other.sinks);
    return true;
  }

  private get streamNames(): string {
    return this.sinks.map((s) => s.stream).join(', ');
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
      this.ctx.emitter.info(`${this.streamNames}: fetched ${this.refetched.size} pending instance(s) again; ${this.counters.becameFinal} became final`);
    }
  }

  after(): void {
    for (const sink of this.sinks) sink.summary();
    const { requests, retries, deleted } = this.counters;
    this.ctx.emitter.info(
      `${this.streamNames}: ${requests} detail request(s), ${retries} retr${retries === 1 ? 'y' : 'ies'}, ` +
        `${deleted} deleted instance(s) skipped, ${this.pending.size} instance(s) still pending`,
    );
  }

  private onCode(code: string, window: WindowFields, approvalCode: string): Promise<void> | undefined {
    if (this.refetched.has(code)) return undefined;
    return this.pipeline.submit(() => this.fetchAndEmit(code, window, approvalCode));
  }

  /** States leave in the order they were asked for, each once the details it covers are written. */
  private checkpoint(cursors: PartitionCursors): Promise<void> {
    const covered = this.pipeline.barrier();
    this.lastCheckpoint = this.lastCheckpoint.then(async () => {
      await covered;
      if (!this.incremental) return;
      const blob = { ...stateBlob(cursors), pending: this.prune() };
      for (const sink of this.sinks) await sink.state(blob);
    });
    return this.lastCheckpoint;
  }

  /** `firstSeen` is set for an instance that was already pending in an earlier sync. */
  private async fetchAndEmit(code: string, window: WindowFields, approvalCode: string, firstSeen?: string): Promise<void> {
    const detail = await this.fetchDetail(code, approvalCode);
    if (!detail) return;
    if (detail.status === 'PENDING') {
      this.pending.set(code, { instance_code: code, approval_code: approvalCode, ...window, first_seen: firstSeen ?? new Date().toISOString() });
    } else if (this.pending.delete(code) && firstSeen) {
      this.counters.becameFinal++;
    }
    await this.onDetail(detail, approvalCode, window, false);
  }

  /** One fetched detail → every selected detail-based stream's rows: the one place a detail becomes output. */
  private async onDetail(detail: InstanceDetail, approvalCode: string, window: WindowFields, gone: boolean): Promise<void> {
    for (const sink of this.sinks) await sink.write(detail, approvalCode, window, gone);
  }

  /** The detail, or undefined when the instance was deleted since it was listed (a WARN, not a failure). */
  private async fetchDetail(code: string, approvalCode: string): Promise<InstanceDetail | undefined> {
    try {
      return await this.ctx.client.getInstance(code, { counters: this.counters });
    } catch (error) {
      if (!(error instanceof FeishuApiError && error.code === FeishuCode.INSTANCE_NOT_FOUND)) throw error;
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
