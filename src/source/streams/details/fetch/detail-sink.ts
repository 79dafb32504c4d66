import type { Emitter } from '../../../../kit/emitter.js';
import type { JsonObject, SyncMode } from '../../../../kit/protocol.js';
import type { ScanProgress, WindowFields } from '../../../sync/contract.js';
import { ValueIssues } from '../../../values/value-issues.js';
import { StreamOutput } from '../../stream-output.js';
import { deletedDetail } from '../rows/detail-record.js';
import type { DetailRowMapper } from '../rows/detail-rows.js';
import type { ChildCounts } from '../recheck/digest-v3.js';
import { tombstoneIndexes, tombstoneRow, type FetchedDetail } from '../rows/tombstones.js';

/** A child stream's positional key: the count of the digest it owns and the field holding the position. */
export interface ChildKey {
  count: keyof ChildCounts;
  indexField: string;
}

/** What a detail-based stream adds to the shared detail scan: its name and how a detail becomes its rows. */
export interface DetailSinkSpec {
  stream: string;
  rows: DetailRowMapper;
  /** Whether an instance that is deleted or gone (1390003) yields a row from its DELETED stub (approval_instance_details). */
  rowsWhenGone: boolean;
  /** For a child stream (tasks, timeline, form fields): its positional key, so vanished rows get tombstones. */
  child?: ChildKey;
  /** The schema's properties, in order: a tombstone names each (null). */
  fields: readonly string[];
  /** The approval codes whose instances the stream has rows for (a form table: its one code); undefined: all. */
  codes?: readonly string[];
  /** A one-row-per-instance stream whose deleted or gone instance's row gets a tombstone (a form table). */
  tombstoneWhenGone?: boolean;
}

/**
 * What a detail fan-out hands each fetched detail to: one stream's output in a shared detail
 * scan. DetailSink below makes rows of the detail itself; the contact streams (streams/contacts/)
 * look up the people and departments it names.
 */
export interface DetailConsumer {
  readonly stream: string;
  readonly mode: SyncMode;
  readonly rowsWhenGone: boolean;
  /** Tombstones written in this sync (for the closing log line). */
  readonly tombstones: number;
  /** Set when this stream failed on its own: the fan-out reads on for the others, and it writes no more STATE. */
  readonly failure?: unknown;
  /** The approval codes the stream has rows for (a form table: its one code); undefined: every configured one. */
  readonly codes: readonly string[] | undefined;
  /** Whether the stream has rows for this approval code. */
  covers(approvalCode: string): boolean;
  write(fetched: FetchedDetail, approvalCode: string, window: WindowFields): Promise<void>;
  state(blob: () => JsonObject, final: boolean): Promise<void> | undefined;
  flushState(): Promise<void> | undefined;
  progress(progress: ScanProgress): void;
  summary(): void;
}

/**
 * One detail-based stream's output in a shared detail scan: its records, its
 * STATE messages (each counting its own records) and its unreadable values.
 */
export class DetailSink implements DetailConsumer {
  private readonly out: StreamOutput;
  private readonly issues: ValueIssues;
  /** Tombstones written in this sync (for the closing log line). */
  tombstones = 0;
  /** The last checkpoint asked for, as JSON (streams of some codes only, see state). */
  private lastAsked: string | undefined;

  constructor(
    emitter: Emitter,
    private readonly spec: DetailSinkSpec,
    /** The stream's sync mode: an incremental STATE carries the digest, and only an incremental sync writes tombstones. */
    readonly mode: SyncMode,
  ) {
    this.out = new StreamOutput(emitter, spec.stream);
    this.issues = new ValueIssues(spec.stream, emitter);
  }

  get stream(): string {
    return this.spec.stream;
  }

  get rowsWhenGone(): boolean {
    return this.spec.rowsWhenGone;
  }

  /** The approval codes the stream has rows for; undefined: every configured one. */
  get codes(): readonly string[] | undefined {
    return this.spec.codes;
  }

  /** Whether the stream has rows for instances of this approval code. */
  covers(approvalCode: string): boolean {
    return this.spec.codes === undefined || this.spec.codes.includes(approvalCode);
  }

  /**
   * One fetched detail's rows. A deleted or gone instance: its DELETED stub's
   * row in approval_instance_details; tombstones, in an incremental sync, for
   * every row a child stream emitted for it (in a full refresh, nothing: the
   * table is replaced). A live one: its rows, and tombstones for the child
   * rows emitted before that it no longer has.
   */
  async write(fetched: FetchedDetail, approvalCode: string, window: WindowFields): Promise<void> {
    await this.writeRows(fetched, approvalCode, window);
    // After its rows: an estimate's rows per instance never counts an instance whose rows are still to come.
    this.out.codeWritten();
  }

