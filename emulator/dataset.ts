/**
 * The emulated approval instances: generation, look-up, range queries and mutation.
 *
 * Benchmarks hold up to 1M instances, so the layout is columnar and allocation-free:
 * - every instance is a numeric id into typed-array columns (creation time, salt, serial, ...);
 *   its code is computed from (id, salt) on demand (instance-codes.ts), so nothing per instance is
 *   a JS object or string — about 40 bytes per instance, and generation is a few hundred ms;
 * - per approval code a "view" holds the ids sorted by (createTimeMs, instanceCode) plus the
 *   sorted times, searched by binary search, so a list page costs O(log n + page);
 * - views are copy-on-write: adding or deleting builds a new view, which lets a page-token
 *   snapshot keep a plain reference to the view it was cut from (no copying per query).
 */
import type { BoundSemantics, EmulatorOptions } from './options.js';
import { InstanceCodec } from './instance-codes.js';
import { deriveSeed, mulberry32, uuidLike, type Random } from './random.js';

/** One instance as the test oracle sees it. */
export interface InstanceTruth {
  approvalCode: string;
  instanceCode: string;
  createTimeMs: number;
  indexedAtMs: number;
}

export interface AddInstancesRequest {
  approvalCode: string;
  count: number;
  /** Default: now. */
  createdFromMs?: number;
  /** Default: now. */
  createdToMs?: number;
  /** Default: options.indexDelayMs. */
  indexDelayMs?: number;
}

export type InstanceStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELED' | 'DELETED';

export const INSTANCE_STATUSES: readonly InstanceStatus[] = ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'];

/**
 * One admin-made status change, with the moment it happened: `set` forces a status (PENDING ->
 * final, or anything through setInstanceStatus); `revoke` turns an APPROVED instance into a
 * revoked CANCELED one; `delete` marks it DELETED (it stays listed and readable); `advance` moves
 * a PENDING instance on to its next approval node (status PENDING), or, from its last node, ends
 * it (status APPROVED); see process.ts's Takeover.
 */
export interface StatusOverride {
  kind: 'set' | 'revoke' | 'delete' | 'advance';
  status: InstanceStatus;
  atMs: number;
}

/** Everything known about one instance, materialised on demand (detail endpoint). */
export interface InstanceRecord extends InstanceTruth {
  /** Per-instance seed: detail attributes are derived from it. */
  salt: number;
  /** The moment this instance's status model counts from (see instance-detail.ts). */
  anchorMs: number;
  /** 1-based creation sequence number within its approval code (serial_number). */
  serial: number;
  /** The latest status change made through the admin API, if any. */
  override: StatusOverride | undefined;
  /** The batch it was created in (0: the seeded set; then one per addInstances call): its form's version. */
  batch: number;
  /** Every admin status change, oldest first (the query API may look at the past). */
  history: readonly StatusOverride[];
}

/** One approval code's instances, sorted by (createTimeMs, instanceCode). Never mutated. */
export interface CodeView {
  readonly times: Float64Array;
  readonly ids: Int32Array;
}

/** Unknown approval or instance code (or bad arguments) passed to an in-process API. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

interface ApprovalEntry {
  readonly code: string;
  /** 1-based position, used for "Emulated approval N". */
  readonly number: number;
  view: CodeView;
  nextSerial: number;
}

/** A batch of instances created together (the seeded set, or one addInstances call). */
interface Batch {
  anchorMs: number;
  indexDelayMs: number;
}

