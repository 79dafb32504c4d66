import type { AirbyteStateMessage, SyncMode } from '../../kit/protocol.js';
import type { PartitionCursors } from '../state/stream-state.js';
import { scanInstanceCodes } from '../scan/instance-scan.js';
import { DetailFanOut } from '../streams/details/fetch/detail-fan-out.js';
import type { DetailPart, ListedPart, RecordsPart, StreamPart } from '../streams/stream-part.js';
import type { SyncContext } from '../sync/contract.js';
import { streamFailure, type StreamFailure } from '../sync/failures.js';
import { founderOf, groupByCursors } from './scan-groups.js';
import type { StreamShape } from './shape.js';
import { StreamFates } from './stream-fates.js';

/**
 * The read plan: which work a read does for the selected streams, and in
 * which order.
 *
 *   catalog ─ prepare ─┬─ records stream (approval_definitions) ──────────── its own step, after the scans
 *                      └─ scan group (streams with equal saved cursors): one list scan
 *                           ├─ listed stream (approval_instances) ────────── records per listed code
 *                           └─ detail fan-out (0 or 1 per group) ─────────── one detail request per code,
 *                                └─ the sink of each detail-based stream      rows for every detail stream
 *
 * Each reader of a group keeps its own fate (plan/stream-fates.ts): a failing
 * reader ends its streams INCOMPLETE while the others read on. The detail
 * streams of a group share one fan-out, hence one fate.
 */

/** A selected stream, prepared in its catalog sync mode. */
export interface PreparedStream {
  readonly name: string;
  readonly mode: SyncMode;
  readonly part: StreamPart;
}

/** Who reads in a scan group, in the catalog's order (the fan-out at the place of its first stream). */
export type GroupReader =
  | { readonly kind: 'listed'; readonly name: string; readonly part: ListedPart }
  | { readonly kind: 'details'; readonly names: readonly string[]; readonly parts: readonly DetailPart[] };

/** One list scan for the streams named (catalog order), fed to its readers. */
export interface ScanStep {
  readonly kind: 'scan';
  readonly saved: PartitionCursors;
  /** The approval codes the scan lists; undefined: every configured code. */
  readonly codes: readonly string[] | undefined;
  readonly names: readonly string[];
  readonly readers: readonly GroupReader[];
}

/** A stream that reads on its own. */
export interface RecordsStep {
  readonly kind: 'records';
  readonly name: string;
  readonly part: RecordsPart;
}

export type PlanStep = ScanStep | RecordsStep;

export interface ReadPlan {
  readonly steps: readonly PlanStep[];
  /** Where each scanned stream starts, for the sync's opening log line (plan/shape.ts). */
  readonly shapes: readonly StreamShape[];
}

type ScannedStream = PreparedStream & {
  readonly part: ListedPart | DetailPart;
  readonly saved: PartitionCursors;
  readonly codes: readonly string[] | undefined;
};

/** Pure: the plan of the prepared streams, in the catalog's order. */
export function planRead(prepared: readonly PreparedStream[]): ReadPlan {
  const scanned: ScannedStream[] = [];
  const alone: PlanStep[] = [];
  for (const p of prepared) {
    if (p.part.kind === 'records') alone.push({ kind: 'records', name: p.name, part: p.part });
    else scanned.push({ ...p, part: p.part, saved: p.part.saved, codes: codesOf(p.part) });
  }
  const groups: PlanStep[] = groupByCursors(scanned).map((group) => {
    const founder = founderOf(group);
    return {
      kind: 'scan',
      saved: founder.saved,
      codes: founder.codes,
      names: group.map((s) => s.name),
      readers: readersOf(group),
    };
  });
  return {
    steps: [...groups, ...alone],
    shapes: scanned.map(({ name, mode, saved, codes }) => ({ name, mode, saved, codes })),
  };
}

function codesOf(part: ListedPart | DetailPart): readonly string[] | undefined {
  return part.kind === 'detail' ? part.codes : undefined;
}

type DetailStream = ScannedStream & { part: DetailPart };

/**
 * The group's readers in catalog order. Its detail streams share one fan-out
 * when one of them reads every code (its state leads the recheck; the
 * others' codes are among its); else (form tables without a stream of every
 * code) one fan-out per set of codes. Either way each instance is fetched once.
 */
function readersOf(group: readonly ScannedStream[]): GroupReader[] {
  const details = group.filter((s): s is DetailStream => s.part.kind === 'detail');
  const fanOuts = new Map<string, DetailStream[]>();
  const everyCode = details.some((d) => d.codes === undefined);
  for (const d of details) {
    const key = everyCode ? '*' : JSON.stringify(d.codes);
    fanOuts.set(key, [...(fanOuts.get(key) ?? []), d]);
  }
  const readers: GroupReader[] = [];
  for (const s of group) {
    if (s.part.kind === 'listed') readers.push({ kind: 'listed', name: s.name, part: s.part });
    const fanOut = [...fanOuts.values()].find((f) => f[0] === s);
    if (!fanOut) continue;
    // The fan-out resumes from its leader's state: a stream of every code when there is one.
    const leader = founderOf(fanOut);
    const ordered = [leader, ...fanOut.filter((d) => d !== leader)];
    readers.push({ kind: 'details', names: ordered.map((d) => d.name), parts: ordered.map((d) => d.part) });
  }
  return readers;
}

