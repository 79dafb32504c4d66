import type { Emitter } from '../../../kit/emitter.js';
import type { JsonObject, SyncMode } from '../../../kit/protocol.js';
import type { ScanProgress, WindowFields } from '../../sync/contract.js';
import type { DetailConsumer } from '../details/fetch/detail-sink.js';
import type { FetchedDetail } from '../details/rows/tombstones.js';
import { StreamOutput } from '../stream-output.js';
import type { ContactFetcher, ContactKind, ContactOutput } from './contact-fetcher.js';
import { referencedIds } from './referenced-ids.js';

/**
 * `users` or `departments` in a detail fan-out: each live detail's ids go to the sync's contact
 * fetcher, which writes the rows here. A failure of its endpoint (a missing scope) fails this
 * stream alone: it stops taking ids and writes no more STATE, and the fan-out reads on. Every STATE
 * carries the ids not yet written, and the final one comes after the last partial batches.
 */
export class ContactSink implements DetailConsumer, ContactOutput {
  readonly rowsWhenGone = false;
  /** The people and departments of every configured approval code's instances. */
  readonly codes = undefined;
  readonly tombstones = 0;
  failure: unknown = undefined;
  private readonly out: StreamOutput;

  constructor(
    emitter: Emitter,
    readonly stream: string,
    readonly kind: ContactKind,
    readonly mode: SyncMode,
    private readonly fetcher: ContactFetcher,
  ) {
    this.out = new StreamOutput(emitter, stream);
    fetcher.register(kind, this);
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  fail(error: unknown): void {
    this.failure ??= error;
  }

  async emit(row: JsonObject): Promise<void> {
    const written = this.out.record(row);
    if (written) await written;
  }

  /** A deleted or gone instance names nobody new: its people were looked up when it was live. */
  covers(): boolean {
    return true;
  }

  async write(fetched: FetchedDetail, _approvalCode: string, _window: WindowFields): Promise<void> {
    if (this.failed || fetched.fate !== 'live') return;
    await this.fetcher.offer(this.kind, referencedIds(fetched.detail));
  }

  state(blob: () => JsonObject, final: boolean): Promise<void> | undefined {
    if (this.failed) return undefined;
    const withPending = (): JsonObject => ({ ...blob(), ...this.fetcher.pendingOf(this.kind) });
    if (!final) return this.out.state(withPending, false);
    return this.fetcher.drain(this.kind).then(() => (this.failed ? undefined : this.out.state(withPending, true)));
  }

  flushState(): Promise<void> | undefined {
    return this.failed ? undefined : this.out.flushState();
  }

  /** No row estimate: the number of people does not grow with the span read, as the instances' rows do. */
  progress(_progress: ScanProgress): void {}

  summary(): void {
    this.fetcher.summary(this.kind);
  }
}
