import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WindowChain } from '../src/source/scan/window-chain.js';
import { planWindows } from '../src/source/scan/windows.js';

/** A chain of windows [0,10], [10,20], ... and the nodes by index. */
function chain(count: number, saved?: number) {
  const range = { startMs: 0, endMs: count * 10 };
  const c = new WindowChain('A', range, planWindows(range, 12), saved);
  return { c, n: c.nodes };
}

describe('WindowChain: the cursor is the end of the finished prefix', () => {
  const cases: { name: string; count: number; saved?: number; done: number[]; cursor: number | undefined }[] = [
    { name: 'nothing finished: no cursor', count: 3, done: [], cursor: undefined },
    { name: 'nothing finished keeps the saved cursor', count: 3, saved: 5, done: [], cursor: 5 },
    {
      name: 'first window finished',
      count: 3,
      done: [0],
      cursor: planWindows({ startMs: 0, endMs: 30 }, 12)[0]!.endMs,
    },
    { name: 'never past an unfinished window', count: 3, done: [1, 2], cursor: undefined },
    { name: 'out of order, then the gap closes', count: 3, done: [2, 1, 0], cursor: 30 },
    {
      name: 'a lookback window behind the saved cursor does not move it back',
      count: 3,
      saved: 25,
      done: [0],
      cursor: 25,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { c: windows, n } = chain(c.count, c.saved);
      for (const i of c.done) windows.markDone(n[i]!);
      assert.equal(windows.cursorMs(), c.cursor);
      assert.equal(windows.finished, c.done.length === n.length);
    });
  }

  it('a split window is replaced by its parts, edge to edge, and the prefix runs through them', async () => {
    const { c, n } = chain(3);
    const parts = c.split(n[1]!, 3);
    assert.deepEqual(
      c.nodes.map((x) => [x.window.startMs, x.window.endMs]),
      [[0, n[0]!.window.endMs], ...parts.map((p) => [p.window.startMs, p.window.endMs]), [n[2]!.window.startMs, 30]],
    );
    assert.equal(c.windowCount, 5);
    assert.equal(c.next(n[0]!), parts[0]);
    assert.equal(c.next(parts[2]!), n[2]);
    c.markDone(n[0]!);
    c.markDone(parts[0]!);
    assert.equal(c.cursorMs(), parts[0]!.window.endMs);
    parts[0]!.setHead(new Set(['x']));
    assert.deepEqual([...(await n[1]!.head)], ['x'], "the split window's head is its first part's");
    for (const p of parts.slice(1)) c.markDone(p);
    c.markDone(n[2]!);
    assert.equal(c.cursorMs(), 30);
    assert.ok(c.finished);
  });

  it('handles thousands of windows (five years of 10 h windows)', () => {
    const range = { startMs: 0, endMs: 5 * 365 * 24 * 3_600_000 };
    const c = new WindowChain('A', range, planWindows(range, 10 * 3_600_000), undefined);
    const nodes = c.nodes;
    for (const node of nodes.reverse()) c.markDone(node);
    assert.equal(c.cursorMs(), range.endMs);
  });
});

describe('CodeHashes', () => {
  it('remembers every code added, and 200,000 distinct codes get distinct hashes', async () => {
    const { CodeHashes } = await import('../src/source/scan/code-hashes.js');
    const { hash53 } = await import('../src/source/values/hashes.js');
    const hashes = new CodeHashes();
    const codes = Array.from(
      { length: 200_000 },
      (_, i) =>
        `${((i * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0')}-8745-2245-9675-${i.toString(16).padStart(12, '0')}`,
    );
    for (const code of codes) hashes.add(code);
    const set = hashes.toSet();
    assert.equal(set.size, codes.length, 'no collisions');
    assert.ok(codes.every((c) => set.has(hash53(c))));
    assert.ok(!set.has(hash53('not-a-code')));
  });
});
