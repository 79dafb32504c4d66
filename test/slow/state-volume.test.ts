/**
 * STATE volume in real time (issue 17 §7, issue 22 §4), through the real CLI against the emulator:
 * every STATE names every approval code in plain text (cursor groups, 39 bytes a code), and
 * pacing (src/source/streams/pacing.ts) keeps each stream under 1 MB of STATE in any minute.
 * At 500 codes the first STATE leaves within 3 s and no two STATEs are more than 5 s apart;
 * at 2,000 codes the gap grows with the STATE's size (measured: 5.2 s for the cursors alone,
 * 6.9 s with the details' digest). A sync cut at a STATE in its middle resumes from it and
 * delivers every instance.
 * test/state-volume.test.ts measures the same with a simulated clock in a fraction of a second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../../emulator/index.js';
import {
  catalog,
  committedPrefix,
  cursors,
  hourFloor,
  instanceCodes,
  lastState,
  writeFiles,
} from '../../harness/index.js';
import type { AirbyteMessage, AirbyteStateMessage } from '../../src/kit/protocol.js';
import { emulatorConfig } from '../helpers/fixtures.js';
import { assertSameSet, sync, truthCodes } from '../helpers/sync.js';
import { timedRead } from '../helpers/timed-output.js';

const HOUR_MS = 3_600_000;
const STREAMS = ['approval_instances', 'approval_instance_details'];

const CASES = [
  // 500 codes × 3 windows of 10 h at 120 list requests/s, 2,000 details at 150/s: about 18 s.
  { codes: 500, instancesPerCode: 4, requestsPerMinute: 7_200, maxGapMs: 5_000 },
  // 2,000 codes × 3 windows at 400 list requests/s, 2,000 details at 150/s: about 20 s.
  { codes: 2_000, instancesPerCode: 1, requestsPerMinute: 24_000, maxGapMs: 8_000 },
];

for (const c of CASES) {
  describe(`STATE volume with ${c.codes} approval codes, in real time`, () => {
    let emulator: FeishuEmulator;
    before(async () => {
      const endMs = hourFloor(Date.now()) - HOUR_MS;
      emulator = await startEmulator({
        seed: 71,
        codeCount: c.codes,
        instancesPerCode: c.instancesPerCode,
        spanStartMs: endMs - 30 * HOUR_MS,
        spanEndMs: endMs,
        listRateLimit: null,
        detailRateLimit: null,
      });
    });
    after(() => emulator.stop());

    it(`per stream: under 1 MB of STATE in any minute, first STATE within 3 s, gaps of at most ${c.maxGapMs} ms, recordCounts exact, codes in plain text; resumable`, async (t) => {
      const config = {
        end_date: new Date(emulator.options.spanEndMs).toISOString(),
        window_hours: 10,
        requests_per_minute: c.requestsPerMinute,
        max_concurrency: 8,
        detail_requests_per_second: 150,
      };
      const files = writeFiles({
        'config.json': emulatorConfig(emulator, config),
        'catalog.json': catalog('incremental', STREAMS),
      });
      const { seen: lines, code } = await timedRead([
        'read',
        '--config',
        files['config.json']!,
        '--catalog',
        files['catalog.json']!,
      ]);
      assert.equal(code, 0);
      const duration = lines.at(-1)!.atMs;
      assert.ok(
        duration >= 8_000,
        `the budget makes the sync last (${duration} ms); otherwise pacing is not exercised`,
      );
      const messages = lines.map((l) => l.message);
      const end = new Date(emulator.options.spanEndMs).toISOString();
      const allAtEnd = Object.fromEntries(emulator.approvalCodes.map((code) => [code, end]));

      for (const stream of STREAMS) {
        const ofStream = lines.filter((_, i) => streamOf(messages[i]!) === stream);
        const states = ofStream.filter((l) => l.line.startsWith('{"type":"STATE"'));
        const records = ofStream.filter((l) => l.line.startsWith('{"type":"RECORD"')).length;
        assert.equal(records, c.codes * c.instancesPerCode, stream);
        const counted = states.reduce(
          (n, s) =>
            n +
            (JSON.parse(s.line) as { state: { sourceStats: { recordCount: number } } }).state.sourceStats.recordCount,
          0,
        );
        assert.equal(counted, records, `${stream}: recordCounts sum to the records`);

        // Each code's first two windows come first, so a cursor moves after a few requests, not after one round of codes.
        assert.ok(states[0]!.atMs < 3000, `${stream}: first STATE after ${states[0]!.atMs} ms`);
        let inMinute = 0;
        for (let i = 0, j = 0, sum = 0; j < states.length; j++) {
          sum += states[j]!.line.length + 1;
          while (states[j]!.atMs - states[i]!.atMs >= 60_000) sum -= states[i++]!.line.length + 1;
          inMinute = Math.max(inMinute, sum);
        }
        assert.ok(inMinute < 1_000_000, `${stream}: ${inMinute} bytes of STATE within a minute`);
        const gaps = states.slice(1).map((s, i) => s.atMs - states[i]!.atMs);
        const largest = Math.max(...states.map((s) => s.line.length));
        t.diagnostic(
          `${c.codes} codes, ${stream}: ${states.length} STATEs in ${duration} ms, first after ${states[0]!.atMs} ms, longest gap ${Math.max(...gaps)} ms, ` +
            `largest ${largest} bytes, at most ${inMinute} bytes in a minute, ${states.reduce((n, s) => n + s.line.length + 1, 0)} bytes in all`,
        );
        assert.ok(Math.max(...gaps) <= c.maxGapMs, `${stream}: longest gap between STATEs ${Math.max(...gaps)} ms`);

        // The final state names every code's cursor at the end of the range, in plain text.
        const final = lastState(messages, stream)!;
        const groups = (final.stream!.stream_state as { cursor_groups?: { approval_codes: string[] }[] })
          .cursor_groups!;
        assert.deepEqual(
          groups.flatMap((g) => g.approval_codes).sort(),
          [...emulator.approvalCodes].sort(),
          `${stream}: every code in plain text`,
        );
        assert.deepEqual(cursors(final), allAtEnd, stream);
      }

      // Cut the sync at a STATE in its middle, as a kill would; the resumed sync delivers the rest.
      const stateAt = messages.flatMap((m, i) => (m.type === 'STATE' ? [i] : []));
      const cut = committedPrefix(messages.slice(0, stateAt[Math.floor(stateAt.length / 2)]! + 1));
      const midStates = STREAMS.map((stream) => lastState(cut, stream) as AirbyteStateMessage);
      assert.ok(
        Object.values(cursors(midStates[0])).some((cursor) => cursor !== end),
        'the cut falls mid-sync',
      );
      const resumed = await sync(emulator, { config, state: midStates, streams: STREAMS });
      for (const stream of STREAMS) {
        assertSameSet(
          [...instanceCodes(cut, stream), ...instanceCodes(resumed.messages, stream)],
          truthCodes(emulator),
          `${stream}: instances of the cut sync and its resume`,
        );
        assert.deepEqual(cursors(lastState(resumed.messages, stream)), allAtEnd, stream);
      }
    });
  });
}

function streamOf(message: AirbyteMessage): string | undefined {
  if (message.type === 'RECORD') return message.record.stream;
  if (message.type === 'STATE') return message.state.stream?.stream_descriptor.name;
  return undefined;
}
