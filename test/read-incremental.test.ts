import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftedClock, startEmulator, type BoundSemantics, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteStateMessage } from '../src/kit/protocol.js';
import { planWindows } from '../src/source/scan/windows.js';
import { cursors, hourFloor, records, states } from '../harness/index.js';
import { assertExactRecordCounts, assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';
import { protocolErrors } from './helpers/protocol-schema.js';

const H = 3_600_000;
let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());
after(() => emulator?.stop());

function cursorOf(state: AirbyteStateMessage | undefined, code: string): number | undefined {
  const cursor = cursors(state)[code];
  return cursor === undefined ? undefined : Date.parse(cursor);
}

describe('incremental sync', () => {
  for (const bounds of ['inclusive', 'end_exclusive', 'start_exclusive'] as BoundSemantics[]) {
    it(`${bounds} bounds: full + 2 incremental syncs = truth, instances on every window edge once, late indexing within lookback`, async () => {
      const now = Date.now();
      // The emulator runs 1.6 s behind the wall clock until the test moves it on (no sleep for the
      // late indexing); it is never ahead of the connector, so what it creates "now" is in the past of a read.
      const clock = new ShiftedClock(-1600);
      emulator = await startEmulator(
        {
          seed: 11,
          codeCount: 2,
          instancesPerCode: 600,
          bounds,
          spanStartMs: hourFloor(now) - 3 * 24 * H,
          spanEndMs: now - 60_000,
          edgeInstancesEveryMs: H,
          listRateLimit: null,
        },
        0,
        { clock },
      );
      const lookbackMs = 120 * 60_000;
      const config = { window_hours: 1, lookback_minutes: 120, page_size: 7 };
      // Sync 1's window edges fall on start_date + k h - 1 ms (round hours are inside windows).
      const firstEdges = planWindows({ startMs: emulator.options.spanStartMs, endMs: now - 1000 }, H)
        .map((w) => w.endMs)
        .slice(0, -1);
      for (const code of emulator.approvalCodes) {
        for (const edge of [emulator.options.spanStartMs, ...firstEdges])
          emulator.addInstances({ approvalCode: code, count: 2, createdFromMs: edge, createdToMs: edge });
      }
      const first = await sync(emulator, { config });
      assertNoDuplicates(first.codes, 'records in sync 1');
      assertSameSet(first.codes, truthCodes(emulator), 'sync 1 vs truth');
      assertExactRecordCounts(first);
      for (const s of states(first.messages)) assert.deepEqual(protocolErrors(s, 'AirbyteStateMessage'), []);

      // New instances between syncs: on sync 2's window edges (it starts at the cursor minus the
      // lookback), exactly on sync 1's cursor, in the last seconds, and some indexed late (1.5 s).
      for (const code of emulator.approvalCodes) {
        const cursor = cursorOf(first.lastState, code)!;
        const secondEdges = [cursor - lookbackMs, cursor - lookbackMs + H - 1, cursor - lookbackMs + 2 * H - 1, cursor];
        for (const edge of secondEdges)
          emulator.addInstances({ approvalCode: code, count: 2, createdFromMs: edge, createdToMs: edge });
        emulator.addInstances({
          approvalCode: code,
          count: 20,
          createdFromMs: Date.now() - 20_000,
          createdToMs: Date.now(),
        });
        emulator.addInstances({ approvalCode: code, count: 5, indexDelayMs: 1500 });
      }
      const second = await sync(emulator, { config, state: [first.lastState!] });
      assertNoDuplicates(second.codes, 'records in sync 2');
      assertExactRecordCounts(second);
      clock.advance(1600); // the late-indexed instances are listable now
      for (const code of emulator.approvalCodes) emulator.addInstances({ approvalCode: code, count: 10 });
      const third = await sync(emulator, { config, state: [second.lastState!] });
      assertNoDuplicates(third.codes, 'records in sync 3');

      assertSameSet(
        [...first.codes, ...second.codes, ...third.codes],
        truthCodes(emulator),
        'union of 3 syncs vs truth',
      );
      // Across syncs only the lookback overlap repeats.
      const firstSet = new Set(first.codes);
      const byCode = new Map(emulator.truth().map((t) => [t.instanceCode, t]));
      for (const code of second.codes.filter((c) => firstSet.has(c))) {
        const t = byCode.get(code)!;
        assert.ok(
          t.createTimeMs >= cursorOf(first.lastState, t.approvalCode)! - lookbackMs - 1,
          'a repeat lies within the lookback',
        );
      }
    });
  }

  it('windows edges hold exactly one copy of instances placed on every edge, under every semantics', async () => {
    const now = Date.now();
    const start = hourFloor(now) - 24 * H;
    const end = hourFloor(now) - 2 * H;
    for (const bounds of ['inclusive', 'end_exclusive', 'start_exclusive'] as BoundSemantics[]) {
      emulator = await startEmulator({
        seed: 5,
        codeCount: 1,
        instancesPerCode: 50,
        bounds,
        spanStartMs: start,
        spanEndMs: end,
        listRateLimit: null,
      });
      const code = emulator.approvalCodes[0]!;
      const windows = planWindows({ startMs: start, endMs: end }, 3 * H);
      for (const edge of [start, ...windows.map((w) => w.endMs)]) {
        emulator.addInstances({ approvalCode: code, count: 3, createdFromMs: edge, createdToMs: edge });
      }
      const config = {
        window_hours: 3,
        page_size: 2,
        start_date: new Date(start).toISOString(),
        end_date: new Date(end).toISOString(),
      };
      const result = await sync(emulator, { config, mode: 'full_refresh' });
      assertNoDuplicates(result.codes, `${bounds} records`);
      assertSameSet(
        result.codes,
        truthCodes(emulator, (t) => t.createTimeMs >= start && t.createTimeMs <= end),
        `${bounds} vs truth`,
      );
      await emulator.stop();
    }
  });

  it('a cursor in the future (abnormal state) yields no records and keeps the cursor', async () => {
    emulator = await startEmulator({ seed: 2, codeCount: 1, instancesPerCode: 100, listRateLimit: null });
    const code = emulator.approvalCodes[0]!;
    const future = '2099-01-01T00:00:00.000Z';
    const state = [
      {
        type: 'STREAM' as const,
        stream: {
          stream_descriptor: { name: 'approval_instances' },
          stream_state: { cursor_groups: [{ created_before: future, approval_codes: [code] }] },
        },
      },
    ];
    const result = await sync(emulator, { state });
    assert.equal(records(result.messages).length, 0);
    assert.equal(cursorOf(result.lastState, code), Date.parse(future));
    assert.equal(emulator.stats().requests['list'] ?? 0, 0);
  });

  it('an approval code added later backfills from start_date; the others continue from their cursors', async () => {
    emulator = await startEmulator({ seed: 8, codeCount: 2, instancesPerCode: 300, listRateLimit: null });
    const [a, b] = emulator.approvalCodes as [string, string];
    const first = await sync(emulator, { config: { approval_codes: [a] } });
    assertSameSet(
      first.codes,
      truthCodes(emulator, (t) => t.approvalCode === a),
      'code A',
    );
    emulator.addInstances({ approvalCode: a, count: 4 });
    const second = await sync(emulator, {
      config: { approval_codes: [a, b], lookback_minutes: 0 },
      state: [first.lastState!],
    });
    const fromB = records(second.messages)
      .filter((r) => r.data['approval_code'] === b)
      .map((r) => r.data['instance_code'] as string);
    const fromA = records(second.messages)
      .filter((r) => r.data['approval_code'] === a)
      .map((r) => r.data['instance_code'] as string);
    assertSameSet(
      fromB,
      truthCodes(emulator, (t) => t.approvalCode === b),
      'code B backfilled',
    );
    assert.ok(fromA.length >= 4 && fromA.length < 20, `code A continued from its cursor (${fromA.length} records)`);
    assert.ok(cursorOf(second.lastState, a)! >= cursorOf(first.lastState, a)!);
  });

  it('end_date reached: a later sync reads nothing, makes no list request (not even the lookback) and keeps the cursor at end_date', async () => {
    emulator = await startEmulator({ seed: 9, codeCount: 1, instancesPerCode: 200, listRateLimit: null });
    const end = new Date(hourFloor(Date.now()) - 5 * H).toISOString();
    const first = await sync(emulator, { config: { end_date: end } });
    assertSameSet(
      first.codes,
      truthCodes(emulator, (t) => t.createTimeMs <= Date.parse(end)),
      'up to end_date',
    );
    assert.equal(cursorOf(first.lastState, emulator.approvalCodes[0]!), Date.parse(end));
    for (const lookback of [0, 10, 600]) {
      emulator.resetStats();
      const second = await sync(emulator, {
        config: { end_date: end, lookback_minutes: lookback },
        state: [first.lastState!],
      });
      assert.equal(second.codes.length, 0);
      assert.equal(
        emulator.stats().requests['list'] ?? 0,
        0,
        `list requests of an ended range, lookback ${lookback} min`,
      );
      assert.equal(cursorOf(second.lastState, emulator.approvalCodes[0]!), Date.parse(end));
    }
  });

  it('page tokens that expire mid-window: the window restarts and nothing is lost or doubled', async () => {
    emulator = await startEmulator({
      seed: 4,
      codeCount: 2,
      instancesPerCode: 1500,
      latencyMs: 10,
      listRateLimit: null,
    });
    // Every few tens of milliseconds, page tokens expire at once (a TTL of 1 ms), then live again.
    let expiring = false;
    const flip = setInterval(() => {
      expiring = !expiring;
      emulator!.configure({ pageTokenTtlMs: expiring ? 1 : 0 });
    }, 40);
    const result = await sync(emulator, { config: { page_size: 10, max_concurrency: 4 } }).finally(() =>
      clearInterval(flip),
    );
    assertNoDuplicates(result.codes);
    assertSameSet(result.codes, truthCodes(emulator), 'with page-token expiry');
    assert.ok((emulator.stats().responsesByCode['1390001'] ?? 0) > 0, 'some page tokens did expire');
  });
});
