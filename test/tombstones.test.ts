import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  packPartitionV3,
  unpackPartitionV3,
  type ChildCounts,
  type PartitionCounts,
} from '../src/source/streams/details/recheck/digest-v3.js';
import { digestField, readDigest, type DigestCounts } from '../src/source/streams/details/recheck/digest-state.js';
import { EmittedStatuses } from '../src/source/streams/details/recheck/emitted-statuses.js';
import { digestKey, Nibble, type PartitionDigest } from '../src/source/streams/details/recheck/status-digest.js';
import {
  childCounts,
  fateOf,
  tombstoneIndexes,
  tombstoneRow,
  type DetailFate,
} from '../src/source/streams/details/rows/tombstones.js';

const T0 = Date.parse('2026-10-26T00:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('tombstoneIndexes: the positions a fetch tombstones', () => {
  const cases: {
    name: string;
    previous: number | undefined;
    emitted: number[];
    fate: DetailFate;
    expected: number[];
  }[] = [
    { name: 'nothing vanished', previous: 3, emitted: [0, 1, 2], fate: 'live', expected: [] },
    {
      name: 'more rows than before (an approval moved on)',
      previous: 2,
      emitted: [0, 1, 2, 3],
      fate: 'live',
      expected: [],
    },
    { name: 'a vanished tail', previous: 5, emitted: [0, 1], fate: 'live', expected: [2, 3, 4] },
    { name: 'a gap (an item now unreadable)', previous: 3, emitted: [0, 2], fate: 'live', expected: [1] },
    {
      name: 'unknown count (a digest before version 3): nothing',
      previous: undefined,
      emitted: [0],
      fate: 'live',
      expected: [],
    },
    { name: 'gone: every row emitted before', previous: 4, emitted: [], fate: 'gone', expected: [0, 1, 2, 3] },
    { name: 'gone, count unknown: nothing to name', previous: undefined, emitted: [], fate: 'gone', expected: [] },
    {
      name: 'DELETED carrying children: its own and those before',
      previous: 3,
      emitted: [0, 1, 2, 3, 4],
      fate: 'deleted',
      expected: [0, 1, 2, 3, 4],
    },
    {
      name: 'DELETED, count unknown: its own children',
      previous: undefined,
      emitted: [0, 1],
      fate: 'deleted',
      expected: [0, 1],
    },
    {
      name: 'DELETED with fewer children than before',
      previous: 4,
      emitted: [0],
      fate: 'deleted',
      expected: [0, 1, 2, 3],
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(tombstoneIndexes(c.previous, c.emitted, c.fate), c.expected));
});

describe('fateOf, childCounts, tombstoneRow', () => {
  it('gone beats a DELETED status, which beats anything else', () => {
    assert.equal(fateOf({ instance_code: 'I', status: 'DELETED' }, true), 'gone');
    assert.equal(fateOf({ instance_code: 'I', status: 'DELETED' }, false), 'deleted');
    assert.equal(fateOf({ instance_code: 'I', status: 'CANCELED' }, false), 'live');
  });

  it('counts: list lengths and the flattened form; nothing left for a deleted instance', () => {
    const form = JSON.stringify([
      { id: 'a', type: 'input', value: 'x' },
      { id: 'l', type: 'fieldList', value: [[{ id: 'c', type: 'input' }], [{ id: 'c', type: 'input' }]] },
    ]);
    const detail = { instance_code: 'I', task_list: [{}, {}], timeline: [{}, {}, {}], form };
    assert.deepEqual(childCounts(detail, 'live'), { tasks: 2, timeline: 3, form: 4 });
    assert.deepEqual(childCounts({ instance_code: 'I', form: 'not json' }, 'live'), { tasks: 0, timeline: 0, form: 0 });
    assert.deepEqual(childCounts(detail, 'deleted'), { tasks: 0, timeline: 0, form: 0 });
  });

  it('a tombstone: every field of the schema, null but the keys, the window and _ab_cdc_deleted_at', () => {
    const fields = [
      'approval_code',
      'instance_code',
      'task_index',
      'task_id',
      'status',
      'created_after',
      'created_before',
      '_ab_cdc_deleted_at',
    ];
    const row = tombstoneRow(
      fields,
      { approval_code: 'A', instance_code: 'I' },
      'task_index',
      2,
      { created_after: 'x', created_before: 'y' },
      'z',
    );
    assert.deepEqual(row, {
      approval_code: 'A',
      instance_code: 'I',
      task_index: 2,
      task_id: null,
      status: null,
      created_after: 'x',
      created_before: 'y',
      _ab_cdc_deleted_at: 'z',
    });
    assert.deepEqual(Object.keys(row), fields, 'in schema order');
  });
});

