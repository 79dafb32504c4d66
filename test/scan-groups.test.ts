import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { combineHandlers, groupByCursors, mergeScans, sameCursors } from '../src/source/scan/scan-groups.js';
import type { ScanHandlers, StreamScan } from '../src/source/sync-contract.js';

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

describe('mergeScans', () => {
  /** A scan of `kind` that absorbs later scans of the same kind, recording them. */
  const scan = (kind: string, name: string) => {
    const absorbed: string[] = [];
    const self: StreamScan & { name: string; absorbed: string[] } = {
      name,
      absorbed,
      saved: new Map(),
      absorb: (other) => {
        const o = other as typeof self;
        if (kind !== 'detail' || !o.name.startsWith('detail')) return false;
        absorbed.push(o.name);
        return true;
      },
    };
    return self;
  };
  it('a scan absorbs the later ones it can serve; the others stay, in order', () => {
    const scans = [scan('list', 'list-1'), scan('detail', 'detail-1'), scan('detail', 'detail-2'), scan('list', 'list-2'), scan('detail', 'detail-3')];
    const kept = mergeScans(scans) as ReturnType<typeof scan>[];
    assert.deepEqual(kept.map((s) => s.name), ['list-1', 'detail-1', 'list-2']);
    assert.deepEqual(kept[1]!.absorbed, ['detail-2', 'detail-3']);
  });
  it('scans without absorb are kept as they are', () => {
    const plain: StreamScan[] = [{ saved: new Map() }, { saved: new Map() }];
    assert.equal(mergeScans(plain).length, 2);
  });
});
