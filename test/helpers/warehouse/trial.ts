/**
 * The trial of issue 23 as a data team would run it: every stream discovered; the incremental ones
 * incremental + append_dedup, approval_definitions full refresh + overwrite; two syncs through the
 * real CLI against the emulator, loaded into PGlite with Destinations V2 rules; between them every
 * kind of change; then the synced tables against the truth tables built from the API's answers.
 *
 * Time: the emulator runs on a controlled clock (node:test's Date mock, in this process only; the
 * connector runs in its own process on the real clock). Sync 1 sees the emulator at T1, sync 2 at
 * T2 = T1 + 3 h 8 min, the clock frozen in between, so nothing moves while a sync or the truth reads
 * it and the figures are the same on every run (all times are offsets from T1). Both are in the
 * past of the real clock, so every instance is inside the connector's window.
 */
import { mock } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { startEmulator, type FeishuEmulator, type InstanceStatus } from '../../../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../../../src/kit/protocol.js';
import { runConnectorCli, writeFiles } from '../../../harness/index.js';
import { withMessages, type RunResult } from '../connector.js';
import { emulatorConfig } from '../fixtures.js';
import { ApiReader } from './api-reader.js';
import { discoveredWithForms, warehouseCatalog } from './catalog.js';
import { ident } from './columns.js';
import { compareTables, type TableDiff } from './compare.js';
import { freshDatabase } from './fresh-db.js';
import { WarehouseLoader } from './loader.js';
import { writeTables } from './tables.js';
import { buildTruth, type Truth } from './truth.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface TrialSize {
  codes: number;
  instancesPerCode: number;
  /** Instances created in the two hours before sync 1 (besides instancesPerCode over ten days). */
  recentPerCode: number;
  /** Changes between the syncs. */
  newPerCode: number;
  /** PENDING instances moved on to their next node by the admin API (some end APPROVED: counted apart). */
  moved: number;
  finished: number;
  revoked: number;
  deletedStatus: number;
  gone: number;
}

export const TRIAL_SIZE: TrialSize = {
  codes: 3,
  instancesPerCode: 270,
  recentPerCode: 30,
  newPerCode: 20,
  moved: 12,
  finished: 15,
  revoked: 10,
  deletedStatus: 6,
  gone: 4,
};

export interface TrialResult {
  db: PGlite;
  catalog: ConfiguredAirbyteCatalog;
  diffs: TableDiff[];
  truth: Truth;
  sync1: RunResult;
  sync2: RunResult;
  /** Instances removed entirely between the syncs (exempt from the comparison, see compare.ts). */
  goneCodes: string[];
  /** Detail requests made by sync 1 and sync 2 (emulator counts). */
  detailRequests: [number, number];
  /** What changed between the syncs, by kind (admin changes plus the clock's own). */
  changes: Record<string, number>;
  /** Instances PENDING at T2 after the changes (what sync 2 must re-read at most, besides changed ones). */
  pendingAtSync2: number;
  /** Instances whose status changed between the syncs, found by comparing the emulator's statuses at T1 and T2. */
  changedStatus: number;
  /** Instances new, PENDING at T2, or whose status changed: the most sync 2 needs to fetch. */
  changedOrPending: number;
  /** Wall-clock ms of each phase, to keep the trial fast. */
  phaseMs: Record<string, number>;
}

/** The last STATE of each stream, as the platform hands them to the next sync. */
export function finalStates(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  const last = new Map<string, AirbyteStateMessage>();
  for (const m of messages) if (m.type === 'STATE') last.set(m.state.stream?.stream_descriptor.name ?? '', m.state);
  return [...last.values()];
}

function trialConfig(emulator: FeishuEmulator): Record<string, unknown> {
  return emulatorConfig(emulator, {
    detail_requests_per_second: 5_000,
    query_requests_per_second: 5_000,
    detail_max_concurrency: 16,
  });
}

