import type { Emitter } from '../../../kit/emitter.js';
import type { InstanceDetail } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import type { WindowFields } from '../../sync-contract.js';
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
    /** Whether the stream is read incrementally (it then writes STATE messages). */
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

  state(blob: JsonObject): Promise<void> | undefined {
    return this.out.state(blob);
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

  /** The incremental streams' STATE; `blob` is built only when one of them needs it (full refresh writes none). */
  async state(blob: () => JsonObject): Promise<void> {
    const incremental = this.all.filter((sink) => sink.incremental);
    if (incremental.length === 0) return;
    const built = blob();
    for (const sink of incremental) await sink.state(built);
  }

  summary(): void {
    for (const sink of this.all) sink.summary();
  }
}