describe('status digest version 3', () => {
  const base = Math.floor(T0 / MINUTE);
  const partition = (
    entries: [string, number, number, ChildCounts | undefined][],
  ): { statuses: PartitionDigest; counts: PartitionCounts } => {
    const statuses: PartitionDigest = new Map();
    const counts: PartitionCounts = new Map();
    for (const [code, ms, nibble, c] of entries) {
      statuses.set(digestKey(code, ms), nibble);
      if (c) counts.set(digestKey(code, ms), c);
    }
    return { statuses, counts };
  };
  const cases: { name: string; entries: [string, number, number, ChildCounts | undefined][]; bytes?: number }[] = [
    { name: 'empty', entries: [], bytes: 0 },
    {
      name: 'a typical instance: 5 bytes',
      entries: [['a', T0 + 3 * MINUTE, Nibble.APPROVED, { tasks: 3, timeline: 4, form: 20 }]],
      bytes: 5,
    },
    { name: 'small counts, no escape', entries: [['a', T0, Nibble.PENDING, { tasks: 0, timeline: 0, form: 0 }]] },
    {
      name: 'counts at and past the escape',
      entries: [
        ['a', T0, Nibble.PENDING, { tasks: 13, timeline: 14, form: 15 }],
        ['b', T0, Nibble.REJECTED, { tasks: 14, timeline: 15, form: 22 }],
        ['c', T0, Nibble.OTHER, { tasks: 500, timeline: 4_000, form: 1_000_000 }],
      ],
    },
    {
      name: 'unknown counts (from a version 1-2 digest)',
      entries: [
        ['a', T0, Nibble.GONE, undefined],
        ['b', T0 + DAY, Nibble.REVOKED, { tasks: 1, timeline: 2, form: 3 }],
      ],
    },
    {
      name: 'minutes far apart (29 days)',
      entries: [
        ['a', T0, Nibble.APPROVED, { tasks: 1, timeline: 1, form: 1 }],
        ['b', T0 + 29 * DAY, Nibble.APPROVED, { tasks: 1, timeline: 1, form: 1 }],
      ],
    },
  ];
  for (const c of cases) {
    it(`round trip: ${c.name}`, () => {
      const { statuses, counts } = partition(c.entries);
      const packed = packPartitionV3(statuses, counts, base);
      if (c.bytes !== undefined) assert.equal(Buffer.from(packed, 'base64').length, c.bytes);
      assert.deepEqual(unpackPartitionV3(packed, base), { statuses, counts });
    });
  }

  it('an entry before the base minute is left out (its instance looks unseen, as in version 2)', () => {
    const { statuses, counts } = partition([
      ['early', T0 - MINUTE, Nibble.APPROVED, { tasks: 1, timeline: 1, form: 1 }],
      ['a', T0, Nibble.APPROVED, undefined],
    ]);
    assert.deepEqual(
      [...unpackPartitionV3(packPartitionV3(statuses, counts, base), base)!.statuses.keys()],
      [digestKey('a', T0)],
    );
  });

  it('cut or garbled entries read as unreadable, never as other instances', () => {
    const { statuses, counts } = partition([
      ['a', T0, Nibble.APPROVED, { tasks: 3, timeline: 4, form: 20 }],
      ['b', T0 + MINUTE, Nibble.PENDING, { tasks: 1, timeline: 2, form: 16 }],
    ]);
    const bytes = Buffer.from(packPartitionV3(statuses, counts, base), 'base64');
    assert.equal(unpackPartitionV3(bytes.subarray(0, bytes.length - 2).toString('base64'), base), undefined);
    assert.equal(unpackPartitionV3('not base64!', base), undefined);
    assert.equal(unpackPartitionV3(42, base), undefined);
    assert.equal(
      unpackPartitionV3(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).toString('base64'), base),
      undefined,
    );
  });

  it('the state field keeps counts; versions 1 and 2 still read, with counts unknown', () => {
    const { statuses, counts } = partition([['a', T0, Nibble.APPROVED, { tasks: 3, timeline: 4, form: 20 }]]);
    const digest = new Map([['CODE', statuses]]);
    const back: DigestCounts = new Map();
    assert.deepEqual(
      readDigest({ status_digest: digestField(digest, 3, new Map([['CODE', counts]])) }, ['CODE'], back),
      digest,
    );
    assert.deepEqual(back.get('CODE'), counts);
    for (const version of [1, 2] as const) {
      const old: DigestCounts = new Map();
      assert.deepEqual(
        readDigest({ status_digest: digestField(digest, version) }, ['CODE'], old),
        digest,
        `version ${version}`,
      );
      assert.equal(old.size, 0, `version ${version} holds no counts`);
    }
  });
});