/** First index whose time is >= t (strict=false) or > t (strict=true). */
export function lowerBound(times: Float64Array, t: number, strict: boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = times[mid] as number;
    if (v < t || (strict && v === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [lo, hi) of a view whose creation times match [start, end] under `bounds`. */
export function rangeIndices(
  view: CodeView,
  startMs: number,
  endMs: number,
  bounds: BoundSemantics,
): { lo: number; hi: number } {
  const lo = lowerBound(view.times, startMs, bounds === 'start_exclusive');
  const hi = lowerBound(view.times, endMs, bounds !== 'end_exclusive');
  return { lo, hi: Math.max(lo, hi) };
}

/** Generates `count` distinct approval codes from the seed (independent of every other option). */
export function generateApprovalCodes(seed: number, count: number): string[] {
  const rng = mulberry32(deriveSeed(seed, 'approval-codes'));
  const codes = new Set<string>();
  while (codes.size < count) codes.add(uuidLike(rng));
  return [...codes];
}

/** Every epoch-aligned multiple of `everyMs` inside [startMs, endMs]; empty when off. */
export function edgeInstanceTimes(startMs: number, endMs: number, everyMs: number): number[] {
  if (everyMs <= 0) return [];
  const out: number[] = [];
  for (let t = Math.ceil(startMs / everyMs) * everyMs; t <= endMs; t += everyMs) out.push(t);
  return out;
}

const EMPTY_VIEW: CodeView = { times: new Float64Array(0), ids: new Int32Array(0) };

/** Growable typed-array columns indexed by instance id. */
class Columns {
  capacity = 0;
  length = 0;
  times = new Float64Array(0);
  salts = new Int32Array(0);
  serials = new Int32Array(0);
  approvals = new Int32Array(0);
  batches = new Int32Array(0);
  deleted = new Uint8Array(0);

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5), 1024);
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.times = grow(this.times, (n) => new Float64Array(n));
    this.salts = grow(this.salts, (n) => new Int32Array(n));
    this.serials = grow(this.serials, (n) => new Int32Array(n));
    this.approvals = grow(this.approvals, (n) => new Int32Array(n));
    this.batches = grow(this.batches, (n) => new Int32Array(n));
    this.deleted = grow(this.deleted, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }
}

export class Dataset {
  readonly approvalCodes: readonly string[];
  readonly pendingRatio: number;
  private readonly entries = new Map<string, ApprovalEntry>();
  private readonly entryList: ApprovalEntry[] = [];
  private readonly cols = new Columns();
  private readonly batches: Batch[] = [];
  private readonly overrides = new Map<number, StatusOverride[]>();
  private readonly deletedDefinitions = new Set<string>();
  private readonly codec: InstanceCodec;
  /** One stream for all instance data, consumed in a fixed order, so the data set is reproducible. */
  private readonly rng: Random;
  private live = 0;

  /**
   * Builds the seeded data set. `approvalCodes` empty means "generate codeCount codes".
   * `nowMs` is the provisional anchor of the seeded batch; the server moves it to its start time.
   */
  constructor(options: EmulatorOptions, nowMs: number = Date.now()) {
    const codes =
      options.approvalCodes.length > 0
        ? [...options.approvalCodes]
        : generateApprovalCodes(options.seed, options.codeCount);
    this.approvalCodes = codes;
    this.pendingRatio = options.pendingRatio;
    this.rng = mulberry32(deriveSeed(options.seed, 'instances'));
    this.codec = new InstanceCodec(deriveSeed(options.seed, 'instance-ids'));
    this.batches.push({ anchorMs: nowMs, indexDelayMs: options.indexDelayMs });

    const edgeTimes = edgeInstanceTimes(options.spanStartMs, options.spanEndMs, options.edgeInstancesEveryMs);
    this.cols.reserve(codes.length * (options.instancesPerCode + edgeTimes.length));
    codes.forEach((code, i) => {
      const entry: ApprovalEntry = { code, number: i + 1, view: EMPTY_VIEW, nextSerial: 1 };
      this.entries.set(code, entry);
      this.entryList.push(entry);
      entry.view = this.generate(
        entry,
        i,
        options.instancesPerCode,
        options.spanStartMs,
        options.spanEndMs,
        edgeTimes,
        0,
      );
    });
  }

  /** Number of instances that exist (deleted ones excluded). */
  get size(): number {
    return this.live;
  }

  /** The batch number the next addInstances call gets (see definition-forms.ts). */
  get nextBatch(): number {
    return this.batches.length;
  }

  hasApprovalCode(code: string): boolean {
    return this.entries.has(code);
  }

  /** 1-based number of an approval code (for its display name), undefined when unknown. */
  approvalNumber(code: string): number | undefined {
    return this.entries.get(code)?.number;
  }

  /** The current sorted view of a code. Never mutated later, so it is safe to keep (snapshots). */
  viewOf(code: string): CodeView | undefined {
    return this.entries.get(code)?.view;
  }

  /** Creation time of an instance id. */
  timeOf(id: number): number {
    return this.cols.times[id] as number;
  }

  instanceCodeOf(id: number): string {
    return this.codec.encode(id, this.cols.salts[id] as number);
  }

  /** In a list answer: not deleted, and indexed by `visibleAtMs`. */
  isListable(id: number, visibleAtMs: number): boolean {
    return this.cols.deleted[id] === 0 && this.indexedAtOf(id) <= visibleAtMs;
  }

  /** The id of an existing (not deleted) instance code. */
  find(instanceCode: string): number | undefined {
    const id = this.codec.decodeId(instanceCode);
    if (id === undefined || id >= this.cols.length || this.cols.deleted[id] !== 0) return undefined;
    return this.instanceCodeOf(id) === instanceCode ? id : undefined;
  }

  record(id: number): InstanceRecord {
    const cols = this.cols;
    const history = this.overrides.get(id) ?? [];
    const batch = this.batches[cols.batches[id] as number] as Batch;
    const entry = this.entryList[cols.approvals[id] as number] as ApprovalEntry;
    const createTimeMs = cols.times[id] as number;
    return {
      approvalCode: entry.code,
      instanceCode: this.instanceCodeOf(id),
      createTimeMs,
      indexedAtMs: createTimeMs + batch.indexDelayMs,
      salt: (cols.salts[id] as number) >>> 0,
      anchorMs: batch.anchorMs,
      serial: cols.serials[id] as number,
      override: history[history.length - 1],
      batch: cols.batches[id] as number,
      history,
    };
  }

  /** Moves the seeded batch's status anchor (the server calls this when it starts listening). */
  setSeedAnchor(ms: number): void {
    (this.batches[0] as Batch).anchorMs = ms;
  }

  /** Every existing instance (or one code's), sorted by createTimeMs then instanceCode. */
  truth(approvalCode?: string): InstanceTruth[] {
    let view: CodeView;
    if (approvalCode !== undefined) {
      const entry = this.entries.get(approvalCode);
      if (!entry) throw new DatasetError(`unknown approval code: ${approvalCode}`);
      view = entry.view;
    } else {
      view = EMPTY_VIEW;
      for (const entry of this.entryList) view = this.merge(view, entry.view);
    }
    const out: InstanceTruth[] = new Array<InstanceTruth>(view.ids.length);
    for (let i = 0; i < view.ids.length; i++) out[i] = this.truthOf(view.ids[i] as number);
    return out;
  }

  /** Adds instances with deterministic codes; returns them in (time, code) order. */
  add(req: AddInstancesRequest, defaultIndexDelayMs: number, nowMs: number = Date.now()): InstanceTruth[] {
    const entry = this.entries.get(req.approvalCode);
    if (!entry) throw new DatasetError(`unknown approval code: ${req.approvalCode}`);
    if (!Number.isSafeInteger(req.count) || req.count < 0)
      throw new DatasetError('count must be a non-negative integer');
    const fromMs = req.createdFromMs ?? nowMs;
    const toMs = req.createdToMs ?? nowMs;
    if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || toMs < fromMs) {
      throw new DatasetError('createdFromMs/createdToMs must be integers with from <= to');
    }
    const indexDelayMs = req.indexDelayMs ?? defaultIndexDelayMs;
    if (!Number.isSafeInteger(indexDelayMs) || indexDelayMs < 0)
      throw new DatasetError('indexDelayMs must be a non-negative integer');
    this.batches.push({ anchorMs: nowMs, indexDelayMs });
    this.cols.reserve(req.count);
    const added = this.generate(entry, entry.number - 1, req.count, fromMs, toMs, [], this.batches.length - 1);
    entry.view = this.merge(entry.view, added);
    return Array.from(added.ids, (id) => this.truthOf(id));
  }

  /** Removes an instance everywhere: truth, future list queries, pages of open snapshots, detail. */
  delete(instanceCode: string): void {
    const id = this.find(instanceCode);
    if (id === undefined) throw new DatasetError(`unknown instance code: ${instanceCode}`);
    this.cols.deleted[id] = 1;
    this.overrides.delete(id);
    this.live--;
    const entry = this.entryList[this.cols.approvals[id] as number] as ApprovalEntry;
    const { times, ids } = entry.view;
    let at = lowerBound(times, this.cols.times[id] as number, false);
    while (at < ids.length && ids[at] !== id) at++;
    const nextTimes = new Float64Array(times.length - 1);
    const nextIds = new Int32Array(ids.length - 1);
    nextTimes.set(times.subarray(0, at));
    nextTimes.set(times.subarray(at + 1), at);
    nextIds.set(ids.subarray(0, at));
    nextIds.set(ids.subarray(at + 1), at);
    entry.view = { times: nextTimes, ids: nextIds };
  }

  setStatus(instanceCode: string, status: InstanceStatus, nowMs: number = Date.now()): void {
    if (!INSTANCE_STATUSES.includes(status)) throw new DatasetError(`unknown status: ${String(status)}`);
    this.pushStatus(instanceCode, { kind: 'set', status, atMs: nowMs });
  }

  /** Appends one status change (callers check that the transition makes sense). */
  pushStatus(instanceCode: string, change: StatusOverride): void {
    const id = this.find(instanceCode);
    if (id === undefined) throw new DatasetError(`unknown instance code: ${instanceCode}`);
    const history = this.overrides.get(id) ?? [];
    const last = history[history.length - 1];
    // Keep the history in time order even if two changes land on the same millisecond.
    const atMs = last && change.atMs <= last.atMs ? last.atMs + 1 : change.atMs;
    this.overrides.set(id, [...history, { ...change, atMs }]);
  }

  /** The definition endpoint answers 1390016 from now on; list and query keep its history. */
  deleteDefinition(approvalCode: string): void {
    if (!this.entries.has(approvalCode)) throw new DatasetError(`unknown approval code: ${approvalCode}`);
    this.deletedDefinitions.add(approvalCode);
  }

  isDefinitionDeleted(approvalCode: string): boolean {
    return this.deletedDefinitions.has(approvalCode);
  }

  private indexedAtOf(id: number): number {
    return (this.cols.times[id] as number) + (this.batches[this.cols.batches[id] as number] as Batch).indexDelayMs;
  }

  private truthOf(id: number): InstanceTruth {
    const createTimeMs = this.cols.times[id] as number;
    return {
      approvalCode: (this.entryList[this.cols.approvals[id] as number] as ApprovalEntry).code,
      instanceCode: this.instanceCodeOf(id),
      createTimeMs,
      indexedAtMs: this.indexedAtOf(id),
    };
  }

  /** (time, code) order; codes are only computed for equal times, which are rare. */
  private compare(aTime: number, aId: number, bTime: number, bId: number): number {
    if (aTime !== bTime) return aTime - bTime;
    const a = this.instanceCodeOf(aId);
    const b = this.instanceCodeOf(bId);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  private merge(a: CodeView, b: CodeView): CodeView {
    if (b.ids.length === 0) return a;
    if (a.ids.length === 0) return b;
    const n = a.ids.length + b.ids.length;
    const times = new Float64Array(n);
    const ids = new Int32Array(n);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.ids.length && j < b.ids.length) {
      const at = a.times[i] as number;
      const bt = b.times[j] as number;
      if (this.compare(at, a.ids[i] as number, bt, b.ids[j] as number) <= 0) {
        times[k] = at;
        ids[k++] = a.ids[i++] as number;
      } else {
        times[k] = bt;
        ids[k++] = b.ids[j++] as number;
      }
    }
    for (; i < a.ids.length; i++, k++) {
      times[k] = a.times[i] as number;
      ids[k] = a.ids[i] as number;
    }
    for (; j < b.ids.length; j++, k++) {
      times[k] = b.times[j] as number;
      ids[k] = b.ids[j] as number;
    }
    return { times, ids };
  }

  /**
   * Creates `count` instances with uniformly random creation times in [fromMs, toMs] plus one at
   * each of `exactTimes`, and returns them as a sorted view. Times are sorted numerically in a
   * typed array before ids are assigned, so ids (and serials) follow creation order.
   */
  private generate(
    entry: ApprovalEntry,
    approvalIndex: number,
    count: number,
    fromMs: number,
    toMs: number,
    exactTimes: readonly number[],
    batch: number,
  ): CodeView {
    const rng = this.rng;
    const total = count + exactTimes.length;
    const times = new Float64Array(total);
    const width = toMs - fromMs + 1;
    for (let i = 0; i < count; i++) times[i] = fromMs + Math.floor(rng.next() * width);
    for (let i = 0; i < exactTimes.length; i++) times[count + i] = exactTimes[i] as number;
    times.sort();

    const cols = this.cols;
    const ids = new Int32Array(total);
    for (let i = 0; i < total; i++) {
      const id = cols.length++;
      cols.times[id] = times[i] as number;
      cols.salts[id] = rng.nextUint32() | 0;
      cols.serials[id] = entry.nextSerial++;
      cols.approvals[id] = approvalIndex;
      cols.batches[id] = batch;
      ids[i] = id;
    }
    this.live += total;
    this.sortTies(times, ids);
    return { times, ids };
  }

  /** Within runs of equal creation time, orders ids by instance code. */
  private sortTies(times: Float64Array, ids: Int32Array): void {
    let runStart = 0;
    for (let i = 1; i <= times.length; i++) {
      if (i < times.length && times[i] === times[i - 1]) continue;
      if (i - runStart > 1) {
        const run = Array.from(ids.subarray(runStart, i));
        run.sort((a, b) => {
          const ca = this.instanceCodeOf(a);
          const cb = this.instanceCodeOf(b);
          return ca < cb ? -1 : ca > cb ? 1 : 0;
        });
        ids.set(run, runStart);
      }
      runStart = i;
    }
  }
}
