import type { Writable } from 'node:stream';
import type {
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateMessage,
  AirbyteStreamStatusTraceMessage,
  AirbyteErrorTraceMessage,
  LogLevel,
  StreamStatus,
} from './protocol.js';
import { Redactor } from './redactor.js';

/** What the rest of the connector may log through; LOG messages are protocol messages on stdout. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, stackTrace?: string): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

/** Lines are gathered up to this size before one write: a write per record costs too much at 1 M records. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The one writer of stdout. Every message is one JSON line. `record` and
 * `state` return a promise that waits for the stream to drain when it is full,
 * so a fast source can never pile up a sync's worth of lines in memory.
 * LOG and TRACE text goes through the redactor.
 */
export class Emitter implements Logger {
  readonly redactor: Redactor;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Set while stdout is full: every producer waits on it, not just the one that filled it. */
  private drain: Promise<void> | undefined;
  private readonly minRank: number;

  constructor(
    private readonly out: Writable,
    options: { redactor?: Redactor; minLevel?: LogLevel } = {},
  ) {
    this.redactor = options.redactor ?? new Redactor();
    this.minRank = LEVEL_RANK[options.minLevel ?? 'INFO'];
  }

  /** Queues a message; resolves at once unless stdout asks us to wait. */
  emit(message: AirbyteMessage): Promise<void> | undefined {
    return this.emitLine(JSON.stringify(message) + '\n');
  }

  /** Queues one already serialised message line (see RecordLineTemplate), newline included. */
  emitLine(line: string): Promise<void> | undefined {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.drain) return this.drain;
    if (this.pendingBytes >= CHUNK_BYTES) return this.flush();
    return undefined;
  }

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
        resolve();
      }),
    );
    return this.drain;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async close(): Promise<void> {
    await this.flush();
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
    return this.emit({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: streamStatus } });
  }

  errorTrace(error: AirbyteErrorTraceMessage): Promise<void> | undefined {
    const clean: AirbyteErrorTraceMessage = { ...error, message: this.redactor.redact(error.message) };
    if (error.internal_message !== undefined) clean.internal_message = this.redactor.redact(error.internal_message);
    if (error.stack_trace !== undefined) clean.stack_trace = this.redactor.redact(error.stack_trace);
    return this.emit({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error: clean } });
  }

  log(level: LogLevel, message: string, stackTrace?: string): void {
    if (LEVEL_RANK[level] < this.minRank) return;
    const log: { level: LogLevel; message: string; stack_trace?: string } = { level, message: this.redactor.redact(message) };
    if (stackTrace !== undefined) log.stack_trace = this.redactor.redact(stackTrace);
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
