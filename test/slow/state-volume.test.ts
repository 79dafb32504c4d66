/**
 * Issue 17 §7: STATE volume. With 500 approval codes a STATE in Airbyte's per-partition list
 * carries 500 cursors (about 63 KB); one per window wrote 79 MB of STATE for 2,000 records, and
 * pacing that list to 1 MB a minute left 4 s between STATEs. Beyond ~126 codes the connector
 * writes hashed cursor groups (about 8 bytes a code), so a STATE leaves within 2 s of the last
 * while the cursors move and the bytes stay under 1 MB a minute; a sync cut at any STATE resumes
 * from that hashed state and delivers every instance.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../../emulator/index.js';
import { catalog, committedPrefix, cursors, hourFloor, instanceCodes, lastState, writeFiles } from '../../harness/index.js';
import type { AirbyteMessage, AirbyteStateMessage } from '../../src/kit/protocol.js';
import { emulatorConfig } from '../helpers/fixtures.js';
import { assertSameSet, sync, truthCodes } from '../helpers/sync.js';
import { timedRead } from '../helpers/timed-output.js';

const HOUR_MS = 3_600_000;

describe('STATE volume with 500 approval codes', () => {
  let emulator: FeishuEmulator;
  before(async () => {
    const endMs = hourFloor(Date.now()) - HOUR_MS;
    emulator = await startEmulator({ seed: 71, codeCount: 500, instancesPerCode: 4, spanStartMs: endMs - 30 * HOUR_MS, spanEndMs: endMs, listRateLimit: null, detailRateLimit: null });
  });
  after(() => emulator.stop());

  it('per stream: under 1 MB of STATE in any minute, a STATE within 2 s of the last while cursors move, recordCounts exact; resumable from a hashed STATE', async () => {
    // 500 codes × 3 windows of 10 h at 120 list requests/s, 2,000 details: about 15 s.
    const config = { end_date: new Date(emulator.options.spanEndMs).toISOString(), window_hours: 10, requests_per_minute: 7200, max_concurrency: 8, detail_requests_per_second: 150 };
    const files = writeFiles({ 'config.json': emulatorConfig(emulator, config), 'catalog.json': catalog('incremental', STREAMS) });
    const { seen: lines, code } = await timedRead(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(code, 0);
    const duration = lines.at(-1)!.atMs;
    assert.ok(duration >= 8_000, `the budget makes the sync last (${duration} ms); otherwise pacing is not exercised`);
    const messages = lines.map((l) => l.message);
    const end = new Date(emulator.options.spanEndMs).toISOString();
    const allAtEnd = Object.fromEntries(emulator.approvalCodes.map((c) => [c, end]));

    for (const stream of STREAMS) {
      const ofStream = lines.filter((_, i) => streamOf(messages[i]!) === stream);
      const states = ofStream.filter((l) => l.line.startsWith('{"type":"STATE"'));
      const records = ofStream.filter((l) => l.line.startsWith('{"type":"RECORD"')).length;
      assert.equal(records, 2000, stream);
      const counted = states.reduce((n, s) => n + (JSON.parse(s.line) as { state: { sourceStats: { recordCount: number } } }).state.sourceStats.recordCount, 0);
      assert.equal(counted, records, `${stream}: recordCounts sum to the records`);

      // Each code's first two windows come first, so a cursor moves after a few requests, not after one round of 500.
      assert.ok(states[0]!.atMs < 3000, `${stream}: first STATE after ${states[0]!.atMs} ms`);
      let inMinute = 0;
      for (let i = 0, j = 0, sum = 0; j < states.length; j++) {
        sum += states[j]!.line.length + 1;
        while (states[j]!.atMs - states[i]!.atMs >= 60_000) sum -= states[i++]!.line.length + 1;
        inMinute = Math.max(inMinute, sum);
      }
      assert.ok(inMinute < 1_000_000, `${stream}: ${inMinute} bytes of STATE within a minute`);

      // Cursors move with every finished window, so the time between two STATEs bounds how long a
      // moved cursor waits: at most 2 s. The per-partition list of 500 codes alone would be 63 KB,
      // a STATE every 4.2 s at the byte budget; the details' digest once doubled that.
      const largest = Math.max(...states.map((s) => s.line.length));
      assert.ok(largest < 30_000, `${stream}: largest STATE ${largest} bytes`);
      const gaps = states.slice(1).map((s, i) => s.atMs - states[i]!.atMs);
      assert.ok(Math.max(...gaps) <= 2000, `${stream}: longest gap between STATEs ${Math.max(...gaps)} ms`);

      // The hashed final state names every code's cursor at the end of the range.
      const final = lastState(messages, stream)!;
      assert.ok(Array.isArray((final.stream!.stream_state as { cursor_groups?: unknown }).cursor_groups), `${stream}: hashed cursor groups`);
      assert.deepEqual(cursors(final, emulator.approvalCodes), allAtEnd, stream);
    }

    // Cut the sync at a STATE in its middle, as a kill would; the resumed sync delivers the rest.
    const stateAt = messages.flatMap((m, i) => (m.type === 'STATE' ? [i] : []));
    const cut = committedPrefix(messages.slice(0, stateAt[Math.floor(stateAt.length / 2)]! + 1));
    const midStates = STREAMS.map((stream) => lastState(cut, stream) as AirbyteStateMessage);
    assert.ok(Object.values(cursors(midStates[0], emulator.approvalCodes)).some((c) => c !== end), 'the cut falls mid-sync');
    const resumed = await sync(emulator, { config, state: midStates, streams: STREAMS });
    for (const stream of STREAMS) {
      assertSameSet([...instanceCodes(cut, stream), ...instanceCodes(resumed.messages, stream)], truthCodes(emulator), `${stream}: instances of the cut sync and its resume`);
      assert.deepEqual(cursors(lastState(resumed.messages, stream), emulator.approvalCodes), allAtEnd, stream);
    }
  });
});

const STREAMS = ['approval_instances', 'approval_instance_details'];

function streamOf(message: AirbyteMessage): string | undefined {
  if (message.type === 'RECORD') return message.record.stream;
  if (message.type === 'STATE') return message.state.stream?.stream_descriptor.name;
  return undefined;
}