async function read(
  emulator: FeishuEmulator,
  catalog: ConfiguredAirbyteCatalog,
  state?: AirbyteStateMessage[],
): Promise<RunResult> {
  const files = writeFiles({
    'config.json': trialConfig(emulator),
    'catalog.json': catalog,
    ...(state ? { 'state.json': state } : {}),
  });
  const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
  if (state) args.push('--state', files['state.json']!);
  // A child process on purpose: the connector keeps the real clock while this process's Date (the
  // emulator's clock) is mocked.
  const result = withMessages(await runConnectorCli(args));
  if (result.code !== 0) throw new Error(`read exited ${result.code}: ${result.stderr.slice(0, 500)}`);
  return result;
}

/** Picks `n` instances with status `status` at the emulator's now, by code order, leaving out `taken`. */
function pick(
  emulator: FeishuEmulator,
  status: InstanceStatus,
  n: number,
  taken: Set<string>,
  createdBeforeMs: number,
  createdFromMs = 0,
): string[] {
  const created = new Map(emulator.truth().map((t) => [t.instanceCode, t.createTimeMs]));
  const inRange = (code: string): boolean => {
    const at = created.get(code) ?? Infinity;
    return at >= createdFromMs && at < createdBeforeMs;
  };
  const out = emulator
    .statuses()
    .filter((s) => s.status === status && !taken.has(s.instanceCode) && inRange(s.instanceCode))
    .map((s) => s.instanceCode)
    .sort()
    .slice(0, n);
  if (n !== Number.MAX_SAFE_INTEGER && out.length < n)
    throw new Error(`only ${out.length} ${status} instances to pick, ${n} wanted`);
  for (const code of out) taken.add(code);
  return out;
}

