/**
 * The status recheck keeps the destination's current approvers and never loses a change silently
 * (issue 23, contract items 4 and 7), through the real CLI against the emulator:
 * - every instance the bulk query reports PENDING is fetched again each sync (one request each),
 *   so instances moved on to their next node (the emulator's admin move) get their current tasks
 *   and timeline; the INFO line counts them;
 * - a bulk query whose page repeats its token: nothing is compared, the digest is kept, WARN;
 * - a list query (naming instances the query left out) that breaks: their digest entries are kept
 *   (not taken for vanished), WARN; the next sync names them;
 * - a digest of an unknown version is kept as it was in every STATE (WARN), never a new baseline;
 * - an unreadable digest partition: what the query reports is fetched again (WARN), and the
 *   digest is rebuilt from those fetches.
 * Admin changes are made at chosen moments; no sleeps.
 */
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject } from '../src/kit/protocol.js';
import { codeHash } from '../src/source/values/hashes.js';
import { readDigest } from '../src/source/streams/details/recheck/digest-state.js';
import { lastState, logs, records, states } from '../harness/index.js';
import { sync, type SyncResult } from './helpers/sync.js';
import { latestRows } from './helpers/latest-rows.js';

const DETAILS = 'approval_instance_details';
const STREAMS = ['approval_instances', DETAILS];
const DAY = 86_400_000;
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());
after(() => emulator?.stop());

type Obj = Record<string, unknown>;

/** A data set whose newest instance is older than the lookback: a later sync's scan lists nothing again. */
async function start(seed: number, instances: number, pendingRatio: number, spanMs = 2 * DAY): Promise<FeishuEmulator> {
  const now = Date.now();
  return startEmulator({
    seed,
    codeCount: 1,
    instancesPerCode: instances,
    pendingRatio,
    spanStartMs: now - 3_600_000 - spanMs,
    spanEndMs: now - 3_600_000,
    detailRateLimit: null,
    listRateLimit: null,
  });
}

/** Holds every PENDING instance where it is (one admin move a minute ago): nothing then changes by itself. */
function freezePending(e: FeishuEmulator): void {
  const at = Date.now() - 60_000;
  for (const t of e.statuses()) if (t.status === 'PENDING') e.advanceInstance(t.instanceCode, at);
}

function read(e: FeishuEmulator, state?: AirbyteStateMessage[]): Promise<SyncResult> {
  return sync(e, { streams: STREAMS, ...(state ? { state } : {}) });
}

function bothStates(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  return [lastState(messages, 'approval_instances')!, lastState(messages, DETAILS)!];
}

function detailsBlob(messages: AirbyteMessage[]): JsonObject {
  return lastState(messages, DETAILS)!.stream!.stream_state as JsonObject;
}

/** The digest's entries (key → status nibble) of one code in a details STATE blob. */
function digestOf(blob: JsonObject, code: string): Map<number, number> {
  const partition = readDigest(blob, [code]).get(code);
  assert.ok(partition, 'a readable digest partition');
  return partition;
}

function withDigest(state: AirbyteStateMessage[], digest: unknown): AirbyteStateMessage[] {
  return state.map<AirbyteStateMessage>((s) =>
    s.stream?.stream_descriptor.name === DETAILS
      ? { ...s, stream: { ...s.stream, stream_state: { ...s.stream.stream_state, status_digest: digest } } }
      : s,
  );
}

async function apiDetails(e: FeishuEmulator): Promise<Map<string, Obj>> {
  const res = await fetch(e.baseUrl + TOKEN_PATH, {
    method: 'POST',
    body: JSON.stringify({ app_id: e.options.appId, app_secret: e.options.appSecret }),
  });
  const { tenant_access_token: tok } = (await res.json()) as { tenant_access_token: string };
  const out = new Map<string, Obj>();
  for (const t of e.truth()) {
    const r = await fetch(`${e.baseUrl}/open-apis/approval/v4/instances/${t.instanceCode}`, {
      headers: { Authorization: `Bearer ${tok}` },
    });
    out.set(t.instanceCode, ((await r.json()) as { data: Obj }).data);
  }
  return out;
}

const warnings = (messages: AirbyteMessage[]): string[] =>
  logs(messages)
    .filter((l) => l.level === 'WARN')
    .map((l) => l.message);
