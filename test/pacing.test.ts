import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Emitter } from '../src/kit/emitter.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import {
  ESTIMATE_GAP_MS,
  estimateRows,
  MIN_STATE_GAP_MS,
  nextStateAtMs,
  STATE_BYTES_PER_MINUTE,
} from '../src/source/streams/pacing.js';
import { StreamOutput } from '../src/source/streams/stream-output.js';

describe('estimateRows: rows so far + the instances still to come (density of the finished windows) × rows per instance', () => {
  // [name, rowsSoFar, codesWritten, codesListed, doneCodes, doneSpanMs, totalSpanMs, expected]
  const table: [string, number, number, number, number, number, number, number | undefined][] = [
    ['no window finished yet: no estimate', 5, 5, 5, 0, 0, 100, undefined],
    ['an empty range: no estimate', 0, 0, 0, 0, 0, 0, undefined],
    // Issue 25 §6: these two once said 0 rows.
    ['only empty windows finished: density unknown, no estimate', 3, 3, 3, 0, 40, 100, undefined],
    ['nothing written yet (details in flight): no estimate', 0, 0, 50, 50, 25, 100, undefined],
    ['a quarter finished with 50 codes, nothing open: 200', 50, 50, 50, 50, 25, 100, 200],
    ['open windows count by density, not by their codes so far', 90, 90, 90, 50, 25, 100, 200],
    ['a stream that lags the scan (details in flight) is not dragged down by it', 40, 40, 50, 50, 25, 100, 200],
    ['three rows per instance (tasks): three times the instances', 120, 40, 50, 50, 25, 100, 600],
    ['instances without rows so far (none per instance yet): 0 is an estimate now', 0, 10, 50, 50, 25, 100, 0],
    ['rows beyond the codes (pending instances fetched again) scale with them', 60, 60, 50, 50, 25, 100, 200],
    ['everything read: the rows themselves', 123, 123, 123, 123, 100, 100, 123],
    ['everything read and empty: 0 rows, now known', 0, 1, 0, 0, 100, 100, 0],
    ['open windows already past the density: never below the rows', 500, 500, 500, 10, 50, 100, 500],
    ['rounded to whole rows', 1, 1, 1, 1, 3, 10, 3],
  ];
  const cases = table.map(
    ([name, rowsSoFar, codesWritten, codesListed, doneCodes, doneSpanMs, totalSpanMs, expected]) => ({
      name,
      rowsSoFar,
      codesWritten,
      codesListed,
      doneCodes,
      doneSpanMs,
      totalSpanMs,
      expected,
    }),
  );
  for (const c of cases) {
    it(c.name, () => assert.equal(estimateRows(c), c.expected));
  }
});

describe('nextStateAtMs: a STATE leaves after the minimum gap and within the byte budget', () => {
  const perMinute = STATE_BYTES_PER_MINUTE;
  const cases: { name: string; last: { atMs: number; bytes: number } | undefined; expected: number }[] = [
    { name: 'the first STATE leaves at once', last: undefined, expected: Number.NEGATIVE_INFINITY },
    {
      name: 'a small STATE: the minimum gap decides',
      last: { atMs: 10_000, bytes: 300 },
      expected: 10_000 + MIN_STATE_GAP_MS,
    },
    { name: 'a STATE of a thirtieth of the budget: 2 s', last: { atMs: 0, bytes: perMinute / 30 }, expected: 2000 },
    {
      name: 'a 63 KB STATE: the byte budget decides',
      last: { atMs: 0, bytes: 63_000 },
      expected: (63_000 * 60_000) / perMinute,
    },
    { name: 'a STATE as big as the budget: one a minute', last: { atMs: 5, bytes: perMinute }, expected: 60_005 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(nextStateAtMs(c.last), c.expected));
  }

  it('over a minute of back-to-back STATEs: at most the budget plus the first STATE, so under 1 MB up to 100 KB each', () => {
    for (const bytes of [200, 6_000, 63_000, 630_000]) {
      let sent = 0;
      let atMs = 0;
      for (let last: { atMs: number; bytes: number } | undefined; ;) {
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
    const lines = () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AirbyteMessage);
    const stateLines = () => lines().flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
    return { emitter, stream, lines, stateLines };
  }

  it('a checkpoint within the minimum gap is held back, replaced by newer ones, and sent by a timer', async (t) => {
    // The output's clock and timers are mocked: the gap is the constant, not how long a busy machine takes.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => process.nextTick(resolve));
    };
    const { emitter, stream, stateLines } = output();
    void stream.record({ instance_code: 'a' });
    void stream.state(() => ({ n: 1 }));
    void stream.record({ instance_code: 'b' });
    void stream.state(() => ({ n: 2 }));
    void stream.record({ instance_code: 'c' });
    void stream.state(() => ({ n: 3 }));
    await emitter.flush();
    await settle();
    assert.deepEqual(
      stateLines().map((s) => s.stream!.stream_state),
      [{ n: 1 }],
      'only the first leaves at once',
    );
    t.mock.timers.tick(MIN_STATE_GAP_MS - 1);
    await settle();
    assert.equal(stateLines().length, 1, 'nothing more within the gap');
    t.mock.timers.tick(1);
    await settle();
    assert.deepEqual(
      stateLines().map((s) => [s.stream!.stream_state, s.sourceStats!.recordCount]),
      [
        [{ n: 1 }, 1],
        [{ n: 3 }, 2],
      ],
      'the newest held-back one follows within the gap',
    );
    await emitter.close();
  });

  it('a final checkpoint leaves at once; flushState sends a held-back one and nothing twice', async () => {
    const { emitter, stream, stateLines } = output();
    void stream.state(() => ({ n: 1 }));
    void stream.record({ instance_code: 'a' });
    void stream.state(() => ({ n: 2 }));
    await stream.flushState();
    assert.equal(await stream.flushState(), undefined, 'nothing left to send');
    void stream.record({ instance_code: 'b' });
    void stream.state(() => ({ n: 3 }), true);
    await emitter.close();
    assert.deepEqual(
      stateLines().map((s) => [s.stream!.stream_state, s.sourceStats!.recordCount]),
      [
        [{ n: 1 }, 0],
        [{ n: 2 }, 1],
        [{ n: 3 }, 1],
      ],
    );
  });

  it('ESTIMATEs: from the progress, no more often than every ESTIMATE_GAP_MS', async () => {
    const { emitter, stream, lines } = output();
    stream.progress({ doneSpanMs: 25, totalSpanMs: 100, doneCodes: 10, codesListed: 10 });
    for (let i = 0; i < 10; i++) {
      void stream.record({ instance_code: `c${i}` });
      stream.codeWritten();
    }
    // The first progress came before any row: no basis, no ESTIMATE (issue 25 §6), and the next one may follow.
    stream.progress({ doneSpanMs: 25, totalSpanMs: 100, doneCodes: 10, codesListed: 10 });
    stream.progress({ doneSpanMs: 50, totalSpanMs: 100, doneCodes: 20, codesListed: 20 });
    await emitter.close();
    const estimates = lines().flatMap((m) =>
      m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? [m.trace.estimate] : [],
    );
    assert.deepEqual(estimates, [{ name: 'approval_instances', type: 'STREAM', row_estimate: 40 }]);
    assert.ok(ESTIMATE_GAP_MS >= 2000, 'every few seconds at most');
  });
});