describe('EmittedStatuses: row counts', () => {
  const NOW = T0 + 10 * DAY;
  const blobOf = (e: EmittedStatuses) => ({ status_digest: e.stateField()! });

  it('remembered counts survive a state; a version 2 digest gives unknown counts until the instance is fetched again', () => {
    const v2 = {
      status_digest: digestField(new Map([['A', new Map([[digestKey('old', NOW - DAY), Nibble.APPROVED]])]]), 2),
    };
    const emitted = new EmittedStatuses(30 * DAY, NOW, v2, ['A'], new Map([['A', NOW]]));
    assert.equal(emitted.countsOf('A', 'old', NOW - DAY), undefined, 'unknown: nothing to tombstone');
    emitted.remember('A', 'new', NOW - 2 * DAY, Nibble.PENDING, { tasks: 2, timeline: 3, form: 18 });
    const next = new EmittedStatuses(30 * DAY, NOW, blobOf(emitted), ['A'], new Map([['A', NOW]]));
    assert.deepEqual(next.countsOf('A', 'new', NOW - 2 * DAY), { tasks: 2, timeline: 3, form: 18 });
    assert.equal(next.countsOf('A', 'old', NOW - DAY), undefined);
    assert.equal(next.partition('A')!.get(digestKey('old', NOW - DAY)), Nibble.APPROVED, 'its status is kept');
    next.remember('A', 'new', NOW - 2 * DAY, Nibble.DELETED, { tasks: 0, timeline: 0, form: 0 });
    assert.deepEqual(
      new EmittedStatuses(30 * DAY, NOW, blobOf(next), ['A'], new Map([['A', NOW]])).countsOf(
        'A',
        'new',
        NOW - 2 * DAY,
      ),
      { tasks: 0, timeline: 0, form: 0 },
    );
  });

  it('outside the span, or with no creation time, nothing is tracked', () => {
    const emitted = new EmittedStatuses(30 * DAY, NOW, undefined, ['A'], new Map());
    assert.equal(emitted.tracks('A', NOW - 31 * DAY), false);
    assert.equal(emitted.tracks('A', undefined), false);
    assert.equal(emitted.tracks('B', NOW), false);
    assert.equal(emitted.tracks('A', NOW - DAY), true);
  });
});
