import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanOrder } from '../src/source/scan/scan-order.js';

describe("scanOrder: each partition's first two windows together, then round-robin", () => {
  const cases: { name: string; lists: string[][]; expected: string[] }[] = [
    { name: 'no partitions', lists: [], expected: [] },
    { name: 'one partition: in time order', lists: [['a1', 'a2', 'a3']], expected: ['a1', 'a2', 'a3'] },
    {
      name: 'three partitions',
      lists: [
        ['a1', 'a2', 'a3', 'a4'],
        ['b1', 'b2', 'b3', 'b4'],
        ['c1', 'c2', 'c3', 'c4'],
      ],
      expected: ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'a3', 'b3', 'c3', 'a4', 'b4', 'c4'],
    },
    {
      name: 'uneven lengths, an empty one',
      lists: [['a1'], [], ['c1', 'c2', 'c3'], ['d1', 'd2', 'd3', 'd4']],
      expected: ['a1', 'c1', 'c2', 'd1', 'd2', 'c3', 'd3', 'd4'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(scanOrder(c.lists), c.expected));
  }

  it('every window exactly once; within a partition, time order', () => {
    const lists = Array.from({ length: 7 }, (_, p) => Array.from({ length: (p * 5) % 11 }, (_, w) => `${p}:${w}`));
    const order = scanOrder(lists);
    assert.deepEqual([...order].sort(), lists.flat().sort());
    for (const list of lists)
      assert.deepEqual(
        order.filter((x) => list.includes(x)),
        list,
      );
  });
});
