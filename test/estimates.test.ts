/**
 * Issue 13 §5: TRACE ESTIMATE messages while a sync runs, valid against the protocol schema, no
 * more often than every few seconds, and within 2× of the final count once a quarter of the
 * range is read (judged from the last STATE's cursors before each estimate, which lag the scan).
 * Issue 25 §6: no ESTIMATE before there is a basis for one (it once said 0 rows first).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { catalog, cursors, hourFloor, records, traces, writeFiles } from '../harness/index.js';
import type { AirbyteStateMessage } from '../src/kit/protocol.js';
import { runCli } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';
import { protocolErrors } from './helpers/protocol-schema.js';

describe('row estimates', () => {
  const emulator = emulatorForSuite({
    seed: 61,
    codeCount: 2,
    instancesPerCode: 3000,
    listRateLimit: null,
    detailRateLimit: null,
  });

  it('a budget-bound sync sends ESTIMATEs every few seconds, within 2× of the final count after a quarter', async () => {
    const startMs = hourFloor(emulator().options.spanStartMs);
    const endMs = hourFloor(emulator().options.spanEndMs);
    // 2 codes × 72 windows of 5 h at 20 requests/s: at least 7.2 s, so at least four ESTIMATEs 2 s apart.
    const config = emulatorConfig(emulator(), {
      start_date: new Date(startMs).toISOString(),
      end_date: new Date(endMs).toISOString(),
      window_hours: 5,
      requests_per_minute: 1200,
      max_concurrency: 2,
    });
    const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental') });
    const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(run.code, 0);
    const total = records(run.messages).length;
    const estimates = traces(run.messages, 'ESTIMATE');
    assert.ok(estimates.length >= 3, `${estimates.length} estimates`);
    for (const trace of estimates) {
      assert.deepEqual(protocolErrors({ type: 'TRACE', trace }), []);
      assert.equal(trace.estimate!.type, 'STREAM');
      assert.equal(trace.estimate!.name, 'approval_instances');
    }
    const gaps = estimates.slice(1).map((t, i) => t.emitted_at - estimates[i]!.emitted_at);
    assert.ok(Math.min(...gaps) >= 1900, `estimates at most every ~2 s (gaps ${gaps.join(', ')} ms)`);

    let judged = 0;
    let lastState: AirbyteStateMessage | undefined;
    for (const m of run.messages) {
      if (m.type === 'STATE') lastState = m.state;
      if (m.type !== 'TRACE' || m.trace.type !== 'ESTIMATE' || !lastState) continue;
      const read = Object.values(cursors(lastState)).map((iso) => (Date.parse(iso) - startMs) / (endMs - startMs));
      if (read.length < 2 || Math.min(...read) < 0.25) continue;
      judged++;
      const rows = m.trace.estimate!.row_estimate!;
      assert.ok(
        rows >= total / 2 && rows <= total * 2,
        `estimate ${rows} at ${Math.round(Math.min(...read) * 100)} % read, final ${total}`,
      );
    }
    assert.ok(judged >= 2, `${judged} estimates judged after a quarter of the range`);
  });

  it('no ESTIMATE before there is a basis: none while only empty windows have finished or before a stream wrote a row, and none says 0 rows', async () => {
    // Two days of empty windows before the first instance: the windows that finish first hold no code.
    const late = await startListDetailUnlimited({ seed: 62, codeCount: 1, instancesPerCode: 300 });
    try {
      const startMs = hourFloor(late.options.spanStartMs) - 48 * 3_600_000;
      const config = emulatorConfig(late, {
        start_date: new Date(startMs).toISOString(),
        end_date: new Date(hourFloor(late.options.spanEndMs)).toISOString(),
        max_concurrency: 1,
      });
      const streams = ['approval_instances', 'approval_instance_details', 'approval_tasks'];
      const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental', streams) });
      const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
      assert.equal(run.code, 0);
      let judged = 0;
      for (const stream of streams) {
        const firstRecord = run.messages.findIndex((m) => m.type === 'RECORD' && m.record.stream === stream);
        assert.ok(firstRecord >= 0, `${stream} has records`);
        run.messages.forEach((m, i) => {
          if (m.type !== 'TRACE' || m.trace.type !== 'ESTIMATE' || m.trace.estimate!.name !== stream) return;
          judged++;
          assert.ok(i > firstRecord, `${stream}: an ESTIMATE (${m.trace.estimate!.row_estimate}) before its first row`);
          assert.ok(m.trace.estimate!.row_estimate! > 0, `${stream}: an ESTIMATE of 0 rows`);
        });
      }
      assert.ok(judged >= streams.length, `each stream sends an ESTIMATE once there is a basis (${judged})`);
    } finally {
      await late.stop();
    }
  });
});
