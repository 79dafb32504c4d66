import type { Emitter } from '../../kit/emitter.js';
import type { JsonObject } from '../../kit/protocol.js';
import type { RecordLineTemplate } from '../../kit/record-template.js';

/**
 * What a stream writes: records (the first one announces RUNNING) and states
 * whose recordCount is exactly the records written since the previous state.
 */
export class StreamOutput {
  private sinceState = 0;
  private running = false;

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

  private count(): void {
    if (!this.running) {
      this.running = true;
      void this.emitter.streamStatus(this.stream, 'RUNNING');
    }
    this.sinceState++;
  }

  state(blob: JsonObject): Promise<void> | undefined {
    const recordCount = this.sinceState;
    this.sinceState = 0;
    return this.emitter.state({ type: 'STREAM', stream: { stream_descriptor: { name: this.stream }, stream_state: blob }, sourceStats: { recordCount } });
  }
}
