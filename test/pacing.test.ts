import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateRows, MIN_STATE_GAP_MS, nextStateAtMs, STATE_BYTES_PER_MINUTE } from '../src/source/streams/pacing.js';

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
