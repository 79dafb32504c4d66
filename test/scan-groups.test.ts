import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { combineHandlers, groupByCursors, sameCursors } from '../src/source/scan/scan-groups.js';
import type { ScanHandlers } from '../src/source/sync-contract.js';

const cursors = (entries: [string, number][]) => new Map(entries);

describe('groupByCursors', () => {
  const cases: { name: string; saved: [string, number][][]; groups: number[][] }[] = [
    { name: 'no state (full refresh or first sync): one shared scan', saved: [[], []], groups: [[0, 1]] },
    { name: 'the same cursors: one shared scan', saved: [[['A', 1], ['B', 2]], [['B', 2], ['A', 1]]], groups: [[0, 1]] },
    { name: 'a stream added later (no cursors yet): its own scan', saved: [[['A', 1]], []], groups: [[0], [1]] },
    { name: 'different cursors: separate scans', saved: [[['A', 1]], [['A', 2]], [['A', 1]]], groups: [[0, 2], [1]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const items = c.saved.map((entries, i) => ({ i, saved: cursors(entries) }));
      assert.deepEqual(groupByCursors(items).map((g) => g.map((x) => x.i)), c.groups);
    });
  }

  it('sameCursors compares codes and values', () => {
    assert.ok(sameCursors(cursors([['A', 1]]), cursors([['A', 1]])));
    assert.ok(!sameCursors(cursors([['A', 1]]), cursors([['B', 1]])));
    assert.ok(!sameCursors(cursors([['A', 1]]), cursors([])));
  });
});

describe('combineHandlers', () => {
  it('feeds every stream and waits for all of them', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const a: ScanHandlers = { onCode: (code) => void seen.push(`a:${code}`), onCheckpoint: () => undefined };
    const b: ScanHandlers = { onCode: (code) => (seen.push(`b:${code}`), slow), onCheckpoint: () => undefined };
    const both = combineHandlers([a, b]);
    const pending = both.onCode('X', undefined as never);
    assert.deepEqual(seen, ['a:X', 'b:X']);
    let done = false;
    void pending!.then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false, 'waits for the slower stream');
    release();
    await pending;
    assert.equal(both.onCheckpoint(new Map()), undefined, 'nothing to wait for');
  });
});
