/**
 * Issue 17 §7: STATE volume. With 500 approval codes every STATE carries 500 cursors (about 63 KB);
 * one per window wrote 79 MB of STATE for 2,000 records. STATEs are paced by time and bytes:
 * under 1 MB in any minute, and still leaving every few seconds while the cursors move.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { CONNECTOR_BIN, catalog, hourFloor, writeFiles } from '../harness/index.js';
import { STATE_BYTES_PER_MINUTE } from '../src/source/streams/pacing.js';
import { emulatorConfig } from './helpers/fixtures.js';

const HOUR_MS = 3_600_000;

interface TimedLine {
  atMs: number;
  line: string;
}

/** Runs a read and timestamps each stdout line on arrival. */
async function timedLines(args: string[]): Promise<{ lines: TimedLine[]; code: number | null }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CONNECTOR_BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: TimedLine[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const atMs = Date.now() - started;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) lines.push({ atMs, line });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { lines, code };
}

describe('STATE volume with 500 approval codes', () => {
  let emulator: FeishuEmulator;
  before(async () => {
    const endMs = hourFloor(Date.now()) - HOUR_MS;
    emulator = await startEmulator({ seed: 71, codeCount: 500, instancesPerCode: 4, spanStartMs: endMs - 30 * HOUR_MS, spanEndMs: endMs, listRateLimit: null, detailRateLimit: null });
  });
  after(() => emulator.stop());

  it('under 1 MB of STATE in any minute, the first STATE within seconds, then one every few seconds, recordCounts exact', async () => {
    // 500 codes × 4 windows of 10 h at 120 requests/s: about 17 s.
    const config = emulatorConfig(emulator, { end_date: new Date(emulator.options.spanEndMs).toISOString(), window_hours: 10, requests_per_minute: 7200, max_concurrency: 8 });
    const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental') });
    const { lines, code } = await timedLines(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(code, 0);
    const states = lines.filter((l) => l.line.startsWith('{"type":"STATE"'));
    const records = lines.filter((l) => l.line.startsWith('{"type":"RECORD"')).length;
    assert.equal(records, 2000);
    const counted = states.reduce((n, s) => n + (JSON.parse(s.line) as { state: { sourceStats: { recordCount: number } } }).state.sourceStats.recordCount, 0);
    assert.equal(counted, records, 'recordCounts sum to the records');

    // Each code's first two windows come first, so a cursor moves after a few requests, not after one round of 500.
    assert.ok(states[0]!.atMs < 3000, `first STATE after ${states[0]!.atMs} ms`);
    const duration = lines.at(-1)!.atMs;
    assert.ok(duration >= 10_000, `the budget makes the sync last (${duration} ms); otherwise pacing is not exercised`);
    let inMinute = 0;
    for (let i = 0, j = 0, sum = 0; j < states.length; j++) {
      sum += states[j]!.line.length + 1;
      while (states[j]!.atMs - states[i]!.atMs >= 60_000) sum -= states[i++]!.line.length + 1;
      inMinute = Math.max(inMinute, sum);
    }
    assert.ok(inMinute < 1_000_000, `${inMinute} bytes of STATE within a minute`);

    // While the scan runs, the byte budget sets the gap: the largest STATE's bytes at the budget's rate.
    const largest = Math.max(...states.map((s) => s.line.length));
    const budgetGapMs = (largest * 60_000) / STATE_BYTES_PER_MINUTE;
    const gaps = states.slice(1).map((s, i) => s.atMs - states[i]!.atMs);
    assert.ok(states.length >= duration / (budgetGapMs + 2000), `${states.length} STATEs in ${duration} ms`);
    assert.ok(Math.max(...gaps) <= budgetGapMs + 1500, `longest gap between STATEs ${Math.max(...gaps)} ms (budget gap ${Math.round(budgetGapMs)} ms)`);
  });
});
