import type { Emitter } from '../../../kit/emitter.js';
import type { InstanceDetail } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import type { ScanProgress, WindowFields } from '../../sync-contract.js';
import { ValueIssues } from '../../values/value-issues.js';
import { StreamOutput } from '../stream-output.js';
import type { DetailRowMapper } from './detail-rows.js';

/** What a detail-based stream adds to the shared detail scan: its name and how a detail becomes its rows. */
export interface DetailSinkSpec {
  stream: string;
  rows: DetailRowMapper;
  /** Whether an instance that is gone (1390003) still yields rows, from its DELETED stub. */
  rowsWhenGone: boolean;
}

/**
 * One detail-based stream's output in a shared detail scan: its records, its
 * STATE messages (each counting its own records) and its unreadable values.
 */
export class DetailSink {
  private readonly out: StreamOutput;
  private readonly issues: ValueIssues;

  constructor(
    emitter: Emitter,
    private readonly spec: DetailSinkSpec,
    /** Whether the stream is read incrementally (its STATE then carries the digest). */
    readonly incremental: boolean,
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

  async write(detail: InstanceDetail, approvalCode: string, window: WindowFields, gone: boolean): Promise<void> {
    if (gone && !this.spec.rowsWhenGone) return;
    const report = this.issues.about(`instance ${detail.instance_code}`);
    for (const row of this.spec.rows(detail, { approvalCode, window, report })) {
      const written = this.out.record(row);
      if (written) await written;
    }
  }

  /** A checkpoint, paced by the stream's output; `blob` is built when the STATE leaves. */
  state(blob: () => JsonObject, final: boolean): Promise<void> | undefined {
    return this.out.state(blob, final);
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

/** The detail-based streams one DetailScan serves: each fetched detail goes to all of them. */
export class DetailSinks {
  private readonly all: DetailSink[];

  constructor(first: DetailSink) {
    this.all = [first];
  }

  /** Takes over the streams of another scan's sinks. */
  add(other: DetailSinks): void {
    this.all.push(...other.all);
  }

  /** The stream names, for log lines. */
  get names(): string {
    return this.all.map((s) => s.stream).join(', ');
  }

  /** Whether any of them writes rows for an instance that is gone (1390003). */
  get rowsWhenGone(): boolean {
    return this.all.some((s) => s.rowsWhenGone);
  }

  async write(detail: InstanceDetail, approvalCode: string, window: WindowFields, gone: boolean): Promise<void> {
    for (const sink of this.all) await sink.write(detail, approvalCode, window, gone);
  }

  /** Every stream's checkpoint, in its own sync mode; each blob is built once, when a STATE first needs it. */
  async state(blobFor: (incremental: boolean) => JsonObject, final: boolean): Promise<void> {
    const built = new Map<boolean, JsonObject>();
    const blob = (incremental: boolean): JsonObject => {
      if (!built.has(incremental)) built.set(incremental, blobFor(incremental));
      return built.get(incremental)!;
    };
    for (const sink of this.all) await sink.state(() => blob(sink.incremental), final);
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
