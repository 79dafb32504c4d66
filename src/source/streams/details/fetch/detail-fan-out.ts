import { FeishuCode } from '../../../../feishu/errors.js';
import type { AirbyteStateMessage } from '../../../../kit/protocol.js';
import { streamBlob } from '../../../state/stream-state.js';
import type { ScanHandlers, SyncContext, WindowFields } from '../../../sync/contract.js';
import { isProblem, parseMs } from '../../../values/safe-parse.js';
import { Rechecker } from '../recheck/rechecker.js';
import { Nibble, nibbleOf } from '../recheck/status-digest.js';
import { childCounts, fateOf, type FetchedDetail } from '../rows/tombstones.js';
import type { DetailPart, GoneListener } from '../../stream-part.js';
import { Checkpoints } from './checkpoints.js';
import { DetailFetcher } from './detail-fetcher.js';
import { DetailPipeline } from './detail-pipeline.js';
import { DetailSinks } from './detail-sink.js';

/**
 * The detail fan-out of one scan group: first the status recheck
 * (recheck/rechecker.ts: instances whose status changed since they were
 * emitted are fetched again), then every listed code's detail through the
 * pipeline. Each detail is fetched once (detail-fetcher.ts) and handed to
 * every selected detail-based stream of the group (its DetailSink), which
 * writes its rows; STATE messages, one per stream, only once the details they
 * cover are written (checkpoints.ts), each with the digest of emitted statuses.
 *
 * The group guarantees equal saved cursors on each stream's codes, and the
 * plan puts first a stream of every code the others read, so the first
 * stream's state (cursors, digest) is the one to resume and to write to every
 * incremental stream (each kept to its own codes). A full-refresh stream has no cursors, so a stream of the other mode
 * in its group has none either: nothing to re-check for it.
 */
export class DetailFanOut {
  readonly handlers: ScanHandlers = {
    onCode: (code, window) => this.onCode(code, window.fields, window.partition),
    onCheckpoint: (cursors, final) => this.checkpoints.checkpoint(cursors, final),
    onProgress: (progress) => this.sinks.progress(progress),
  };
  private readonly first: DetailPart;
  private readonly sinks: DetailSinks;
  private readonly pipeline: DetailPipeline;
  private readonly fetcher: DetailFetcher;
  private readonly rechecker: Rechecker;
  private readonly checkpoints: Checkpoints;
  /** Details read, with a user_id, and with status DELETED (for the closing log lines). */
  private readonly counters = { details: 0, withUserId: 0, deletedStatus: 0 };

  /**
   * `parts`: the group's detail-based streams, in the catalog's order;
   * `goneListeners`: streams of the group told of an instance found gone
   * (approval_instances, for its tombstone).
   */
  private readonly ctx: SyncContext;

  constructor(
    syncCtx: SyncContext,
    parts: readonly DetailPart[],
    state: AirbyteStateMessage[],
    private readonly goneListeners: readonly GoneListener[],
  ) {
    this.first = parts[0]!;
    // Form tables read one code each: a fan-out of those alone rechecks and fetches their codes only.
    const codes = parts.some((p) => p.codes === undefined) ? undefined : [...new Set(parts.flatMap((p) => p.codes!))];
    this.ctx = codes === undefined ? syncCtx : { ...syncCtx, config: { ...syncCtx.config, approvalCodes: codes } };
    const ctx = this.ctx;
    this.sinks = new DetailSinks(parts.map((p) => p.sink));
    this.pipeline = new DetailPipeline(ctx.config.detailConcurrency);
    this.fetcher = new DetailFetcher(ctx.client);
    const { mode, saved } = this.first;
    const resumedStream = this.first.sink.stream;
    const blob = mode === 'incremental' ? streamBlob(state, resumedStream) : undefined;
    this.rechecker = new Rechecker(ctx, { mode, saved, blob, resumedStream, streamNames: this.sinks.names });
    this.checkpoints = new Checkpoints(
      this.sinks,
      () => this.pipeline.barrier(),
      () => this.rechecker.digestField(),
    );
  }

