import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  matchListed,
  missingRuns,
  planRecheck,
  querySpans,
  recheckRange,
  runRangeMs,
  type ReportedStatus,
} from '../src/source/streams/details/recheck/recheck-plan.js';
import { digestKey, Nibble, type PartitionDigest } from '../src/source/streams/details/recheck/status-digest.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

/** Instance i of a small fixture: created i minutes after T0. */
const at = (i: number): number => T0 + i * MIN + 123;
const held = (entries: [string, number, number][]): PartitionDigest =>
  new Map(entries.map(([c, i, n]) => [digestKey(c, at(i)), n]));
const rep = (entries: [string, number, number][]): ReportedStatus[] =>
  entries.map(([code, i, status]) => ({ code, createdMs: at(i), status: status as Nibble }));

describe('planRecheck', () => {
  const range = { fromMs: T0, toMs: T0 + DAY };
  const cases: {
    name: string;
    held: [string, number, number][];
    reported: [string, number, number][];
    changed: string[];
    unseen: string[];
    missing: string[];
  }[] = [
    {
      name: 'nothing changed: nothing to fetch',
      held: [
        ['a', 1, Nibble.APPROVED],
        ['b', 2, Nibble.PENDING],
      ],
      reported: [
        ['a', 1, Nibble.APPROVED],
        ['b', 2, Nibble.PENDING],
      ],
      changed: [],
      unseen: [],
      missing: [],
    },
    {
      name: 'PENDING became final',
      held: [['a', 1, Nibble.PENDING]],
      reported: [['a', 1, Nibble.REJECTED]],
      changed: ['a'],
      unseen: [],
      missing: [],
    },
    {
      name: 'APPROVED became DELETED',
      held: [['a', 1, Nibble.APPROVED]],
      reported: [['a', 1, Nibble.DELETED]],
      changed: ['a'],
      unseen: [],
      missing: [],
    },
    {
      name: 'an approved instance the query leaves out (revoked?) is missing',
      held: [
        ['a', 1, Nibble.APPROVED],
        ['b', 1, Nibble.APPROVED],
      ],
      reported: [['b', 1, Nibble.APPROVED]],
      changed: [],
      unseen: [],
      missing: ['a'],
    },
    {
      name: 'a revoked instance left out is expected',
      held: [['a', 1, Nibble.REVOKED]],
      reported: [],
      changed: [],
      unseen: [],
      missing: [],
    },
    {
      name: 'a revoked instance listed as canceled is unchanged',
      held: [['a', 1, Nibble.REVOKED]],
      reported: [['a', 1, Nibble.CANCELED]],
      changed: [],
      unseen: [],
      missing: [],
    },
    {
      name: 'a gone instance left out is expected',
      held: [['a', 1, Nibble.GONE]],
      reported: [],
      changed: [],
      unseen: [],
      missing: [],
    },
    {
      name: 'listed but never emitted',
      held: [['a', 1, Nibble.APPROVED]],
      reported: [
        ['a', 1, Nibble.APPROVED],
        ['z', 5, Nibble.PENDING],
      ],
      changed: [],
      unseen: ['z'],
      missing: [],
    },
    {
      name: 'entries outside the range are not missing',
      held: [
        ['a', -5, Nibble.APPROVED],
        ['b', 24 * 60 + 5, Nibble.APPROVED],
      ],
      reported: [],
      changed: [],
      unseen: [],
      missing: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planRecheck(held(c.held), rep(c.reported), range.fromMs, range.toMs);
      assert.deepEqual(plan.changed, c.changed);
      assert.deepEqual(plan.unseen, c.unseen);
      const byKey = new Map(c.held.map(([code, i]) => [digestKey(code, at(i)), code]));
      assert.deepEqual(
        plan.missing.map((k) => byKey.get(k)),
        c.missing,
      );
      assert.equal(plan.baseline, undefined);
    });
  }
  it('no digest yet: nothing is fetched, the query becomes the baseline', () => {
    const plan = planRecheck(
      undefined,
      rep([
        ['a', 1, Nibble.APPROVED],
        ['b', 2, Nibble.PENDING],
      ]),
      range.fromMs,
      range.toMs,
    );
    assert.deepEqual([plan.changed, plan.unseen, plan.missing], [[], [], []]);
    assert.deepEqual(
      plan.baseline,
      held([
        ['a', 1, Nibble.APPROVED],
        ['b', 2, Nibble.PENDING],
      ]),
    );
  });
});