/** Runs the plan's steps one after the other; resolves with the streams that failed, never rejects for a stream's failure. */
export async function runPlan(
  ctx: SyncContext,
  plan: ReadPlan,
  state: AirbyteStateMessage[],
): Promise<StreamFailure[]> {
  // Every fan-out takes its starting digest before any step reads.
  const fanOuts = new Map<GroupReader, DetailFanOut>();
  for (const step of plan.steps) {
    if (step.kind !== 'scan') continue;
    const goneListeners = step.readers.flatMap((r) => (r.kind === 'listed' && r.part.onGone ? [r.part.onGone] : []));
    for (const reader of step.readers)
      if (reader.kind === 'details') fanOuts.set(reader, new DetailFanOut(ctx, reader.parts, state, goneListeners));
  }
  const failures: StreamFailure[] = [];
  for (const step of plan.steps)
    failures.push(...(step.kind === 'scan' ? await readScanGroup(ctx, step, fanOuts) : await readAlone(ctx, step)));
  return failures;
}

/** The fate of a reader: named after its (first) stream. */
function fateName(reader: GroupReader): string {
  return reader.kind === 'listed' ? reader.name : reader.names[0]!;
}

async function readScanGroup(
  ctx: SyncContext,
  step: ScanStep,
  fanOuts: Map<GroupReader, DetailFanOut>,
): Promise<StreamFailure[]> {
  const { emitter } = ctx;
  const fanOutOf = (reader: GroupReader): DetailFanOut => fanOuts.get(reader)!;
  const fates = new StreamFates(
    step.readers.map((r) => ({
      name: fateName(r),
      handlers: r.kind === 'listed' ? r.part.handlers : fanOutOf(r).handlers,
    })),
  );
  for (const name of step.names) await emitter.streamStatus(name, 'STARTED');
  // Before the windows are listed: the status recheck of the detail fan-out.
  for (const reader of step.readers) {
    if (reader.kind !== 'details') continue;
    try {
      await fanOutOf(reader).recheck();
    } catch (error) {
      fates.fail(fateName(reader), error);
    }
  }
  try {
    if (!fates.allFailed) await scanInstanceCodes(withCodes(ctx, step.codes), step.saved, fates.handlers());
  } catch (error) {
    fates.failRemaining(error);
  }
  for (const reader of step.readers)
    await (reader.kind === 'listed' ? reader.part.finish() : fanOutOf(reader).finish());
  const failures: StreamFailure[] = [];
  for (const name of step.names) {
    const reader = step.readers.find((r) => (r.kind === 'listed' ? r.name === name : r.names.includes(name)))!;
    const failed = fates.failed(fateName(reader));
    if (failed) {
      failures.push(await streamFailed(ctx, name, failed.error));
      continue;
    }
    if (reader.kind === 'details' && reader.names[0] === name) fanOutOf(reader).summary();
    // A stream of a fan-out can fail alone (a contact stream's missing scope) while the fan-out reads on.
    const own = reader.kind === 'details' ? reader.parts[reader.names.indexOf(name)]?.sink.failure : undefined;
    if (own !== undefined) failures.push(await streamFailed(ctx, name, own));
    else await emitter.streamStatus(name, 'COMPLETE');
  }
  return failures;
}

/** The sync context kept to `codes` (a scan or a fan-out of some codes only); as it is when undefined. */
export function withCodes(ctx: SyncContext, codes: readonly string[] | undefined): SyncContext {
  return codes === undefined ? ctx : { ...ctx, config: { ...ctx.config, approvalCodes: [...codes] } };
}

/** A stream that reads on its own (no list scan). */
async function readAlone(ctx: SyncContext, { name, part }: RecordsStep): Promise<StreamFailure[]> {
  await ctx.emitter.streamStatus(name, 'STARTED');
  try {
    await part.read();
  } catch (error) {
    return [await streamFailed(ctx, name, error)];
  }
  await ctx.emitter.streamStatus(name, 'COMPLETE');
  return [];
}

async function streamFailed(ctx: SyncContext, name: string, error: unknown): Promise<StreamFailure> {
  const failure = streamFailure(name, error);
  ctx.emitter.error(`Stream '${name}' did not sync: ${failure.error.message}`);
  await ctx.emitter.streamStatus(name, 'INCOMPLETE');
  return failure;
}