  /** The status recheck, before any window is listed; its records are covered by a STATE of their own. */
  async recheck(): Promise<void> {
    const refetched = await this.rechecker.run(this.pipeline, (code, window, approvalCode, createdMs) =>
      this.fetchAndEmit(code, window, approvalCode, createdMs),
    );
    if (refetched) await this.checkpoints.write(this.first.saved, false);
  }

  /** Closing log lines, after a sync the fan-out's streams completed. */
  summary(): void {
    this.sinks.summary();
    const { requests, retries, deleted } = this.fetcher.counters;
    const { deletedStatus, details, withUserId } = this.counters;
    const tombstones = this.sinks.tombstones;
    const streamNames = this.sinks.names;
    this.ctx.emitter.info(
      `${streamNames}: ${requests} detail request(s), ${retries} retr${retries === 1 ? 'y' : 'ies'}, ` +
        `${deleted} instance(s) removed (${FeishuCode.INSTANCE_NOT_FOUND}${this.sinks.rowsWhenGone ? ', emitted as DELETED' : ''}), ${deletedStatus} with status DELETED` +
        (tombstones ? `; tombstones: ${tombstones}` : ''),
    );
    if (details > 0 && withUserId === 0) {
      this.ctx.emitter.warn(
        `${streamNames}: none of the ${details} detail(s) read carries a user_id. Feishu fills user_id only when the app has the scope contact:user.employee_id:readonly; grant it to get user ids.`,
      );
    }
  }

  private onCode(code: string, window: WindowFields, approvalCode: string): Promise<void> | undefined {
    // The scan may list codes for other streams of its group (approval_instances): no detail nobody needs.
    if (this.rechecker.isRechecked(code) || !this.sinks.covers(approvalCode)) return undefined;
    return this.pipeline.submit(() => this.fetchAndEmit(code, window, approvalCode));
  }

  /** Waits for details in flight, then sends a STATE held back by pacing; never rejects. */
  async finish(): Promise<void> {
    await this.pipeline.barrier().catch(() => {});
    await this.checkpoints.settle();
  }

  /**
   * `createdMs`: the creation time when known before the detail (a deleted
   * instance's detail does not say). Whatever the reason of the fetch, the
   * rows are written again, with tombstones for the child rows the digest
   * says were emitted and are gone now (rows/tombstones.ts); then the digest
   * keeps the new status and row counts.
   */
  private async fetchAndEmit(
    code: string,
    window: WindowFields,
    approvalCode: string,
    createdMs?: number,
  ): Promise<void> {
    const { detail, gone } = await this.fetcher.fetch(code, approvalCode, window);
    const emitted = this.rechecker.emitted;
    const fields: WindowFields = { created_after: window.created_after, created_before: window.created_before };
    const started = parseMs(detail.start_time);
    const created = (isProblem(started) ? undefined : started.value) ?? createdMs;
    const fate = fateOf(detail, gone);
    const seenAt = new Date().toISOString();
    await this.onDetail(
      { detail, fate, previous: emitted.countsOf(approvalCode, code, created), seenAt },
      approvalCode,
      fields,
    );
    if (gone) for (const listener of this.goneListeners) await listener(approvalCode, code, fields, seenAt);
    const counts = emitted.tracks(approvalCode, created) ? childCounts(detail, fate) : undefined;
    emitted.remember(
      approvalCode,
      code,
      created,
      gone ? Nibble.GONE : nibbleOf(detail.status, detail['reverted'] === true),
      counts,
    );
  }

  /** One fetched detail → every selected detail-based stream's rows: the one place a detail becomes output. */
  private async onDetail(fetched: FetchedDetail, approvalCode: string, window: WindowFields): Promise<void> {
    const { detail } = fetched;
    if (detail.start_time !== undefined) {
      this.counters.details++;
      if (detail.user_id) this.counters.withUserId++;
    }
    if (fetched.fate === 'deleted') this.counters.deletedStatus++;
    await this.sinks.write(fetched, approvalCode, window);
  }
}