describe('missingRuns and matchListed', () => {
  const keys = (specs: [string, number][]) => specs.map(([c, i]) => digestKey(c, at(i))).sort((a, b) => a - b);
  const cases: { name: string; specs: [string, number][]; runs: [number, number, number][] }[] = [
    { name: 'one key: one one-minute run', specs: [['a', 10]], runs: [[10, 10, 1]] },
    {
      name: 'keys two minutes apart share a run',
      specs: [
        ['a', 10],
        ['b', 12],
      ],
      runs: [[10, 12, 2]],
    },
    {
      name: 'keys three minutes apart do not',
      specs: [
        ['a', 10],
        ['b', 13],
      ],
      runs: [
        [10, 10, 1],
        [13, 13, 1],
      ],
    },
    {
      name: 'a run stops at 600 minutes',
      specs: Array.from({ length: 400 }, (_, i) => [`k${i}`, i * 2] as [string, number]),
      runs: [
        [0, 598, 300],
        [600, 798, 100],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const runs = missingRuns(keys(c.specs));
      const base = T0 / MIN;
      assert.deepEqual(
        runs.map((r) => [r.fromMinute - base, r.toMinute - base, r.keys.length]),
        c.runs,
      );
    });
  }
  it("a run's list range covers its minutes with a millisecond to spare each side", () => {
    const [run] = missingRuns(
      keys([
        ['a', 10],
        ['b', 11],
      ]),
    );
    assert.deepEqual(runRangeMs(run!), { startMs: T0 + 10 * MIN - 1, endMs: T0 + 12 * MIN });
  });
  it('codes listed in the run are matched by hash; unmatched keys are unresolved', () => {
    const [run] = missingRuns(
      keys([
        ['a', 10],
        ['gone', 11],
      ]),
    );
    const { found, unresolved } = matchListed(run!, ['x', 'a', 'y']);
    assert.deepEqual(found, [{ code: 'a', createdMs: T0 + 10 * MIN }]);
    assert.equal(digestKey('a', found[0]!.createdMs), digestKey('a', at(10)), 'the minute is enough to key the digest');
    assert.deepEqual(unresolved, [digestKey('gone', at(11))]);
  });
});

describe('recheckRange and querySpans', () => {
  const now = T0 + 100 * DAY;
  const cases: {
    name: string;
    cursor: number | undefined;
    spanDays: number;
    startMs: number;
    endMs?: number;
    range: [number, number] | undefined;
  }[] = [
    {
      name: 'span before the cursor',
      cursor: now - DAY,
      spanDays: 30,
      startMs: T0,
      range: [now - 30 * DAY, now - DAY],
    },
    {
      name: 'clamped to start_date',
      cursor: now - DAY,
      spanDays: 30,
      startMs: now - 10 * DAY,
      range: [now - 10 * DAY, now - DAY],
    },
    {
      name: 'a cursor in the future (abnormal state) stops at now',
      cursor: Date.parse('2099-01-01T00:00:00Z'),
      spanDays: 30,
      startMs: T0,
      range: [now - 30 * DAY, now],
    },
    {
      name: 'clamped to end_date',
      cursor: now - DAY,
      spanDays: 30,
      startMs: T0,
      endMs: now - 5 * DAY,
      range: [now - 30 * DAY, now - 5 * DAY],
    },
    {
      name: 'end_date before the span',
      cursor: now - DAY,
      spanDays: 30,
      startMs: T0,
      endMs: now - 40 * DAY,
      range: undefined,
    },
    { name: 'off', cursor: now - DAY, spanDays: 0, startMs: T0, range: undefined },
    { name: 'no cursor yet (first sync)', cursor: undefined, spanDays: 30, startMs: T0, range: undefined },
    { name: 'cursor older than the span', cursor: now - 40 * DAY, spanDays: 30, startMs: T0, range: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const range = recheckRange(c.cursor, now, c.spanDays * DAY, { startMs: c.startMs, endMs: c.endMs });
      assert.deepEqual(range && [range.fromMs, range.toMs], c.range);
    });
  }
  const spanCases: { name: string; days: number; spans: number }[] = [
    { name: '1 day: one span', days: 1, spans: 1 },
    { name: '30 days: one span', days: 30, spans: 1 },
    { name: '31 days: two', days: 31, spans: 2 },
    { name: '365 days: thirteen', days: 365, spans: 13 },
  ];
  for (const c of spanCases) {
    it(`querySpans ${c.name}, each at most 30 days, together the whole range without gaps`, () => {
      const spans = querySpans(T0, T0 + c.days * DAY);
      assert.equal(spans.length, c.spans);
      assert.equal(spans[0]!.fromMs, T0);
      assert.equal(spans.at(-1)!.toMs, T0 + c.days * DAY);
      spans.forEach((s, i) => {
        assert.ok(s.toMs - s.fromMs <= 30 * DAY);
        if (i > 0) assert.equal(s.fromMs, spans[i - 1]!.toMs + 1);
      });
    });
  }
});
