import { HASH_SPAN, minuteOfKey, type PartitionDigest } from './status-digest.js';

/**
 * Status digest version 3: besides each instance's key and status nibble, the
 * number of rows last emitted for it per child stream (approval_tasks,
 * approval_timeline, approval_form_fields), so that the rows of a tail that
 * vanished, or of a deleted instance, can be tombstoned. All pure.
 *
 * One partition is a stream of 4-bit nibbles (high nibble first, base64'd),
 * entries sorted by key, each:
 *   num(minute - previous minute)   the first from the digest's base minute
 *   hash                            4 nibbles (the code's 16-bit hash)
 *   status                          1 nibble (Nibble)
 *   num(tasks + 1)                  0 = counts unknown (an entry from a version 1-2 digest or a baseline): then nothing follows
 *   num(timeline) num(form)         only when the counts are known
 * num(v): one nibble when v < 15, else nibble 15 then v - 15 in 3-bit groups,
 * low first, the high bit of each nibble saying another group follows.
 * A typical instance (minutes apart by < 15, under 14 tasks and timeline
 * events, 15 to 22 form rows) costs 10 nibbles: 5 bytes, as versions 1-2.
 * An odd count of nibbles ends with a 0 nibble, shorter than any entry.
 */

/** Rows last emitted per child stream for one instance. */
export interface ChildCounts {
  tasks: number;
  timeline: number;
  form: number;
}

/** One partition's counts: digest key → counts. A key without counts has unknown counts. */
export type PartitionCounts = Map<number, ChildCounts>;

const ESCAPE = 15;
/** The fewest nibbles an entry takes: delta, hash, status, unknown counts. */
const MIN_ENTRY_NIBBLES = 7;
/** Groups of 3 bits a number may take after the escape: 45 bits, beyond any minute offset or count. */
const MAX_GROUPS = 15;

class NibbleWriter {
  private readonly nibbles: number[] = [];

  nibble(n: number): void {
    this.nibbles.push(n & 0xf);
  }

  num(value: number): void {
    if (value < ESCAPE) return this.nibble(value);
    this.nibble(ESCAPE);
    let rest = value - ESCAPE;
    do {
      const group = rest % 8;
      rest = Math.floor(rest / 8);
      this.nibble((rest > 0 ? 8 : 0) | group);
    } while (rest > 0);
  }

  base64(): string {
    const bytes = Buffer.alloc(Math.ceil(this.nibbles.length / 2));
    for (let i = 0; i < this.nibbles.length; i++)
      bytes[i >> 1]! |= i % 2 === 0 ? this.nibbles[i]! << 4 : this.nibbles[i]!;
    return bytes.toString('base64');
  }
}

class NibbleReader {
  private at = 0;
  readonly length: number;

  constructor(private readonly bytes: Buffer) {
    this.length = bytes.length * 2;
  }

  get remaining(): number {
    return this.length - this.at;
  }

  nibble(): number {
    if (this.at >= this.length) throw new RangeError('truncated');
    const byte = this.bytes[this.at >> 1]!;
    const n = this.at % 2 === 0 ? byte >>> 4 : byte & 0xf;
    this.at++;
    return n;
  }

  num(): number {
    const first = this.nibble();
    if (first < ESCAPE) return first;
    let value = 0;
    let scale = 1;
    for (let groups = 0; groups < MAX_GROUPS; groups++) {
      const n = this.nibble();
      value += (n & 7) * scale;
      scale *= 8;
      if ((n & 8) === 0) return value + ESCAPE;
    }
    throw new RangeError('number too long');
  }
}

/** Packs one partition from `baseMinute`; entries created before it are left out (they look unseen, and are checked again). */
export function packPartitionV3(
  statuses: PartitionDigest,
  counts: PartitionCounts | undefined,
  baseMinute: number,
): string {
  const keys = [...statuses.keys()].sort((a, b) => a - b);
  const out = new NibbleWriter();
  let previous = baseMinute;
  for (const key of keys) {
    const minute = minuteOfKey(key);
    if (minute < previous) continue;
    out.num(minute - previous);
    previous = minute;
    const hash = key % HASH_SPAN;
    for (const shift of [12, 8, 4, 0]) out.nibble(hash >>> shift);
    out.nibble(statuses.get(key)!);
    const c = counts?.get(key);
    if (!c) {
      out.num(0);
      continue;
    }
    out.num(c.tasks + 1);
    out.num(c.timeline);
    out.num(c.form);
  }
  return out.base64();
}

/** The inverse of packPartitionV3; undefined when `entries` is not a version 3 partition. */
export function unpackPartitionV3(
  entries: unknown,
  baseMinute: number,
): { statuses: PartitionDigest; counts: PartitionCounts } | undefined {
  if (typeof entries !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(entries)) return undefined;
  const reader = new NibbleReader(Buffer.from(entries, 'base64'));
  const statuses: PartitionDigest = new Map();
  const counts: PartitionCounts = new Map();
  let minute = baseMinute;
  try {
    while (reader.remaining >= MIN_ENTRY_NIBBLES) {
      minute += reader.num();
      let hash = 0;
      for (let i = 0; i < 4; i++) hash = (hash << 4) | reader.nibble();
      const key = minute * HASH_SPAN + hash;
      statuses.set(key, reader.nibble());
      const tasks = reader.num();
      if (tasks > 0) counts.set(key, { tasks: tasks - 1, timeline: reader.num(), form: reader.num() });
    }
  } catch {
    return undefined;
  }
  // What is left is at most the padding nibble; anything else means the text was cut.
  if (reader.remaining > 1 || !Number.isSafeInteger(minute * HASH_SPAN)) return undefined;
  return { statuses, counts };
}
