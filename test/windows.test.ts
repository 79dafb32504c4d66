import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  planWindows,
  queryBounds,
  splitParts,
  splitWindow,
  syncRange,
  type Window,
} from '../src/source/scan/windows.js';

const H = 3_600_000;

describe('syncRange', () => {
  const cases: { name: string; input: Parameters<typeof syncRange>[0]; expected: Window | undefined }[] = [
    {
      name: 'no cursor: start_date to now',
      input: { startDateMs: 0, endDateMs: undefined, nowMs: 100, cursorMs: undefined, lookbackMs: 10 },
      expected: { startMs: 0, endMs: 100 },
    },
    {
      name: 'cursor minus lookback',
      input: { startDateMs: 0, endDateMs: undefined, nowMs: 100, cursorMs: 50, lookbackMs: 10 },
      expected: { startMs: 40, endMs: 100 },
    },
    {
      name: 'lookback never before start_date',
      input: { startDateMs: 45, endDateMs: undefined, nowMs: 100, cursorMs: 50, lookbackMs: 10 },
      expected: { startMs: 45, endMs: 100 },
    },
    {
      name: 'end_date caps the range',
      input: { startDateMs: 0, endDateMs: 80, nowMs: 100, cursorMs: undefined, lookbackMs: 10 },
      expected: { startMs: 0, endMs: 80 },
    },
    {
      name: 'end_date in the future: now',
      input: { startDateMs: 0, endDateMs: 500, nowMs: 100, cursorMs: undefined, lookbackMs: 0 },
      expected: { startMs: 0, endMs: 100 },
    },
    {
      name: 'end_date reached: nothing',
      input: { startDateMs: 0, endDateMs: 80, nowMs: 100, cursorMs: 80, lookbackMs: 0 },
      expected: undefined,
    },
    {
      name: 'cursor at end_date: nothing, not the lookback',
      input: { startDateMs: 0, endDateMs: 80, nowMs: 100, cursorMs: 80, lookbackMs: 10 },
      expected: undefined,
    },
    {
      name: 'cursor past end_date (end_date moved earlier): nothing',
      input: { startDateMs: 0, endDateMs: 80, nowMs: 100, cursorMs: 90, lookbackMs: 10 },
      expected: undefined,
    },
    {
      name: 'cursor 1 ms before end_date: the lookback up to end_date',
      input: { startDateMs: 0, endDateMs: 80, nowMs: 100, cursorMs: 79, lookbackMs: 10 },
      expected: { startMs: 69, endMs: 80 },
    },
    {
      name: 'end_date still ahead of now: the lookback as usual',
      input: { startDateMs: 0, endDateMs: 500, nowMs: 100, cursorMs: 100, lookbackMs: 10 },
      expected: { startMs: 90, endMs: 100 },
    },
    {
      name: 'end_date reached exactly at now: nothing',
      input: { startDateMs: 0, endDateMs: 100, nowMs: 100, cursorMs: 100, lookbackMs: 10 },
      expected: undefined,
    },
    {
      name: 'cursor in the future: nothing',
      input: { startDateMs: 0, endDateMs: undefined, nowMs: 100, cursorMs: 10_000, lookbackMs: 10 },
      expected: undefined,
    },
    {
      name: 'cursor just ahead of now, within the lookback: still nothing',
      input: { startDateMs: 0, endDateMs: undefined, nowMs: 100, cursorMs: 105, lookbackMs: 10 },
      expected: undefined,
    },
    {
      name: 'start_date in the future: nothing',
      input: { startDateMs: 200, endDateMs: undefined, nowMs: 100, cursorMs: undefined, lookbackMs: 10 },
      expected: undefined,
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(syncRange(c.input), c.expected));
});

describe('planWindows', () => {
  it('covers the range edge to edge and every query spans at most the width', () => {
    for (const [start, end, width] of [
      [0, 30 * 24 * H, 10 * H],
      [5, 10 * H + 5, 10 * H],
      [0, 10 * H - 1, 10 * H],
      [0, 10 * H, 10 * H],
      [0, 10 * H + 1, 10 * H],
      [7, 8, H],
      [0, 365 * 24 * H + 12345, 10 * H],
    ] as const) {
      const range = { startMs: start, endMs: end };
      const windows = planWindows(range, width);
      assert.equal(windows[0]!.startMs, start);
      assert.equal(windows.at(-1)!.endMs, end);
      for (let i = 1; i < windows.length; i++) assert.equal(windows[i]!.startMs, windows[i - 1]!.endMs, 'edge to edge');
      for (const w of windows) {
        assert.ok(w.endMs > w.startMs, 'not empty');
        const q = queryBounds(w, range);
        assert.ok(q.endMs - q.startMs <= width, `query ${q.startMs}..${q.endMs} wider than ${width}`);
      }
      // No narrower than needed: the count is the lower bound, or one more when the last window is within 1 ms of full.
      assert.ok(windows.length <= Math.ceil((end - start + 2) / (width - 2)) + 1);
    }
  });

  it('no more windows than the API cap forces: ceil((span + 2 ms) / 10 h)', () => {
    // The 2 ms are the outermost query edges, widened by 1 ms each.
    for (const span of [365 * 24 * H, 365 * 24 * H + 12_345, 10 * H - 2, 10 * H - 1, 7 * H]) {
      assert.equal(
        planWindows({ startMs: 1_000, endMs: 1_000 + span }, 10 * H).length,
        Math.ceil((span + 2) / (10 * H)),
        `span ${span}`,
      );
    }
  });

  it('an empty range has no windows', () => assert.deepEqual(planWindows({ startMs: 5, endMs: 5 }, H), []));
});

describe('queryBounds', () => {
  const range = { startMs: 100, endMs: 400 };
  const cases: [Window, Window][] = [
    [
      { startMs: 100, endMs: 200 },
      { startMs: 99, endMs: 200 },
    ],
    [
      { startMs: 200, endMs: 300 },
      { startMs: 200, endMs: 300 },
    ],
    [
      { startMs: 300, endMs: 400 },
      { startMs: 300, endMs: 401 },
    ],
    [
      { startMs: 100, endMs: 400 },
      { startMs: 99, endMs: 401 },
    ],
  ];
  for (const [window, expected] of cases) {
    it(`${window.startMs}..${window.endMs} queries ${expected.startMs}..${expected.endMs}`, () =>
      assert.deepEqual(queryBounds(window, range), expected));
  }
});

describe('window edges are exact under each bound semantics', () => {
  // A model of the API: which instances does a query return, under each semantics?
  const semantics = {
    inclusive: (t: number, q: Window) => q.startMs <= t && t <= q.endMs,
    end_exclusive: (t: number, q: Window) => q.startMs <= t && t < q.endMs,
    start_exclusive: (t: number, q: Window) => q.startMs < t && t <= q.endMs,
  };
  const range = { startMs: 0, endMs: 5 * H };
  const windows = planWindows(range, H);
  const instants = [0, 1, H - 2, H - 1, H, H + 1, 2 * H, 3 * H - 1, 5 * H - 1, 5 * H];
  for (const [name, contains] of Object.entries(semantics)) {
    it(`${name}: every instant is listed by some window, and by two only on a shared edge`, () => {
      for (const t of instants) {
        const listedBy = windows.filter((w) => contains(t, queryBounds(w, range)));
        assert.ok(listedBy.length >= 1, `t=${t} missed`);
        if (listedBy.length === 2) {
          assert.equal(name, 'inclusive');
          assert.equal(listedBy[0]!.endMs, t, 'a double listing happens only on the shared edge');
        }
        assert.ok(listedBy.length <= 2);
      }
    });
  }
});

describe('splitParts', () => {
  const cases: [Parameters<typeof splitParts>[0], number][] = [
    [{ widthMs: 10 * H, idleWorkers: 0, minWidthMs: 60_000, maxParts: 8 }, 1],
    [{ widthMs: 10 * H, idleWorkers: 3, minWidthMs: 60_000, maxParts: 8 }, 4],
    [{ widthMs: 10 * H, idleWorkers: 20, minWidthMs: 60_000, maxParts: 8 }, 8],
    [{ widthMs: 150_000, idleWorkers: 5, minWidthMs: 60_000, maxParts: 8 }, 2],
    [{ widthMs: 90_000, idleWorkers: 5, minWidthMs: 60_000, maxParts: 8 }, 1],
  ];
  for (const [input, expected] of cases) {
    it(`${input.widthMs} ms with ${input.idleWorkers} idle workers: ${expected} part(s)`, () =>
      assert.equal(splitParts(input), expected));
  }
});

describe('splitWindow', () => {
  it('cuts edge to edge into equal parts', () => {
    assert.deepEqual(splitWindow({ startMs: 0, endMs: 10 }, 3), [
      { startMs: 0, endMs: 3 },
      { startMs: 3, endMs: 6 },
      { startMs: 6, endMs: 10 },
    ]);
  });
});
