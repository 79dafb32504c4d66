import { FeishuApiError, FeishuCode } from '../../../../feishu/errors.js';
import type { InstanceDetail } from '../../../../feishu/types.js';
import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../../../kit/protocol.js';
import { toConnectorError } from '../../../sync/errors.js';
import { checkpointBlob } from '../../../state/resumable-state.js';
import { streamBlob, type PartitionCursors } from '../../../state/stream-state.js';
import type { ScanHandlers, SyncContext, WindowFields } from '../../../sync/contract.js';
import type { DetailPart, GoneListener } from '../../stream-part.js';
import { DetailPipeline } from './detail-pipeline.js';
import { deletedDetail } from '../rows/detail-record.js';
import { DetailSinks } from './detail-sink.js';
import { childCounts, fateOf, type FetchedDetail } from '../rows/tombstones.js';
import { isProblem, parseMs } from '../../../values/safe-parse.js';
import { DIGEST_KEY } from '../recheck/digest-state.js';
import { assessDigest, type DigestTrust } from '../recheck/digest-trust.js';
import { EmittedStatuses } from '../recheck/emitted-statuses.js';
import { readPending } from '../recheck/pending.js';
import { RecheckLog } from '../recheck/recheck-log.js';
import { recheckRange } from '../recheck/recheck-plan.js';
import { Nibble, nibbleOf } from '../recheck/status-digest.js';
import { recheckPartition, type PartitionRecheck } from '../recheck/status-recheck.js';

/** A detail as fetched: `gone` when Feishu answered 1390003 (the detail is then a DELETED stub). */
interface Fetched {
  detail: InstanceDetail;
  gone: boolean;
}

/**
 * The detail fan-out of one scan group: first the status recheck (instances
 * whose status changed since they were emitted are fetched again), then every
 * listed code's detail through the pipeline. Each detail is fetched once and
 * handed to every selected detail-based stream of the group (its DetailSink),
 * which writes its rows; STATE messages, one per stream, only once the details
 * they cover are written, each with the digest of emitted statuses.
 *
 * The group guarantees equal saved cursors, so the first stream's state
 * (cursors, digest) is the one to resume and to write to every incremental
 * stream. A full-refresh stream has no cursors, so a stream of the other mode
 * in its group has none either: nothing to re-check for it.
 */
export class DetailFanOut {
  readonly handlers: ScanHandlers = {
    onCode: (code, window) => this.onCode(code, window.fields, window.partition),
    onCheckpoint: (cursors, final) => this.checkpoint(cursors, final),
    onProgress: (progress) => this.sinks.progress(progress),
  };
  private readonly saved: PartitionCursors;
  private readonly mode: SyncMode;
  private readonly sinks: DetailSinks;
  /** The stream whose state this fan-out resumes from (the first of those it serves). */
  private readonly resumedStream: string;
  private readonly pipeline: DetailPipeline;
  private readonly emitted: EmittedStatuses;
  /** Whether the saved digest can be compared against (digest-trust.ts). */
  private readonly trust: DigestTrust;
  /** Codes the recheck fetched; the scan may list them too (lookback). */
  private readonly rechecked = new Set<string>();
  private readonly counters = { requests: 0, retries: 0, deleted: 0, deletedStatus: 0, details: 0, withUserId: 0 };
  private lastCheckpoint: Promise<void> = Promise.resolve();

  /**
   * `parts`: the group's detail-based streams, in the catalog's order;
   * `goneListeners`: streams of the group told of an instance found gone
   * (approval_instances, for its tombstone).
   */
  constructor(
    private readonly ctx: SyncContext,
    parts: readonly DetailPart[],
    private readonly state: AirbyteStateMessage[],
    private readonly goneListeners: readonly GoneListener[],
  ) {
    const first = parts[0]!;
    this.resumedStream = first.sink.stream;
    this.saved = first.saved;
    this.mode = first.mode;
    this.sinks = new DetailSinks(parts.map((p) => p.sink));
    this.pipeline = new DetailPipeline(ctx.config.detailConcurrency);
    const blob = this.mode === 'incremental' ? streamBlob(state, this.resumedStream) : undefined;
    this.emitted = new EmittedStatuses(ctx.config.statusRecheckMs, Date.now(), blob, ctx.config.approvalCodes, this.saved);
    this.trust = ctx.config.statusRecheckMs > 0 ? assessDigest(blob, ctx.config.approvalCodes, this.saved) : { kind: 'absent' };
  }

  /** The names of the streams served, for log lines. */
  private get streamNames(): string {
    return this.sinks.names;
  }

  private writeStates(cursors: PartitionCursors, final: boolean): Promise<void> {
    return this.sinks.state((mode) => this.stateOf(cursors, final, mode), final);
  }

