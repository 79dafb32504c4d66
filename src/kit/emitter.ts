import type { Writable } from 'node:stream';
import type {
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateMessage,
  AirbyteStreamStatusTraceMessage,
  AirbyteErrorTraceMessage,
  AirbyteEstimateTraceMessage,
  LogLevel,
  StreamStatus,
} from './protocol.js';
import type { RecordLineTemplate } from './record-template.js';
import { Redactor } from './redactor.js';

/** What the rest of the connector may log through; LOG messages are protocol messages on stdout. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, stackTrace?: string): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

/** Records are gathered up to this size before one write: a write per record costs too much at 1 M records. */
const CHUNK_BYTES = 64 * 1024;
/**
 * The longest a queued line waits for company before it is written anyway. Half
 * of the 100 ms the platform expects (the Python CDK flushes every 0.1 s), so
 * a late timer on a busy machine still makes it.
 */
const FLUSH_AFTER_MS = 50;

/**
 * The one writer of stdout. Every message is one JSON line and passes the
 * redactor. Records are batched into chunks while they stream fast; any other
 * message (STATE, LOG, TRACE...) is written at once, and a timer writes a
 * lone record within FLUSH_AFTER_MS. `record` and `state` return a promise
 * that waits for the stream to drain when it is full, so a fast source can
 * never pile up a sync's worth of lines in memory.
 */
export class Emitter implements Logger {
  readonly redactor: Redactor;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Set while stdout is full: every producer waits on it, not just the one that filled it. */
  private drain: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly minRank: number;
  /** The last template found free of secrets, and the redactor version it was checked at (a stream uses one at a time). */
  private cleanTemplate: RecordLineTemplate | undefined;
  private cleanTemplateVersion = -1;

  constructor(
    private readonly out: Writable,
    options: { redactor?: Redactor; minLevel?: LogLevel } = {},
  ) {
    this.redactor = options.redactor ?? new Redactor();
    this.minRank = LEVEL_RANK[options.minLevel ?? 'INFO'];
  }

  /** Queues a message; resolves at once unless stdout asks us to wait. Only records wait for company. */
  emit(message: AirbyteMessage): Promise<void> | undefined {
    return this.queueLine(this.redactor.redactLine(JSON.stringify(message) + '\n'), message.type !== 'RECORD');
  }

  /**
   * A RECORD line built from a template (see RecordLineTemplate). Only the
   * varying value is searched for secrets per record; the template's fixed
   * text once per redactor version.
   */
  recordLine(template: RecordLineTemplate, value: string, emittedAt: number = Date.now()): Promise<void> | undefined {
    const line = template.line(value, emittedAt);
    const clean = this.templateIsClean(template) && !this.redactor.mayHoldSecret(value);
    return this.queueLine(clean ? line : this.redactor.redactLine(line), false);
  }

  private templateIsClean(template: RecordLineTemplate): boolean {
    const version = this.redactor.version;
    if (this.cleanTemplate === template && this.cleanTemplateVersion === version) return true;
    if (this.redactor.mayHoldSecret(template.fixedText)) return false;
    this.cleanTemplate = template;
    this.cleanTemplateVersion = version;
    return true;
  }

  /** Queues one redacted line; `urgent` lines (and everything queued before them) are written now. */
  private queueLine(line: string, urgent: boolean): Promise<void> | undefined {
    this.pending.push(line);
    this.pendingBytes += line.length;
    // While stdout is full, the 'drain' handler writes what queued up meanwhile.
    if (this.drain) return this.drain;
    if (urgent || this.pendingBytes >= CHUNK_BYTES) return this.flush();
    this.timer ??= setTimeout(this.onTimer, FLUSH_AFTER_MS);
    return undefined;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (!this.drain) void this.flush();
  };

  /** Writes what is queued; resolves when stdout has room again. */
  flush(): Promise<void> | undefined {
    if (this.pending.length === 0) return this.drain;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (this.out.write(chunk)) return this.drain;
    this.drain ??= new Promise((resolve) =>
      this.out.once('drain', () => {
        this.drain = undefined;
        void this.flush();
        resolve();
      }),
    );
    return this.drain;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 || this.drain) await this.flush();
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }

  record(record: AirbyteRecordMessage): Promise<void> | undefined {
    return this.emit({ type: 'RECORD', record });
  }

  state(state: AirbyteStateMessage): Promise<void> | undefined {
    return this.emit({ type: 'STATE', state });
  }

  streamStatus(stream: string, status: StreamStatus): Promise<void> | undefined {
    const streamStatus: AirbyteStreamStatusTraceMessage = { stream_descriptor: { name: stream }, status };
    return this.emit({
      type: 'TRACE',
      trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: streamStatus },
    });
  }

  /** A TRACE ESTIMATE of the rows `stream` will emit in this sync. */
  estimate(stream: string, rowEstimate: number): Promise<void> | undefined {
    const estimate: AirbyteEstimateTraceMessage = { name: stream, type: 'STREAM', row_estimate: rowEstimate };
    return this.emit({ type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate } });
  }

  errorTrace(error: AirbyteErrorTraceMessage): Promise<void> | undefined {
    return this.emit({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error } });
  }

  log(level: LogLevel, message: string, stackTrace?: string): void {
    if (LEVEL_RANK[level] < this.minRank) return;
    const log: { level: LogLevel; message: string; stack_trace?: string } = { level, message };
    if (stackTrace !== undefined) log.stack_trace = stackTrace;
    void this.emit({ type: 'LOG', log });
  }

  debug(message: string): void {
    this.log('DEBUG', message);
  }
  info(message: string): void {
    this.log('INFO', message);
  }
  warn(message: string): void {
    this.log('WARN', message);
  }
  error(message: string, stackTrace?: string): void {
    this.log('ERROR', message, stackTrace);
  }
}
