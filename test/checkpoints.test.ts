import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, SyncMode } from '../src/kit/protocol.js';
import { Checkpoints } from '../src/source/streams/details/fetch/checkpoints.js';
import { DetailSink, type DetailSinks } from '../src/source/streams/details/fetch/detail-sink.js';

/** Sinks of one incremental and one full-refresh stream that record each STATE's blob, by mode. */
function recordingSinks(): {
  sinks: DetailSinks;
  written: { mode: SyncMode; blob: JsonObject; final: boolean }[];
  flushed: number;
} {
  const out = { written: [] as { mode: SyncMode; blob: JsonObject; final: boolean }[], flushed: 0 };
  const sinks = {
    state: async (blobFor: (mode: SyncMode) => JsonObject, final: boolean) => {
      for (const mode of ['incremental', 'full_refresh'] as const)
        out.written.push({ mode, blob: blobFor(mode), final });
    },
    flushState: async () => void out.flushed++,
  } as unknown as DetailSinks;
  return Object.assign(out, { sinks });
}

/** A promise and its resolve/reject, for details still being written. */
function pending(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('Checkpoints: the detail streams STATEs', () => {
  it('a STATE waits for the details it covers, and STATEs leave in the order asked for', async () => {
    const out = recordingSinks();
    const covers = [pending(), pending()];
    let asked = 0;
    const checkpoints = new Checkpoints(
      out.sinks,
      () => covers[asked++]!.promise,
      () => ({ version: 3 }),
    );
    const first = checkpoints.checkpoint(new Map([['A', 1_000]]), false);
    const second = checkpoints.checkpoint(new Map([['A', 2_000]]), true);
    covers[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    assert.equal(out.written.length, 0, 'the second waits for the first, whose details are not written yet');
    covers[0]!.resolve();
    await Promise.all([first, second]);
    assert.deepEqual(
      out.written.map((w) => [w.mode, w.final, 'status_digest' in w.blob, 'full_refresh' in w.blob]),
      [
        ['incremental', false, true, false],
        ['full_refresh', false, false, true],
        ['incremental', true, true, false],
        ['full_refresh', true, false, true],
      ],
    );
  });

  it('a detail failing rejects its checkpoint, never settle(), which still flushes the held STATE', async () => {
    const out = recordingSinks();
    const cover = pending();
    const checkpoints = new Checkpoints(
      out.sinks,
      () => cover.promise,
      () => undefined,
    );
    const checkpoint = checkpoints.checkpoint(new Map(), true);
    cover.reject(new Error('detail failed'));
    await assert.rejects(checkpoint, /detail failed/);
    await checkpoints.settle();
    assert.deepEqual([out.written.length, out.flushed], [0, 1]);
  });
});

describe('DetailSink of a form table: a checkpoint that moves nothing of its own is skipped', () => {
  it('the same blob with no record since: no STATE; a record since: a STATE', async () => {
    const sent: JsonObject[] = [];
    const emitter = {
      state: (m: { stream: { stream_state: JsonObject } }) => void sent.push(m.stream.stream_state),
      record: () => undefined,
      streamStatus: () => undefined,
      estimate: () => undefined,
      warn: () => undefined,
      info: () => undefined,
    };
    const spec = { stream: 'approval_form_a', rows: () => [], rowsWhenGone: false, fields: [], codes: ['A'] };
    const sink = new DetailSink(emitter as never, spec, 'incremental');
    const blob = { cursor_groups: [{ created_before: '2026-01-01T00:00:00.000Z', approval_codes: ['A'] }] };
    await sink.state(() => blob, false);
    await sink.state(() => ({ ...blob }), false);
    await sink.flushState();
    assert.equal(sent.length, 1, 'the second, alike and covering no record, is skipped');
    const live = { detail: { instance_code: 'I' }, fate: 'live' as const, previous: undefined, seenAt: '' };
    const rowsSpec = { ...spec, rows: () => [{ instance_code: 'I' }] };
    const withRows = new DetailSink(emitter as never, rowsSpec, 'incremental');
    await withRows.state(() => blob, false);
    await withRows.write(live, 'A', { created_after: '', created_before: '' });
    await withRows.state(() => blob, false);
    await withRows.flushState();
    assert.equal(sent.length, 3, 'a record since the last STATE: the alike blob leaves, to count it');
    await sink.state(() => blob, true);
    assert.equal(sent.length, 4, 'the final STATE always leaves');
  });
});