  /** The status recheck, before any window is listed; its records are covered by a STATE of their own. */
  async recheck(): Promise<void> {
    if (this.mode !== 'incremental' || !this.emitted.enabled) return;
    const log = new RecheckLog();
    // A state from before the digest lists the instances last emitted PENDING: fetched once more (window up to now, as below).
    const now = new Date().toISOString();
    for (const entry of readPending(streamBlob(this.state, this.resumedStream))) {
      if (this.rechecked.has(entry.instance_code)) continue;
      this.rechecked.add(entry.instance_code);
      log.legacyPending++;
      await this.pipeline.submit(() => this.fetchAndEmit(entry.instance_code, { created_after: entry.created_after, created_before: now }, entry.approval_code));
    }
    this.distrust();
    // Codes are re-checked side by side: the query and list budgets pace them together.
    await Promise.all(this.ctx.config.approvalCodes.map((approvalCode) => this.recheckCode(approvalCode, log)));
    await this.pipeline.barrier();
    if (!log.empty) this.ctx.emitter.info(`${this.streamNames}: ${log.summary(this.rechecked.size)}`);
    if (log.vanished > 0) {
      this.ctx.emitter.warn(
        `${this.streamNames}: ${log.vanished} instance(s) emitted earlier are no longer named by the bulk query or the list API (deleted); ` +
          'the state keeps no instance codes, so their rows keep the status last emitted.',
      );
    }
    if (this.rechecked.size > 0) await this.writeStates(this.saved, false);
  }

  /** A digest that cannot be read is never taken for a fresh baseline (digest-trust.ts); says what is done instead. */
  private distrust(): void {
    const { trust } = this;
    if (trust.kind === 'unknown-version') {
      this.ctx.emitter.warn(
        `${this.streamNames}: the state's status digest has version ${trust.version}, which this connector version does not read (written by another version). ` +
          'It is kept as it was in every STATE; this sync re-fetches only the PENDING instances, and status changes are compared again once the version that wrote it runs.',
      );
    } else if (trust.kind === 'read' && trust.unreadable.length > 0) {
      // An empty digest makes every instance the query reports look unseen: all are fetched again and remembered.
      for (const code of trust.unreadable) this.emitted.adoptBaseline(code, new Map());
      this.ctx.emitter.warn(
        `${this.streamNames}: the state's status digest of ${trust.unreadable.length} approval code(s) could not be read (${trust.unreadable.slice(0, 3).join(', ')}${trust.unreadable.length > 3 ? ', …' : ''}); ` +
          'every instance the bulk query reports for them within status_recheck_days is fetched again. Revoked or deleted instances it does not report keep the rows last emitted.',
      );
    }
  }

  /** One code's recheck: the instances whose status changed go through the pipeline. */
  private async recheckCode(approvalCode: string, log: RecheckLog): Promise<void> {
    const range = recheckRange(this.saved.get(approvalCode), Date.now(), this.ctx.config.statusRecheckMs, this.ctx.config);
    if (!range) return;
    let result: PartitionRecheck | undefined;
    try {
      result = await recheckPartition(this.ctx, this.emitted.partition(approvalCode), approvalCode, range);
    } catch (error) {
      if (!isScopeMissing(error)) throw error;
      // Connections set up before the recheck may lack the bulk query's scope: the details still come, unrechecked.
      this.ctx.emitter.warn(
        `${this.resumedStream}: status recheck of approval ${approvalCode} skipped: the bulk query was refused (Feishu code ${error.code}). ` +
          'Grant the app the scope approval:approval.list:readonly so that status changes reach the destination, or set status_recheck_days to 0.',
      );
      return;
    }
    if (!result) return;
    // A digest of another version is kept as it was: the query's statuses do not replace it.
    if (this.trust.kind === 'unknown-version') result.baseline = undefined;
    log.add(result);
    if (result.vanished > 0) this.emitted.touched(approvalCode);
    if (result.baseline) this.emitted.adoptBaseline(approvalCode, result.baseline);
    // The window: from the re-checked range's start to now. Every earlier row of the instance ended at a cursor before
    // now (even one written after the last STATE of a killed sync), so an append-dedup destination keeps this one.
    const window: WindowFields = { created_after: new Date(range.fromMs).toISOString(), created_before: new Date(Date.now()).toISOString() };
    for (const [code, createdMs] of result.fetch) {
      if (this.rechecked.has(code)) continue;
      this.rechecked.add(code);
      await this.pipeline.submit(() => this.fetchAndEmit(code, window, approvalCode, createdMs));
    }
  }