export async function runTrial(size: TrialSize = TRIAL_SIZE, seed = 2323): Promise<TrialResult> {
  const realNow = Math.floor(Date.now() / 1000) * 1000;
  const t2 = realNow - 2 * MINUTE_MS;
  const t1 = t2 - 3 * HOUR_MS - 8 * MINUTE_MS;
  const spanStartMs = Math.floor((t1 - 10 * DAY_MS) / HOUR_MS) * HOUR_MS;
  mock.timers.enable({ apis: ['Date'], now: t1 });
  let emulator: FeishuEmulator | undefined;
  // Date is mocked: phases are timed with the monotonic clock.
  const phaseMs: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phaseMs[name] = Math.round(now - mark);
    mark = now;
  };
  let db: PGlite | undefined;
  try {
    emulator = await startEmulator({
      seed,
      codeCount: size.codes,
      instancesPerCode: size.instancesPerCode,
      spanStartMs,
      spanEndMs: t1 - HOUR_MS,
      listRateLimit: null,
      detailRateLimit: null,
      approvalRateLimit: null,
      queryRateLimit: null,
    });
    // Recent instances (the last two hours before T1): their approvals are at an early node, so a
    // move by the admin API leaves most of them PENDING (older ones mostly sit at their last node).
    for (const approvalCode of emulator.approvalCodes) {
      emulator.addInstances({
        approvalCode,
        count: size.recentPerCode,
        createdFromMs: t1 - 2 * HOUR_MS,
        createdToMs: t1 - 10 * MINUTE_MS,
      });
    }
    // Discover through the CLI, as the platform does: the static streams and each code's form table.
    const catalog = warehouseCatalog(await discoveredWithForms(trialConfig(emulator)));
    const loader = new WarehouseLoader(catalog);
    const statusesAtT1 = new Map(emulator.statuses().map((s) => [s.instanceCode, s.status]));

    phase('setup');
    const sync1 = await read(emulator, catalog);
    phase('sync1');
    const detail1 = emulator.stats().requests['detail'] ?? 0;
    loader.applySync(sync1.messages);

    // Between the syncs: the clock moves on (PENDING instances move from node to node, some end),
    // then the admin changes, each at T2.
    mock.timers.setTime(t2);
    const taken = new Set<string>();
    // Moved on by hand: recent PENDING instances, in code order, until `moved` of them are still PENDING.
    let movedStillPending = 0;
    let movedToApproved = 0;
    for (const code of pick(emulator, 'PENDING', Number.MAX_SAFE_INTEGER, taken, t1, t1 - 2 * HOUR_MS)) {
      if (movedStillPending === size.moved) {
        taken.delete(code);
        continue;
      }
      if (emulator.advanceInstance(code) === 'PENDING') movedStillPending++;
      else movedToApproved++;
    }
    const finished = pick(emulator, 'PENDING', size.finished, taken, t1);
    finished.forEach((code, i) =>
      emulator!.finishInstance(code, (['APPROVED', 'REJECTED', 'CANCELED'] as const)[i % 3] as InstanceStatus),
    );
    for (const code of pick(emulator, 'APPROVED', size.revoked, taken, t1)) emulator.revokeInstance(code);
    const half = Math.ceil(size.deletedStatus / 2);
    for (const code of [
      ...pick(emulator, 'PENDING', half, taken, t1),
      ...pick(emulator, 'APPROVED', size.deletedStatus - half, taken, t1),
    ])
      emulator.deleteInstance(code, 'status');
    const goneCodes = [
      ...pick(emulator, 'APPROVED', size.gone - 1, taken, t1),
      ...pick(emulator, 'PENDING', 1, taken, t1),
    ];
    for (const code of goneCodes) emulator.deleteInstance(code, 'gone');
    // New instances, created in the few minutes before T2: after sync 1 read, inside sync 2's lookback.
    for (const approvalCode of emulator.approvalCodes) {
      emulator.addInstances({
        approvalCode,
        count: size.newPerCode,
        createdFromMs: t2 - 3 * MINUTE_MS,
        createdToMs: t2 - 30_000,
      });
    }
    const statusesAtT2 = emulator.statuses();
    const changed = statusesAtT2
      .filter((s) => statusesAtT1.has(s.instanceCode) && statusesAtT1.get(s.instanceCode) !== s.status)
      .map((s) => s.instanceCode);
    const changedStatus = changed.length;
    const pendingAtSync2 = statusesAtT2.filter((s) => s.status === 'PENDING').length;
    // What sync 2 may fetch at most: instances new, PENDING, or whose status changed since sync 1.
    const mayFetch = new Set([
      ...changed,
      ...statusesAtT2
        .filter((s) => s.status === 'PENDING' || !statusesAtT1.has(s.instanceCode))
        .map((s) => s.instanceCode),
    ]);

    phase('changes');
    emulator.resetStats();
    const sync2 = await read(emulator, catalog, finalStates(sync1.messages));
    const detail2 = emulator.stats().requests['detail'] ?? 0;
    phase('sync2');
    db = await freshDatabase();
    loader.applySync(sync2.messages);
    await loader.materialise(db, 'synced');
    phase('load');

    const reader = new ApiReader(emulator.baseUrl, emulator.options.appId, emulator.options.appSecret);
    // The removed instances vanished from the list API and the bulk query before sync 2: the
    // connector cannot learn their codes (contract item 3), so they are the exempt exception.
    const truth = await buildTruth({
      reader,
      approvalCodes: emulator.approvalCodes,
      startMs: spanStartMs,
      endMs: t2,
      gone: [],
      formTables: true,
    });
    await writeTables(db, 'truth', loader.streams, truth.rows);
    phase('truth');
    const diffs = await compareTables(db, catalog, new Set(goneCodes));
    // The docs' SQL is compared over the same ground: the exempt instances' rows (the documented
    // exception, counted in `diffs`) are set apart from the synced tables, as the comparison did.
    for (const s of catalog.streams) {
      const props = s.stream.json_schema['properties'];
      if (typeof props !== 'object' || props === null || !('instance_code' in props)) continue;
      await db.query(`DELETE FROM synced.${ident(s.stream.name)} WHERE instance_code = ANY($1::text[])`, [goneCodes]);
    }
    phase('compare');
    return {
      db,
      catalog,
      diffs,
      truth,
      sync1,
      sync2,
      goneCodes,
      detailRequests: [detail1, detail2],
      changes: {
        new: size.newPerCode * size.codes,
        movedStillPending,
        movedToApproved,
        finished: size.finished,
        revoked: size.revoked,
        deletedStatus: size.deletedStatus,
        gone: size.gone,
        statusChangedByClock: changedStatus - movedToApproved - size.finished - size.revoked - size.deletedStatus,
      },
      pendingAtSync2,
      changedStatus,
      changedOrPending: mayFetch.size,
      phaseMs,
    };
  } catch (error) {
    await db?.close();
    throw error;
  } finally {
    await emulator?.stop();
    mock.timers.reset();
  }
}
