import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Emitter } from '../src/kit/emitter.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import { ESTIMATE_GAP_MS, estimateRows, MIN_STATE_GAP_MS, nextStateAtMs, STATE_BYTES_PER_MINUTE } from '../src/source/streams/pacing.js';
import { StreamOutput } from '../src/source/streams/stream-output.js';

describe('estimateRows: rows so far + their density over the span read × the span still to read', () => {
  const cases: { name: string; rowsSoFar: number; doneSpanMs: number; totalSpanMs: number; expected: number | undefined }[] = [
    { name: 'nothing read yet: no estimate', rowsSoFar: 0, doneSpanMs: 0, totalSpanMs: 100, expected: undefined },
    { name: 'an empty range: no estimate', rowsSoFar: 0, doneSpanMs: 0, totalSpanMs: 0, expected: undefined },
    { name: 'a quarter read, 50 rows: 200', rowsSoFar: 50, doneSpanMs: 25, totalSpanMs: 100, expected: 200 },
    { name: 'half read, 10 rows: 20', rowsSoFar: 10, doneSpanMs: 50, totalSpanMs: 100, expected: 20 },
    { name: 'everything read: the rows themselves', rowsSoFar: 123, doneSpanMs: 100, totalSpanMs: 100, expected: 123 },
    { name: 'rows but no density yet beyond them (empty windows so far)', rowsSoFar: 0, doneSpanMs: 40, totalSpanMs: 100, expected: 0 },
    { name: 'rounded to whole rows', rowsSoFar: 1, doneSpanMs: 3, totalSpanMs: 10, expected: 3 },
    { name: 'done span past the total (split edges): never below the rows', rowsSoFar: 7, doneSpanMs: 120, totalSpanMs: 100, expected: 7 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(estimateRows(c), c.expected));
  }
});

describe('nextStateAtMs: a STATE leaves after the minimum gap and within the byte budget', () => {
  const perMinute = STATE_BYTES_PER_MINUTE;
  const cases: { name: string; last: { atMs: number; bytes: number } | undefined; expected: number }[] = [
    { name: 'the first STATE leaves at once', last: undefined, expected: Number.NEGATIVE_INFINITY },
    { name: 'a small STATE: the minimum gap decides', last: { atMs: 10_000, bytes: 300 }, expected: 10_000 + MIN_STATE_GAP_MS },
    { name: 'a STATE of a thirtieth of the budget: 2 s', last: { atMs: 0, bytes: perMinute / 30 }, expected: 2000 },
    { name: '500 codes (63 KB): the byte budget decides', last: { atMs: 0, bytes: 63_000 }, expected: (63_000 * 60_000) / perMinute },
    { name: 'a STATE as big as the budget: one a minute', last: { atMs: 5, bytes: perMinute }, expected: 60_005 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(nextStateAtMs(c.last), c.expected));
  }

  it('over a minute of back-to-back STATEs: at most the budget plus the first STATE, so under 1 MB up to 100 KB each', () => {
    for (const bytes of [200, 6_000, 63_000, 630_000]) {
      let sent = 0;
      let atMs = 0;
      for (let last: { atMs: number; bytes: number } | undefined; ; ) {
        atMs = Math.max(atMs, nextStateAtMs(last));
        if (atMs >= 60_000) break;
        sent += bytes;
        last = { atMs, bytes };
      }
      assert.ok(sent <= perMinute + bytes, `${bytes}-byte STATEs: ${sent} bytes in a minute`);
      if (bytes <= 100_000) assert.ok(sent <= 1_000_000, `${bytes}-byte STATEs: ${sent} bytes in a minute`);
    }
  });
});

describe('StreamOutput pacing', () => {
  /** A StreamOutput over a real Emitter whose stdout is a PassThrough; `lines()` parses what reached it. */
  function output() {
    const out = new PassThrough();
    let text = '';
    out.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const emitter = new Emitter(out);
    const stream = new StreamOutput(emitter, 'approval_instances');
    const lines = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AirbyteMessage);
    const stateLines = () => lines().flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
    return { emitter, stream, lines, stateLines };
  }

  it('a checkpoint within the minimum gap is held back, replaced by newer ones, and sent by a timer', async () => {
    const { emitter, stream, stateLines } = output();
    stream.record({ instance_code: 'a' });
    stream.state(() => ({ n: 1 }));
    stream.record({ instance_code: 'b' });
    stream.state(() => ({ n: 2 }));
    stream.record({ instance_code: 'c' });
    stream.state(() => ({ n: 3 }));
    await emitter.flush();
    await sleep(10);
    assert.deepEqual(stateLines().map((s) => s.stream!.stream_state), [{ n: 1 }], 'only the first leaves at once');
    await sleep(MIN_STATE_GAP_MS + 200);
    assert.deepEqual(stateLines().map((s) => [s.stream!.stream_state, s.sourceStats!.recordCount]), [[{ n: 1 }, 1], [{ n: 3 }, 2]], 'the newest held-back one follows within the gap');
    await emitter.close();
  });

  it('a final checkpoint leaves at once; flushState sends a held-back one and nothing twice', async () => {
    const { emitter, stream, stateLines } = output();
    stream.state(() => ({ n: 1 }));
    stream.record({ instance_code: 'a' });
    stream.state(() => ({ n: 2 }));
    await stream.flushState();
    assert.equal(await stream.flushState(), undefined, 'nothing left to send');
    stream.record({ instance_code: 'b' });
    stream.state(() => ({ n: 3 }), true);
    await emitter.close();
    assert.deepEqual(stateLines().map((s) => [s.stream!.stream_state, s.sourceStats!.recordCount]), [[{ n: 1 }, 0], [{ n: 2 }, 1], [{ n: 3 }, 1]]);
  });

  it('ESTIMATEs: from the progress, no more often than every ESTIMATE_GAP_MS', async () => {
    const { emitter, stream, lines } = output();
    for (let i = 0; i < 10; i++) stream.record({ instance_code: `c${i}` });
    stream.progress({ doneSpanMs: 25, totalSpanMs: 100, windowsDone: 1, windowsTotal: 4 });
    stream.progress({ doneSpanMs: 50, totalSpanMs: 100, windowsDone: 2, windowsTotal: 4 });
    await emitter.close();
    const estimates = lines().flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? [m.trace.estimate] : []));
    assert.deepEqual(estimates, [{ name: 'approval_instances', type: 'STREAM', row_estimate: 40 }]);
    assert.ok(ESTIMATE_GAP_MS >= 2000, 'every few seconds at most');
  });
});
