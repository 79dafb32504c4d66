import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { WorkQueue } from '../src/source/sync/work-queue.js';

/** A promise with its resolve and reject in hand, to finish items in a chosen order. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: unknown) => void } {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('WorkQueue', () => {
  it('runs nothing before start, then at most `concurrency` items at once, and resolves done when all ran', async () => {
    let running = 0;
    let peak = 0;
    const ran: number[] = [];
    const queue = new WorkQueue<number>(3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      ran.push(item);
      running--;
    });
    queue.push(1, 2, 3, 4, 5, 6, 7);
    await tick();
    assert.deepEqual(ran, [], 'items wait for start');
    await queue.start();
    assert.equal(peak, 3);
    assert.deepEqual([...ran].sort(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs items pushed to the front before the ones already queued', async () => {
    const order: string[] = [];
    const first = gate();
    const queue = new WorkQueue<string>(1, async (item) => {
      order.push(item);
      if (item === 'a') {
        queue.pushFront('a1', 'a2');
        await first.promise;
      }
    });
    queue.push('a', 'b', 'c');
    const done = queue.start();
    await tick();
    first.open();
    await done;
    assert.deepEqual(order, ['a', 'a1', 'a2', 'b', 'c']);
  });

  it('counts idle workers as those no queued item would take', async () => {
    const hold = gate();
    const queue = new WorkQueue<number>(4, () => hold.promise);
    assert.equal(queue.idleWorkers(), 4);
    queue.push(1, 2, 3, 4, 5);
    assert.equal(queue.idleWorkers(), 0, 'five queued items would keep four workers busy');
    const done = queue.start();
    hold.open();
    await done;
    assert.equal(queue.idleWorkers(), 4);
  });

  it('the first failure aborts the signal every item got, rejects done and starts nothing more', async () => {
    const boom = new Error('boom');
    const signals: AbortSignal[] = [];
    const started: number[] = [];
    const slow = gate();
    const queue = new WorkQueue<number>(2, async (item, signal) => {
      started.push(item);
      signals.push(signal);
      if (item === 1) throw boom;
      await slow.promise;
    });
    queue.push(1, 2, 3, 4);
    await assert.rejects(queue.start(), (e: unknown) => e === boom);
    assert.ok(signals.every((s) => s.aborted && s.reason === boom));
    slow.open();
    await tick();
    assert.deepEqual(started, [1, 2], 'items 3 and 4 never start');
  });

  it('fail() from outside the queue rejects done with that error; later failures do not replace it', async () => {
    const hold = gate();
    const queue = new WorkQueue<number>(1, () => hold.promise);
    queue.push(1);
    const done = queue.start();
    const first = new Error('finalisation failed');
    queue.fail(first);
    queue.fail(new Error('second'));
    hold.fail(new Error('the item failed too'));
    await assert.rejects(done, (e: unknown) => e === first);
    assert.equal(queue.signal.reason, first);
  });

  it('an empty queue is done as soon as it starts', async () => {
    const queue = new WorkQueue<number>(2, async () => assert.fail('nothing to run'));
    await queue.start();
  });

  it('barrier waits for the items pushed before it, not for later ones', async () => {
    const [first, later] = [gate(), gate()];
    const queue = new WorkQueue<Promise<void>>(2, (item) => item);
    void queue.start();
    queue.push(first.promise);
    const barrier = queue.barrier();
    queue.push(later.promise);
    let passed = false;
    void barrier.then(() => (passed = true));
    await tick();
    assert.equal(passed, false);
    first.open();
    await barrier;
    later.open();
    await queue.barrier();
  });

  it('after a failure, barrier settles (the items still queued are dropped) and rejects with it', async () => {
    const boom = new Error('boom');
    const queue = new WorkQueue<number>(1, async (item) => {
      if (item === 1) throw boom;
    });
    queue.push(1, 2, 3);
    void queue.start();
    await assert.rejects(queue.barrier(), (e: unknown) => e === boom);
  });
});
