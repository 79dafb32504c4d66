import type { Emitter } from '../../kit/emitter.js';
import type { JsonObject } from '../../kit/protocol.js';
import type { RecordLineTemplate } from '../../kit/record-template.js';
import type { ScanProgress } from '../sync/contract.js';
import { ESTIMATE_GAP_MS, estimateRows, nextStateAtMs, type SentState } from './pacing.js';

/**
 * What a stream writes: records (the first one announces RUNNING), paced
 * STATE messages whose recordCount is exactly the records written since the
 * previous STATE, and paced row estimates (see pacing.ts).
 */
export class StreamOutput {
  private sinceState = 0;
  private rows = 0;
  /** Instances whose rows this stream has written (see `codeWritten`), for row estimates. */
  private codesWritten = 0;
  private running = false;
  private lastState: SentState | undefined;
  /** The newest checkpoint that pacing held back; it covers every record written before it was asked for. */
  private heldBack: (() => JsonObject) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEstimateMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emitter: Emitter,
    readonly stream: string,
  ) {}

  record(data: JsonObject): Promise<void> | undefined {
    this.count();
    return this.emitter.record({ stream: this.stream, data, emitted_at: Date.now() });
  }

  /** The same as `record`, for records built from a template that varies one field. */
  recordFromTemplate(template: RecordLineTemplate, value: string): Promise<void> | undefined {
    this.count();
    return this.emitter.recordLine(template, value);
  }

  /** Records written since the last STATE (what the next one will count). */
  get recordsSinceState(): number {
    return this.sinceState;
  }

  private count(): void {
    if (!this.running) {
      this.running = true;
      void this.emitter.streamStatus(this.stream, 'RUNNING');
    }
    this.sinceState++;
    this.rows++;
  }

  /**
   * A checkpoint: sent now when pacing allows (or when `final`), else held
   * back and sent by a timer, replaced by any newer checkpoint meanwhile.
   * `blob` is built only when the STATE leaves.
   */
  state(blob: () => JsonObject, final = false): Promise<void> | undefined {
    const nowMs = Date.now();
    const dueMs = nextStateAtMs(this.lastState);
    if (final || nowMs >= dueMs) {
      this.dropHeldBack();
      return this.send(blob());
    }
    this.heldBack = blob;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flushState();
    }, dueMs - nowMs).unref();
    return undefined;
  }

  /** Sends the checkpoint pacing held back, if any. */
  flushState(): Promise<void> | undefined {
    const held = this.heldBack;
    this.dropHeldBack();
    return held ? this.send(held()) : undefined;
  }

  /** One instance's rows (none, one or many) are written: the estimate's rows per instance. */
  codeWritten(): void {
    this.codesWritten++;
  }

  /** A TRACE ESTIMATE from the scan's progress, at most every ESTIMATE_GAP_MS; none until there is a basis. */
  progress(progress: ScanProgress): void {
    const nowMs = Date.now();
    if (nowMs - this.lastEstimateMs < ESTIMATE_GAP_MS) return;
    const rows = estimateRows({ rowsSoFar: this.rows, codesWritten: this.codesWritten, ...progress });
    if (rows === undefined) return;
    this.lastEstimateMs = nowMs;
    void this.emitter.estimate(this.stream, rows);
  }

  private dropHeldBack(): void {
    this.heldBack = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(blob: JsonObject): Promise<void> | undefined {
    const recordCount = this.sinceState;
    this.sinceState = 0;
    this.lastState = { atMs: Date.now(), bytes: JSON.stringify(blob).length };
    return this.emitter.state({
      type: 'STREAM',
      stream: { stream_descriptor: { name: this.stream }, stream_state: blob },
      sourceStats: { recordCount },
    });
  }
}