  /** Closing log lines, after a sync the fan-out's streams completed. */
  summary(): void {
    this.sinks.summary();
    const { requests, retries, deleted, deletedStatus, details, withUserId } = this.counters;
    const tombstones = this.sinks.tombstones;
    this.ctx.emitter.info(
      `${this.streamNames}: ${requests} detail request(s), ${retries} retr${retries === 1 ? 'y' : 'ies'}, ` +
        `${deleted} instance(s) removed (1390003${this.sinks.rowsWhenGone ? ', emitted as DELETED' : ''}), ${deletedStatus} with status DELETED` +
        (tombstones ? `; tombstones: ${tombstones}` : ''),
    );
    if (details > 0 && withUserId === 0) {
      this.ctx.emitter.warn(
        `${this.streamNames}: none of the ${details} detail(s) read carries a user_id. Feishu fills user_id only when the app has the scope contact:user.employee_id:readonly; grant it to get user ids.`,
      );
    }
  }

  private onCode(code: string, window: WindowFields, approvalCode: string): Promise<void> | undefined {
    if (this.rechecked.has(code)) return undefined;
    return this.pipeline.submit(() => this.fetchAndEmit(code, window, approvalCode));
  }

  /** Waits for details in flight, then sends a STATE held back by pacing; never rejects. */
  async finish(): Promise<void> {
    await this.pipeline.barrier().catch(() => {});
    await this.lastCheckpoint.catch(() => {});
    await this.sinks.flushState();
  }

  /** States leave in the order they were asked for, each once the details it covers are written. */
  private checkpoint(cursors: PartitionCursors, final: boolean): Promise<void> {
    const covered = this.pipeline.barrier();
    // Awaited only once the earlier checkpoints are out: a detail failing meanwhile must not reject
    // with nobody listening (an unhandled rejection kills the process before its TRACE).
    covered.catch(() => {});
    this.lastCheckpoint = this.lastCheckpoint.then(async () => {
      await covered;
      await this.writeStates(cursors, final);
    });
    return this.lastCheckpoint;
  }

  /** The STATE's blob of a stream of this fan-out, in its own sync mode; only an incremental sync keeps the digest (a full refresh starts over without one). */
  private stateOf(cursors: PartitionCursors, final: boolean, mode: SyncMode): JsonObject {
    if (mode !== 'incremental') return checkpointBlob(cursors, 'full_refresh', final);
    const digest = this.trust.kind === 'unknown-version' ? this.trust.field : this.emitted.stateField();
    return { ...checkpointBlob(cursors, 'incremental', final), ...(digest ? { [DIGEST_KEY]: digest } : {}) };
  }

  /**
   * `createdMs`: the creation time when known before the detail (a deleted
   * instance's detail does not say). Whatever the reason of the fetch, the
   * rows are written again, with tombstones for the child rows the digest
   * says were emitted and are gone now (tombstones.ts); then the digest keeps
   * the new status and row counts.
   */
  private async fetchAndEmit(code: string, window: WindowFields, approvalCode: string, createdMs?: number): Promise<void> {
    const { detail, gone } = await this.fetchDetail(code, approvalCode, window);
    const fields: WindowFields = { created_after: window.created_after, created_before: window.created_before };
    const started = parseMs(detail.start_time);
    const created = (isProblem(started) ? undefined : started.value) ?? createdMs;
    const fate = fateOf(detail, gone);
    const seenAt = new Date().toISOString();
    await this.onDetail({ detail, fate, previous: this.emitted.countsOf(approvalCode, code, created), seenAt }, approvalCode, fields);
    if (gone) for (const listener of this.goneListeners) await listener(approvalCode, code, fields, seenAt);
    const counts = this.emitted.tracks(approvalCode, created) ? childCounts(detail, fate) : undefined;
    this.emitted.remember(approvalCode, code, created, gone ? Nibble.GONE : nibbleOf(detail.status, detail['reverted'] === true), counts);
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

  /** The detail; a DELETED stub when the instance was deleted (1390003), so its row says so. */
  private async fetchDetail(code: string, approvalCode: string, window: WindowFields): Promise<Fetched> {
    try {
      return { detail: await this.ctx.client.getInstance(code, { counters: this.counters }), gone: false };
    } catch (error) {
      if (!(error instanceof FeishuApiError && error.code === FeishuCode.INSTANCE_NOT_FOUND)) {
        throw toConnectorError(error, { instanceCode: code, approvalCode, window: `${window.created_after} .. ${window.created_before}` });
      }
      this.counters.deleted++;
      return { detail: deletedDetail(code, approvalCode), gone: true };
    }
  }
}

/** 1390009 (no permission for the operation) and 99991672 / 99991679 (scope not granted). */
function isScopeMissing(error: unknown): error is FeishuApiError {
  return error instanceof FeishuApiError && (error.code === FeishuCode.APPROVAL_NO_PERMISSION || error.code === FeishuCode.NO_PERMISSION || error.code === FeishuCode.NO_PERMISSION_USER);
}
