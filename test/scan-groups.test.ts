import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupByCursors, sameCursors } from '../src/source/plan/scan-groups.js';
import { StreamFates, type ScanMember } from '../src/source/plan/stream-fates.js';
import type { ScanHandlers } from '../src/source/sync/contract.js';

const cursors = (entries: [string, number][]) => new Map(entries);

describe('groupByCursors', () => {
  const cases: { name: string; saved: [string, number][][]; groups: number[][] }[] = [
    { name: 'no state (full refresh or first sync): one shared scan', saved: [[], []], groups: [[0, 1]] },
    {
      name: 'the same cursors: one shared scan',
      saved: [
        [
          ['A', 1],
          ['B', 2],
        ],
        [
          ['B', 2],
          ['A', 1],
        ],
      ],
      groups: [[0, 1]],
    },
    { name: 'a stream added later (no cursors yet): its own scan', saved: [[['A', 1]], []], groups: [[0], [1]] },
    { name: 'different cursors: separate scans', saved: [[['A', 1]], [['A', 2]], [['A', 1]]], groups: [[0, 2], [1]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const items = c.saved.map((entries, i) => ({ i, saved: cursors(entries) }));
      assert.deepEqual(
        groupByCursors(items).map((g) => g.map((x) => x.i)),
        c.groups,
      );
    });
  }

  it('sameCursors compares codes and values', () => {
    assert.ok(sameCursors(cursors([['A', 1]]), cursors([['A', 1]])));
    assert.ok(!sameCursors(cursors([['A', 1]]), cursors([['B', 1]])));
    assert.ok(!sameCursors(cursors([['A', 1]]), cursors([])));
  });
});

describe('StreamFates', () => {
  const member = (name: string, onCode: ScanHandlers['onCode']): ScanMember => ({
    name,
    handlers: { onCode, onCheckpoint: () => undefined },
  });

  it('feeds every stream and waits for all of them', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const fates = new StreamFates([
      member('a', (code) => void seen.push(`a:${code}`)),
      member('b', (code) => (seen.push(`b:${code}`), slow)),
    ]);
    const both = fates.handlers();
    const pending = both.onCode('X', undefined as never);
    assert.deepEqual(seen, ['a:X', 'b:X']);
    let done = false;
    void pending!.then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false, 'waits for the slower stream');
    release();
    await pending;
    assert.equal(both.onCheckpoint(new Map(), false), undefined, 'nothing to wait for');
  });

  it('a stream that rejects or throws is set aside; the others keep being fed', async () => {
    const seen: string[] = [];
    const fates = new StreamFates([
      member('rejects', (code) =>
        code === 'X' ? Promise.reject(new Error('detail denied')) : void seen.push(`rejects:${code}`),
      ),
      member('throws', (code) => {
        if (code === 'Y') throw new Error('bad value');
        seen.push(`throws:${code}`);
        return undefined;
      }),
      member('healthy', (code) => void seen.push(`healthy:${code}`)),
    ]);
    const all = fates.handlers();
    await all.onCode('X', undefined as never);
    void all.onCode('Y', undefined as never);
    await all.onCode('Z', undefined as never);
    assert.deepEqual(seen, ['throws:X', 'healthy:X', 'healthy:Y', 'healthy:Z']);
    assert.equal((fates.failed('rejects')?.error as Error).message, 'detail denied');
    assert.equal((fates.failed('throws')?.error as Error).message, 'bad value');
    assert.equal(fates.failed('healthy'), undefined);
    fates.failRemaining(new Error('list API down'));
    assert.equal((fates.failed('healthy')?.error as Error).message, 'list API down');
    assert.equal((fates.failed('rejects')?.error as Error).message, 'detail denied', 'a stream keeps its own cause');
  });

  it('once every stream has failed, the scan stops with the first failure', async () => {
    const fates = new StreamFates([
      member('a', () => Promise.reject(new Error('first'))),
      member('b', () => Promise.reject(new Error('second'))),
    ]);
    await assert.rejects(fates.handlers().onCode('X', undefined as never)!, /first/);
    assert.ok(fates.allFailed);
  });

  it('a single stream gets its own handlers, untouched', () => {
    const only = member('only', () => undefined);
    assert.equal(new StreamFates([only]).handlers(), only.handlers);
  });
});

describe('groupByCursors per partition: a stream of some codes joins the scan of its codes', () => {
  const every = (i: number, entries: [string, number][]) => ({ i, saved: cursors(entries), codes: undefined });
  const some = (i: number, codes: string[], entries: [string, number][]) => ({ i, saved: cursors(entries), codes });
  const cases: { name: string; items: ReturnType<typeof every | typeof some>[]; groups: number[][] }[] = [
    {
      name: 'first sync: every stream in one scan',
      items: [every(0, []), some(1, ['A'], []), some(2, ['B'], [])],
      groups: [[0, 1, 2]],
    },
    {
      name: 'a form table listed first still joins the scan of every code',
      items: [
        some(0, ['A'], [['A', 5]]),
        every(1, [
          ['A', 5],
          ['B', 7],
        ]),
      ],
      groups: [[0, 1]],
    },
    {
      name: 'the same cursor on its code, whatever the other codes',
      items: [
        every(0, [
          ['A', 5],
          ['B', 7],
        ]),
        some(1, ['B'], [['B', 7]]),
        some(2, ['A'], [['A', 4]]),
      ],
      groups: [[0, 1], [2]],
    },
    {
      name: 'a form table added later (no cursor yet): a scan of its code alone',
      items: [every(0, [['A', 5]]), some(1, ['A'], []), some(2, ['A'], [])],
      groups: [[0], [1, 2]],
    },
    {
      name: 'streams of every code still need equal cursors on all codes',
      items: [every(0, [['A', 5]]), every(1, [['A', 6]]), some(2, ['A'], [['A', 6]])],
      groups: [[0], [1, 2]],
    },
    {
      name: 'two form tables of two codes and no stream of every code: two scans',
      items: [some(0, ['A'], [['A', 1]]), some(1, ['B'], [['B', 1]])],
      groups: [[0], [1]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        groupByCursors(c.items).map((g) => g.map((x) => x.i)),
        c.groups,
      );
    });
  }
});
