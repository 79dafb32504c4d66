import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { DetailPipeline } from '../src/source/streams/details/fetch/detail-pipeline.js';

/** A task that runs until `finish` is called, recording when it started and ended. */
function task(
  log: string[],
  name: string,
): { run: () => Promise<void>; finish: () => void; fail: (error: unknown) => void } {
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const ended = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    run: async () => {
      log.push(`start ${name}`);
      await ended;
      log.push(`end ${name}`);
    },
    finish,
    fail,
  };
}

/** A pipeline of `concurrency` slots with task 'a' submitted, hence started and still running. */
async function runningA(
  concurrency: number,
): Promise<{ log: string[]; pipeline: DetailPipeline; a: ReturnType<typeof task> }> {
  const log: string[] = [];
  const pipeline = new DetailPipeline(concurrency);
  const a = task(log, 'a');
  await pipeline.submit(a.run);
  return { log, pipeline, a };
}

describe('DetailPipeline', () => {
  it('submit resolves once its task started; a full pipeline holds the next submit until a task ends', async () => {
    const log: string[] = [];
    const pipeline = new DetailPipeline(2);
    const [a, b, c] = [task(log, 'a'), task(log, 'b'), task(log, 'c')];
    await pipeline.submit(a.run);
    await pipeline.submit(b.run);
    let cSubmitted = false;
    const submitC = pipeline.submit(c.run).then(() => void (cSubmitted = true));
    await tick();
    assert.equal(cSubmitted, false, 'two tasks in flight: the third waits');
    assert.deepEqual(log, ['start a', 'start b']);
    b.finish();
    await submitC;
    assert.deepEqual(log, ['start a', 'start b', 'end b', 'start c']);
    a.finish();
    c.finish();
    await pipeline.barrier();
  });

  it('barrier resolves only when every task started before it has ended', async () => {
    const log: string[] = [];
    const pipeline = new DetailPipeline(4);
    const [a, b] = [task(log, 'a'), task(log, 'b')];
    await pipeline.submit(a.run);
    await pipeline.submit(b.run);
    const barrier = pipeline.barrier().then(() => log.push('barrier'));
    a.finish();
    await tick();
    assert.ok(!log.includes('barrier'), 'b still runs');
    b.finish();
    await barrier;
    assert.deepEqual(log, ['start a', 'start b', 'end a', 'end b', 'barrier']);
  });

  it("a task's failure rejects the next barrier and every later submit, without starting its task", async () => {
    const { log, pipeline, a } = await runningA(2);
    const boom = new Error('detail failed');
    a.fail(boom);
    await assert.rejects(pipeline.barrier(), (e: unknown) => e === boom);
    const later = task(log, 'later');
    await assert.rejects(pipeline.submit(later.run), (e: unknown) => e === boom);
    assert.deepEqual(log, ['start a']);
  });

  it('a submit waiting for room fails when a running task fails', async () => {
    const { log, pipeline, a } = await runningA(1);
    const waiting = pipeline.submit(task(log, 'b').run);
    a.fail(new Error('gone'));
    await assert.rejects(waiting, /gone/);
    assert.deepEqual(log, ['start a']);
  });

  it('every submit waiting for room fails when a task fails, however many wait (none is left hanging)', async () => {
    const { log, pipeline, a } = await runningA(1);
    const waiting = ['b', 'c', 'd'].map((name) => pipeline.submit(task(log, name).run));
    a.fail(new Error('gone'));
    const settled = await Promise.allSettled(waiting);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.deepEqual(log, ['start a']);
  });
});
