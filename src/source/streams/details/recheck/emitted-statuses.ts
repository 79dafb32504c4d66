import type { JsonObject } from '../../../../kit/protocol.js';
import type { PartitionCursors } from '../../../state/stream-state.js';
import { packedField, readDigest, type DigestCounts, type StatusDigest } from './digest-state.js';
import { packPartitionV3, type ChildCounts } from './digest-v3.js';
import { digestKey, earliestMinute, pruneBefore, type Nibble, type PartitionDigest } from './status-digest.js';

/**
 * The statuses the details stream emitted for the instances inside the recheck
 * span, per approval code. A partition's digest is only kept while it is
 * complete (it came from the state, or this sync reads the partition from its
 * start, or the recheck took the query's statuses as baseline): an incomplete
 * one would make every instance it lacks look new. Beside each status it
 * keeps the rows last emitted per child stream (unknown for instances read
 * from a digest before version 3 or from a baseline).
 */
export class EmittedStatuses {
  private readonly digest: StatusDigest = new Map();
  /** Row counts per partition; a key of `digest` without counts here has unknown counts. */
  private readonly counts: DigestCounts = new Map();
  /** Each partition packed as of the last STATE; `changed` ones are packed again for the next. */
  private readonly packed = new Map<string, string>();
  private readonly changed = new Set<string>();
  /** The base minute the packed partitions count from. */
  private packedBase: number | undefined;

  constructor(
    private readonly spanMs: number,
    private readonly nowMs: number,
    blob: JsonObject | undefined,
    approvalCodes: string[],
    saved: PartitionCursors,
  ) {
    if (spanMs <= 0) return;
    const stored = readDigest(blob, approvalCodes, this.counts);
    for (const code of approvalCodes) {
      const partition = stored.get(code) ?? (saved.has(code) ? undefined : new Map<number, number>());
      if (!partition) continue;
      pruneBefore(partition, this.spanStartMs);
      this.digest.set(code, partition);
      this.changed.add(code);
    }
  }

  get enabled(): boolean {
    return this.spanMs > 0;
  }

  /** Instances created before this are outside the recheck span. */
  get spanStartMs(): number {
    return this.nowMs - this.spanMs;
  }

  /** The partition's digest, or undefined while it has none (a state from before the digest). */
  partition(approvalCode: string): PartitionDigest | undefined {
    return this.digest.get(approvalCode);
  }

  /** A partition without a digest starts from the statuses the bulk query reports. */
  adoptBaseline(approvalCode: string, baseline: PartitionDigest): void {
    pruneBefore(baseline, this.spanStartMs);
    this.digest.set(approvalCode, baseline);
    // The query tells statuses, not rows: their counts are unknown.
    this.counts.delete(approvalCode);
    this.changed.add(approvalCode);
  }

  /** Whether what is emitted for an instance created at `createdMs` is remembered (then its row counts are worth computing). */
  tracks(approvalCode: string, createdMs: number | undefined): createdMs is number {
    // A creation time in the future is an odd value, not a key: such an instance is re-checked as unseen instead.
    return (
      this.digest.has(approvalCode) &&
      createdMs !== undefined &&
      createdMs >= this.spanStartMs &&
      createdMs <= this.nowMs + 86_400_000
    );
  }

  /**
   * Notes what was emitted for one instance (its creation time decides whether
   * it is inside the span): its status and, when given, its child row counts.
   */
  remember(
    approvalCode: string,
    instanceCode: string,
    createdMs: number | undefined,
    nibble: Nibble,
    counts?: ChildCounts,
  ): void {
    if (!this.tracks(approvalCode, createdMs)) return;
    const key = digestKey(instanceCode, createdMs);
    this.digest.get(approvalCode)!.set(key, nibble);
    let partitionCounts = this.counts.get(approvalCode);
    if (!partitionCounts) this.counts.set(approvalCode, (partitionCounts = new Map()));
    if (counts) partitionCounts.set(key, counts);
    else partitionCounts.delete(key);
    this.changed.add(approvalCode);
  }

  /** The child row counts last emitted for an instance; undefined when unknown (nothing to tombstone then). */
  countsOf(approvalCode: string, instanceCode: string, createdMs: number | undefined): ChildCounts | undefined {
    if (!this.tracks(approvalCode, createdMs)) return undefined;
    const key = digestKey(instanceCode, createdMs);
    return this.digest.get(approvalCode)!.has(key) ? this.counts.get(approvalCode)?.get(key) : undefined;
  }

  /** Entries dropped outside (vanished instances) make the partition change too. */
  touched(approvalCode: string): void {
    if (this.digest.has(approvalCode)) this.changed.add(approvalCode);
  }

  /**
   * The state field, or undefined when re-checking is off. Every partition is
   * packed from one base, the earliest minute in the whole digest, so equal
   * digests give equal states whenever the sync runs; when that minute moves
   * (an earlier instance arrives, the earliest one goes) all are packed again.
   */
  stateField(): JsonObject | undefined {
    if (!this.enabled) return undefined;
    for (const code of this.changed) pruneBefore(this.digest.get(code)!, this.spanStartMs);
    const base = earliestMinute(this.digest.values());
    if (base !== this.packedBase) {
      this.packedBase = base;
      for (const code of this.digest.keys()) this.changed.add(code);
    }
    for (const code of this.changed)
      this.packed.set(code, packPartitionV3(this.digest.get(code)!, this.counts.get(code), base));
    this.changed.clear();
    return packedField(this.packed, base);
  }
}
