import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prunePending, readPending, type PendingInstance } from '../src/source/streams/details/pending.js';

const DAY = 86_400_000;
const NOW = Date.parse('2024-06-30T00:00:00Z');
const entry = (code: string, daysAgo: number): PendingInstance => ({
  instance_code: code,
  approval_code: 'A',
  created_after: '2024-01-01T00:00:00.000Z',
  created_before: '2024-01-01T10:00:00.000Z',
  first_seen: new Date(NOW - daysAgo * DAY).toISOString(),
});

describe('prunePending', () => {
  const cases: { name: string; entries: PendingInstance[]; maxEntries: number; maxAgeDays: number; kept: string[]; age: string[]; cap: string[] }[] = [
    { name: 'under both limits keeps all, oldest first', entries: [entry('b', 1), entry('a', 2)], maxEntries: 5, maxAgeDays: 30, kept: ['a', 'b'], age: [], cap: [] },
    { name: 'too old is dropped', entries: [entry('a', 31), entry('b', 29)], maxEntries: 5, maxAgeDays: 30, kept: ['b'], age: ['a'], cap: [] },
    { name: 'over the cap drops the oldest', entries: [entry('a', 3), entry('b', 2), entry('c', 1)], maxEntries: 2, maxAgeDays: 30, kept: ['b', 'c'], age: [], cap: ['a'] },
    { name: 'a cap of 0 keeps nothing', entries: [entry('a', 1)], maxEntries: 0, maxAgeDays: 30, kept: [], age: [], cap: ['a'] },
    { name: 'age first, then cap', entries: [entry('a', 40), entry('b', 3), entry('c', 2), entry('d', 1)], maxEntries: 2, maxAgeDays: 30, kept: ['c', 'd'], age: ['a'], cap: ['b'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = prunePending(c.entries, { maxEntries: c.maxEntries, maxAgeMs: c.maxAgeDays * DAY }, NOW);
      assert.deepEqual(result.kept.map((e) => e.instance_code), c.kept);
      assert.deepEqual(result.droppedForAge.map((e) => e.instance_code), c.age);
      assert.deepEqual(result.droppedForCap.map((e) => e.instance_code), c.cap);
    });
  }
});

describe('readPending', () => {
  it('reads well-formed entries and ignores the rest', () => {
    assert.deepEqual(readPending({ pending: [entry('a', 1), { instance_code: 'x' }, 42] }).map((e) => e.instance_code), ['a']);
    assert.deepEqual(readPending(undefined), []);
    assert.deepEqual(readPending({ pending: 'nope' }), []);
  });
});
