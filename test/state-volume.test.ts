/**
 * STATE volume at 500 and 2,000 approval codes, with a simulated clock: the real StreamOutput
 * (pacing.ts), the real state blob (plain cursor groups) and the real Emitter, fed the cursor moves
 * of a scan that lists each code's 3 windows in scan order at 125 list requests a second (about
 * what test/slow/state-volume.test.ts runs for real against the emulator), and at 10 a second so
 * that a sync lasts well over a minute. A window's
 * cursor moves once the next window has been listed (edge dedupe), and the last window's at once.
 */
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { Emitter } from '../src/kit/emitter.js';
import { checkpointBlob } from '../src/source/state/resumable-state.js';
import { scanOrder } from '../src/source/scan/scan-order.js';
import { StreamOutput } from '../src/source/streams/stream-output.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const WINDOW_MS = 10 * 3_600_000;
const WINDOWS = 3;

interface Figures {
  states: number;
  durationMs: number;
  firstMs: number;
  longestGapMs: number;
  largestBytes: number;
  maxBytesInMinute: number;
}

/** `n` approval codes shaped like Feishu's (36-character UUIDs). */
function uuidCodes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const h = createHash('md5').update(String(i)).digest('hex').toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  });
}

/** Runs the simulated scan of `codeCount` codes and measures the STATE lines as they reach stdout. */
function simulate(codeCount: number, requestMs: number): Figures {
  const sent: { atMs: number; bytes: number }[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.startsWith('{"type":"STATE"')) sent.push({ atMs: Date.now() - T0, bytes: line.length + 1 });
      done();
    },
  });
  const out = new StreamOutput(new Emitter(stdout), 'approval_instances');
  const codes = uuidCodes(codeCount);
  const order = scanOrder(codes.map((code) => Array.from({ length: WINDOWS }, (_, k) => ({ code, k }))));
  const cursors = new Map<string, number>();
  for (const { code, k } of order) {
    mock.timers.tick(requestMs);
    // Listing window k finalises window k - 1; the last window has no next one to wait for.
    const finished = k === WINDOWS - 1 ? k : k - 1;
    if (finished < 0) continue;
    cursors.set(code, T0 + (finished + 1) * WINDOW_MS);
    const snapshot = new Map(cursors);
    void out.state(() => checkpointBlob(snapshot, 'incremental', false));
  }
  const durationMs = Date.now() - T0;
  void out.state(() => checkpointBlob(new Map(cursors), 'incremental', true), true);
  let maxBytesInMinute = 0;
  for (let i = 0, j = 0, sum = 0; j < sent.length; j++) {
    sum += sent[j]!.bytes;
    while (sent[j]!.atMs - sent[i]!.atMs >= 60_000) sum -= sent[i++]!.bytes;
    maxBytesInMinute = Math.max(maxBytesInMinute, sum);
  }
  // The final STATE leaves at once, whatever the gap; the gaps that matter are those while cursors move.
  const paced = sent.slice(0, -1);
  return {
    states: sent.length,
    durationMs,
    firstMs: sent[0]!.atMs,
    longestGapMs: Math.max(0, ...paced.slice(1).map((s, i) => s.atMs - paced[i]!.atMs)),
    largestBytes: Math.max(...sent.map((s) => s.bytes)),
    maxBytesInMinute,
  };
}

describe('STATE volume of the plain cursor groups, simulated clock', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  const cases = [
    // 19.7 KB of cursors: the byte budget allows one every 1.3 s.
    { codes: 500, requestMs: 8, maxGapMs: 5_000, largestBytes: 20_000 },
    { codes: 500, requestMs: 100, maxGapMs: 5_000, largestBytes: 20_000 },
    // 78 KB of cursors: the byte budget allows one every 5.2 s.
    { codes: 2_000, requestMs: 8, maxGapMs: 5_400, largestBytes: 78_500 },
    { codes: 2_000, requestMs: 100, maxGapMs: 5_400, largestBytes: 78_500 },
  ];
  for (const c of cases) {
    it(`${c.codes} codes, a window listed every ${c.requestMs} ms: first STATE within 3 s, under 1 MB in any minute, gaps of at most ${c.maxGapMs} ms while cursors move`, (t) => {
      const f = simulate(c.codes, c.requestMs);
      t.diagnostic(`${c.codes} codes, ${c.requestMs} ms a window: ${JSON.stringify(f)}`);
      assert.ok(f.firstMs < 3_000, `first STATE after ${f.firstMs} ms`);
      assert.ok(f.maxBytesInMinute < 1_000_000, `${f.maxBytesInMinute} bytes in a minute`);
      assert.ok(f.longestGapMs <= c.maxGapMs, `longest gap ${f.longestGapMs} ms`);
      assert.ok(f.largestBytes <= c.largestBytes, `largest STATE ${f.largestBytes} bytes`);
      assert.ok(f.states >= f.durationMs / c.maxGapMs, `${f.states} STATEs in ${f.durationMs} ms: they keep leaving`);
    });
  }
});