  private async writeRows(fetched: FetchedDetail, approvalCode: string, window: WindowFields): Promise<void> {
    const { detail, fate } = fetched;
    if (!this.covers(approvalCode)) return;
    const report = this.issues.about(`instance ${detail.instance_code}`);
    const child = this.spec.child;
    if (!child) {
      if (fate !== 'live' && this.spec.tombstoneWhenGone) {
        if (this.mode !== 'incremental') return;
        const keys = { approval_code: detail.approval_code ?? approvalCode, instance_code: detail.instance_code };
        this.tombstones++;
        return this.emit(tombstoneRow(this.spec.fields, keys, undefined, 0, window, fetched.seenAt));
      }
      if (fate !== 'live' && !this.spec.rowsWhenGone) return;
      const shown =
        fate === 'live' ? detail : deletedDetail(detail.instance_code, detail.approval_code ?? approvalCode);
      for (const row of this.spec.rows(shown, { approvalCode, window, report })) await this.emit(row);
      return;
    }
    const rows = fate === 'gone' ? [] : this.spec.rows(detail, { approvalCode, window, report });
    if (fate === 'live') for (const row of rows) await this.emit(row);
    if (this.mode !== 'incremental') return;
    const emitted = rows.map((row) => row[child.indexField] as number);
    const indexes = tombstoneIndexes(fetched.previous?.[child.count], emitted, fate);
    const keys = { approval_code: detail.approval_code ?? approvalCode, instance_code: detail.instance_code };
    for (const index of indexes)
      await this.emit(tombstoneRow(this.spec.fields, keys, child.indexField, index, window, fetched.seenAt));
    this.tombstones += indexes.length;
  }

  private async emit(row: JsonObject): Promise<void> {
    const written = this.out.record(row);
    if (written) await written;
  }

  /**
   * A checkpoint, paced by the stream's output; `blob` is built when the
   * STATE leaves (the caller keeps it to the stream's codes). A stream of some
   * codes only (a form table) skips a checkpoint that moves nothing of its
   * own: no record since its last STATE and the same blob. The scan
   * checkpoints whenever any code's cursor moves, and hundreds of form tables
   * would each send a STATE a second, every one alike.
   */
  state(blob: () => JsonObject, final: boolean): Promise<void> | undefined {
    if (this.spec.codes === undefined || final) return this.out.state(blob, final);
    const built = blob();
    const text = JSON.stringify(built);
    if (text === this.lastAsked && this.out.recordsSinceState === 0) return undefined;
    this.lastAsked = text;
    return this.out.state(() => built, final);
  }

  flushState(): Promise<void> | undefined {
    return this.out.flushState();
  }

  progress(progress: ScanProgress): void {
    this.out.progress(progress);
  }

  /** The closing line about values written as null. */
  summary(): void {
    this.issues.summary();
  }
}

/** The detail-based streams one detail fan-out serves: each fetched detail goes to all of them. */
export class DetailSinks {
  constructor(private readonly all: readonly DetailConsumer[]) {}

  /** The stream names, for log lines. */
  get names(): string {
    return this.all.map((s) => s.stream).join(', ');
  }

  /** Whether any of them writes rows for an instance that is gone (1390003). */
  get rowsWhenGone(): boolean {
    return this.all.some((s) => s.rowsWhenGone);
  }

  async write(fetched: FetchedDetail, approvalCode: string, window: WindowFields): Promise<void> {
    for (const sink of this.all) await sink.write(fetched, approvalCode, window);
  }

  /** Tombstones written per stream, e.g. "approval_tasks 3, approval_timeline 5"; empty when none. */
  get tombstones(): string {
    return this.all
      .filter((s) => s.tombstones > 0)
      .map((s) => `${s.stream} ${s.tombstones}`)
      .join(', ');
  }

  /** Every stream's checkpoint, in its own sync mode and of its own codes; each blob is built once, when a STATE first needs it. */
  async state(
    blobFor: (mode: SyncMode, codes: readonly string[] | undefined) => JsonObject,
    final: boolean,
  ): Promise<void> {
    const built = new Map<string, JsonObject>();
    const blob = (sink: DetailConsumer): JsonObject => {
      const key = `${sink.mode} ${JSON.stringify(sink.codes ?? null)}`;
      if (!built.has(key)) built.set(key, blobFor(sink.mode, sink.codes));
      return built.get(key)!;
    };
    for (const sink of this.all) await sink.state(() => blob(sink), final);
  }

  /** Whether any of them has rows for this approval code (the fan-out fetches no detail none of them needs). */
  covers(approvalCode: string): boolean {
    return this.all.some((s) => s.covers(approvalCode));
  }

  async flushState(): Promise<void> {
    for (const sink of this.all) await sink.flushState();
  }

  progress(progress: ScanProgress): void {
    for (const sink of this.all) sink.progress(progress);
  }

  summary(): void {
    for (const sink of this.all) sink.summary();
  }
}