const infos = (messages: AirbyteMessage[]): string[] =>
  logs(messages)
    .filter((l) => l.level === 'INFO')
    .map((l) => l.message);
const detailRequests = (e: FeishuEmulator): number => e.stats().requests['detail'] ?? 0;

/** A first sync, then three of the emulator's approvals revoked. */
async function readThenRevoke(emu: FeishuEmulator): Promise<{ first: SyncResult; code: string; revoked: string[] }> {
  const first = await read(emu);
  const revoked = emu
    .statuses()
    .filter((t) => t.status === 'APPROVED')
    .slice(0, 3)
    .map((t) => t.instanceCode);
  for (const c of revoked) emu.revokeInstance(c);
  return { first, code: emu.approvalCodes[0]!, revoked };
}

describe('status recheck: current approvers, and nothing lost when the answers break', () => {
  it('PENDING instances that moved on to their next node get their current tasks and timeline; one detail request per pending instance, counted', async (t) => {
    // Created in the last hours: most PENDING instances are still at an early node, so a move leaves them PENDING.
    emulator = await start(231, 80, 0.5, 2 * 3_600_000);
    freezePending(emulator);
    const first = await read(emulator);
    const pending = emulator
      .statuses()
      .filter((t) => t.status === 'PENDING')
      .map((t) => t.instanceCode);
    assert.ok(pending.length >= 10, `${pending.length} pending`);
    // Half of them move on (some finish: their last node); the rest stay where they were.
    const moved = pending.filter((_, i) => i % 2 === 0);
    for (const code of moved) emulator.advanceInstance(code);
    const pendingNow = emulator.statuses().filter((t) => t.status === 'PENDING').length;
    emulator.resetStats();
    const second = await read(emulator, bothStates(first.messages));

    // One detail request per instance PENDING now, plus the moved ones that finished (their status changed).
    const finished = moved.filter(
      (c) => emulator!.statuses().find((t) => t.instanceCode === c)!.status !== 'PENDING',
    ).length;
    const secondDetails = detailRequests(emulator);
    assert.ok(moved.length - finished >= 3, `${moved.length - finished} moved on and still PENDING`);
    assert.equal(
      secondDetails,
      pendingNow + finished,
      `${secondDetails} detail requests for ${pendingNow} pending + ${finished} finished`,
    );
    assert.ok(
      infos(second.messages).some((m) =>
        m.includes(`, ${pendingNow} still PENDING fetched again for their current approvers`),
      ),
      infos(second.messages).join('\n'),
    );

    // The destination's latest rows carry the API's current tasks and timeline, for every instance.
    const api = await apiDetails(emulator);
    const rows = latestRows(DETAILS, [first.messages, second.messages]);
    const stale = [...api].filter(([code, d]) => {
      const row = rows.get(code)!;
      const tasks = (x: Obj): string => JSON.stringify((x['task_list'] as Obj[]).map((t) => [t['id'], t['status']]));
      return (
        row['status'] !== d['status'] ||
        tasks(row) !== tasks(d) ||
        (row['timeline'] as unknown[]).length !== (d['timeline'] as unknown[]).length
      );
    });
    assert.deepEqual(
      stale.map(([c]) => c),
      [],
      'rows with stale tasks or timeline',
    );
    t.diagnostic(
      `${api.size} instances, ${pending.length} pending before, ${moved.length} moved on (${finished} of them finished), ${pendingNow} pending now: ${secondDetails} detail requests in the second sync, 0 stale rows`,
    );
    // Every moved instance got a row in the second sync (the trial's "0 rows in the next sync").
    const again = new Set(records(second.messages, DETAILS).map((r) => r.data['instance_code']));
    for (const code of moved) assert.ok(again.has(code), code);
  });

  it('a bulk query page repeating its token: WARN, nothing compared, the digest kept as it was; the next sync catches up', async () => {
    emulator = await start(232, 60, 0);
    const { first, code, revoked } = await readThenRevoke(emulator);
    emulator.configure({ hostileQueryTokenRepeat: true });
    emulator.resetStats();
    const second = await read(emulator, bothStates(first.messages));
    assert.ok(
      warnings(second.messages).some((w) =>
        /bulk query's paging broke \(.*page_token already followed.*\); nothing was compared and its status digest is kept as it was/.test(
          w,
        ),
      ),
      warnings(second.messages).join('\n'),
    );
    assert.equal(detailRequests(emulator), 0, 'nothing fetched against a partial answer');
    assert.deepEqual(
      digestOf(detailsBlob(second.messages), code),
      digestOf(detailsBlob(first.messages), code),
      'the digest as it was',
    );

    emulator.configure({ hostileQueryTokenRepeat: false });
    const third = await read(emulator, bothStates(second.messages));
    const rows = latestRows(DETAILS, [first.messages, second.messages, third.messages]);
    for (const c of revoked) assert.equal(rows.get(c)!['status'], 'CANCELED', c);
  });

  it('a list query that breaks while naming instances the query left out: their entries stay in the digest (not counted gone), WARN; the next sync names them', async () => {
    emulator = await start(233, 60, 0);
    const { first, code, revoked } = await readThenRevoke(emulator);
    // Page tokens cycle, only for list queries of the older minutes (the recheck's, not the scan's lookback).
    emulator.configure({ hostileListTokenCycle: 2, hostileListStartBeforeMs: emulator.options.spanEndMs + 60_000 });
    const second = await read(emulator, bothStates(first.messages));
    assert.ok(
      warnings(second.messages).some((w) =>
        /keep their digest entries and are looked for again on the next sync/.test(w),
      ),
      warnings(second.messages).join('\n'),
    );
    assert.ok(
      !warnings(second.messages).some((w) => /no longer named by the bulk query or the list API/.test(w)),
      'nothing taken for vanished',
    );
    const before = digestOf(detailsBlob(first.messages), code);
    const kept = digestOf(detailsBlob(second.messages), code);
    assert.deepEqual(
      [...before.keys()].filter((k) => !kept.has(k)),
      [],
      'no entry dropped',
    );

    emulator.configure({ hostileListTokenCycle: 0, hostileListStartBeforeMs: 0 });
    const third = await read(emulator, bothStates(second.messages));
    const rows = latestRows(DETAILS, [first.messages, second.messages, third.messages]);
    for (const c of revoked) assert.equal(rows.get(c)!['status'], 'CANCELED', c);
  });

  it('a digest of an unknown version is kept as it was in every STATE (WARN); only the PENDING instances are fetched', async () => {
    emulator = await start(234, 60, 0.4);
    freezePending(emulator);
    const first = await read(emulator);
    const foreign = { version: 99, something: 'a newer connector wrote this' };
    emulator.resetStats();
    const second = await read(emulator, withDigest(bothStates(first.messages), foreign));
    const pendingNow = emulator.statuses().filter((t) => t.status === 'PENDING').length;
    assert.ok(
      warnings(second.messages).some((w) =>
        /status digest has version 99, which this connector version does not read/.test(w),
      ),
    );
    assert.equal(detailRequests(emulator), pendingNow);
    assert.ok(!infos(second.messages).some((m) => /took the query's statuses as baseline/.test(m)), 'no baseline');
    const written = states(second.messages, DETAILS).map((s) => s.stream!.stream_state!['status_digest']);
    assert.ok(written.length > 0);
    for (const digest of written) assert.deepEqual(digest, foreign);
  });

  it('an unreadable digest partition: WARN, every instance the query reports is fetched again, the digest rebuilt; never a silent baseline', async () => {
    emulator = await start(235, 60, 0);
    const first = await read(emulator);
    const code = emulator.approvalCodes[0]!;
    const good = detailsBlob(first.messages)['status_digest'] as JsonObject;
    const broken = { ...good, partitions: { [codeHash(code)]: 'not-a-packed-partition' } };
    const revoked = emulator.statuses().filter((t) => t.status === 'APPROVED')[0]!.instanceCode;
    emulator.revokeInstance(revoked);
    emulator.resetStats();
    const second = await read(emulator, withDigest(bothStates(first.messages), broken));
    assert.ok(
      warnings(second.messages).some((w) => /status digest of 1 approval code\(s\) could not be read/.test(w)),
      warnings(second.messages).join('\n'),
    );
    // The query leaves the revoked one out; the 59 others are fetched again and remembered.
    assert.equal(detailRequests(emulator), 59);
    assert.equal(digestOf(detailsBlob(second.messages), code).size, 59);
    assert.ok(!infos(second.messages).some((m) => /took the query's statuses as baseline/.test(m)), 'no baseline');
  });
});
