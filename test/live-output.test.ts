/**
 * Issue 13 §1: output reaches the platform while a slow sync runs, not at exit. The connector's
 * own budget (requests_per_minute) makes a sparse sync take ~15 s; each stdout line is
 * timestamped when it arrives through the pipe, as the platform's reader would see it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteStateMessage } from '../src/kit/protocol.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { catalog, hourFloor, writeFiles } from '../harness/index.js';
import { timedRead, type TimedMessage } from './helpers/timed-output.js';
import { assertExactRecordCounts, assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';

const isState = (t: TimedMessage) => t.message.type === 'STATE';
const isStarted = (t: TimedMessage) =>
  t.message.type === 'TRACE' && t.message.trace.stream_status?.status === 'STARTED';

describe('live output of a rate-limited sparse sync', () => {
  let emulator: FeishuEmulator;
  let config: Record<string, unknown>;
  let startMs: number;
  let files: Record<string, string>;
  before(async () => {
    emulator = await startEmulator({ seed: 13, codeCount: 2, instancesPerCode: 600, listRateLimit: null });
    startMs = hourFloor(emulator.options.spanEndMs) - 30 * 3_600_000;
    // 2 codes × 7 windows of 5 h, one request per second: about 15 s, a handful of instances per window.
    config = emulatorConfig(emulator, {
      start_date: new Date(startMs).toISOString(),
      window_hours: 5,
      requests_per_minute: 60,
      max_concurrency: 1,
    });
    files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental') });
  });
  after(() => emulator.stop());

  it('STARTED and the first STATE arrive within seconds, and STATEs keep arriving', async (t) => {
    const { seen } = await timedRead(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    const states = seen.filter(isState);
    const last = seen.at(-1)!.atMs;
    assert.ok(last >= 8_000, `the budget makes the sync slow (${last} ms); otherwise this test proves nothing`);
    const started = seen.find(isStarted);
    assert.ok(started && started.atMs < 3_000, `STREAM_STATUS STARTED after ${started?.atMs} ms`);
    assert.ok(states.length >= 10, `${states.length} STATEs`);
    assert.ok(states[0]!.atMs < 5_000, `first STATE after ${states[0]!.atMs} ms`);
    const gaps = seen.slice(1).map((t, i) => t.atMs - seen[i]!.atMs);
    const longest = Math.max(...gaps);
    t.diagnostic(
      `STARTED at ${started?.atMs} ms, first STATE at ${states[0]!.atMs} ms, ${states.length} STATEs, longest silence ${longest} ms, end at ${last} ms`,
    );
    assert.ok(longest < 5_000, `longest silence between two messages: ${longest} ms`);
    // Lines arrive in many reads spread over the sync, not in one burst at exit.
    assert.ok(
      states[Math.floor(states.length / 2)]!.atMs < last - 3_000,
      'the middle STATE arrived well before the end',
    );
  });

  it('kill -9 half-way keeps what the received STATEs promised', async () => {
    const { seen, killed } = await timedRead(
      ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!],
      (s) => s.filter(isState).length >= 6,
    );
    assert.ok(killed, 'the sync was killed before it finished');
    const messages = seen.map((t) => t.message);
    const lastStateIndex = messages.map((m) => m.type).lastIndexOf('STATE');
    const committed = messages.slice(0, lastStateIndex + 1);
    assertExactRecordCounts({ messages: committed, code: null, signal: null, stdout: '', stderr: '' });
    const committedCodes = committed.flatMap((m) =>
      m.type === 'RECORD' ? [m.record.data['instance_code'] as string] : [],
    );
    const lastState = (committed[lastStateIndex] as { state: AirbyteStateMessage }).state;
    // The resumed sync need not be slow.
    const resumed = await sync(emulator, { config: { ...config, requests_per_minute: 100_000 }, state: [lastState] });
    assertNoDuplicates(committedCodes, 'records before the kill');
    assertNoDuplicates(resumed.codes, 'records of the resumed sync');
    assertSameSet(
      [...committedCodes, ...resumed.codes],
      truthCodes(emulator, (t) => t.createTimeMs >= startMs),
      'killed sync up to its last STATE + resumed sync',
    );
    assert.ok(
      committedCodes.length > 0 && resumed.codes.length > 0,
      `both syncs delivered (${committedCodes.length} + ${resumed.codes.length})`,
    );
  });
});
