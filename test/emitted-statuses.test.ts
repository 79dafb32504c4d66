import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digestField, readDigest } from '../src/source/streams/details/recheck/digest-state.js';
import { EmittedStatuses } from '../src/source/streams/details/recheck/emitted-statuses.js';
import { digestKey, Nibble } from '../src/source/streams/details/recheck/status-digest.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const SPAN = 30 * DAY;

describe('EmittedStatuses: which partitions keep a digest', () => {
  const stored = {
    status_digest: digestField(new Map([['A', new Map([[digestKey('a1', NOW - DAY), Nibble.APPROVED]])]])),
  };
  const cases: {
    name: string;
    blob: Record<string, unknown> | undefined;
    saved: string[];
    tracked: Record<string, number | undefined>;
  }[] = [
    { name: 'first sync: every code starts an empty digest', blob: undefined, saved: [], tracked: { A: 0, B: 0 } },
    {
      name: 'a stored digest is kept; a code with a cursor but no digest has none (the query will give its baseline)',
      blob: stored,
      saved: ['A', 'B'],
      tracked: { A: 1, B: undefined },
    },
    {
      name: 'a code added to the config (no cursor) starts empty',
      blob: stored,
      saved: ['A'],
      tracked: { A: 1, B: 0 },
    },
    {
      name: 'an old state (pending list, no digest): no digest for codes with cursors',
      blob: { states: [], pending: [] },
      saved: ['A', 'B'],
      tracked: { A: undefined, B: undefined },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const emitted = new EmittedStatuses(
        SPAN,
        NOW,
        c.blob,
        ['A', 'B'],
        new Map(c.saved.map((code) => [code, NOW - DAY])),
      );
      assert.deepEqual({ A: emitted.partition('A')?.size, B: emitted.partition('B')?.size }, c.tracked);
    });
  }
  it('recheck off: no digest and no state field', () => {
    const emitted = new EmittedStatuses(0, NOW, stored, ['A'], new Map());
    assert.equal(emitted.partition('A'), undefined);
    assert.equal(emitted.stateField(), undefined);
  });
});

describe('EmittedStatuses.remember', () => {
  const cases: { name: string; createdMs: number | undefined; kept: boolean }[] = [
    { name: 'inside the span', createdMs: NOW - DAY, kept: true },
    { name: 'before the span', createdMs: NOW - 31 * DAY, kept: false },
    { name: 'unknown creation time', createdMs: undefined, kept: false },
    { name: 'an odd creation time far in the future', createdMs: 1e17, kept: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.kept ? 'kept' : 'not kept'}`, () => {
      const emitted = new EmittedStatuses(SPAN, NOW, undefined, ['A'], new Map());
      emitted.remember('A', 'x', c.createdMs, Nibble.PENDING);
      emitted.remember('UNTRACKED', 'y', NOW - DAY, Nibble.PENDING);
      const back = readDigest({ status_digest: emitted.stateField() }, ['A', 'B', 'UNTRACKED']);
      assert.equal(back.get('A')!.size, c.kept ? 1 : 0);
      assert.equal(back.has('UNTRACKED'), false);
    });
  }
  it('a baseline is adopted, pruned to the span', () => {
    const emitted = new EmittedStatuses(SPAN, NOW, undefined, ['A'], new Map([['A', NOW]]));
    emitted.adoptBaseline(
      'A',
      new Map([
        [digestKey('old', NOW - 40 * DAY), Nibble.APPROVED],
        [digestKey('new', NOW - DAY), Nibble.PENDING],
      ]),
    );
    assert.deepEqual([...emitted.partition('A')!.values()], [Nibble.PENDING]);
  });
  it('an earlier instance moves the base: every partition is packed again from it and reads back the same', () => {
    const emitted = new EmittedStatuses(SPAN, NOW, undefined, ['A', 'B'], new Map());
    emitted.remember('B', 'b1', NOW - DAY, Nibble.APPROVED);
    const before = emitted.stateField()!;
    emitted.remember('A', 'a1', NOW - 2 * DAY, Nibble.PENDING);
    const after = emitted.stateField()!;
    assert.equal((after['base_minute'] as number) < (before['base_minute'] as number), true);
    const back = readDigest({ status_digest: after }, ['A', 'B']);
    assert.deepEqual([...back.get('B')!.keys()], [digestKey('b1', NOW - DAY)]);
    assert.deepEqual([...back.get('A')!.keys()], [digestKey('a1', NOW - 2 * DAY)]);
  });
  it('each STATE packs what changed since the previous one: a later remember shows in the next field, untouched partitions stay as they were', () => {
    const emitted = new EmittedStatuses(SPAN, NOW, undefined, ['A', 'B'], new Map());
    emitted.remember('A', 'a1', NOW - DAY, Nibble.PENDING);
    emitted.remember('B', 'b1', NOW - DAY, Nibble.APPROVED);
    const firstField = JSON.stringify(emitted.stateField());
    emitted.remember('A', 'a1', NOW - DAY, Nibble.APPROVED);
    const back = readDigest({ status_digest: emitted.stateField() }, ['A', 'B', 'UNTRACKED']);
    assert.deepEqual([...back.get('A')!.values()], [Nibble.APPROVED]);
    assert.deepEqual([...back.get('B')!.values()], [Nibble.APPROVED]);
    assert.notEqual(JSON.stringify(emitted.stateField()), firstField);
    emitted.partition('B')!.clear();
    assert.equal(
      readDigest({ status_digest: emitted.stateField() }, ['A', 'B', 'UNTRACKED']).get('B')!.size,
      1,
      'untouched: the packed copy stands',
    );
    emitted.touched('B');
    assert.equal(
      readDigest({ status_digest: emitted.stateField() }, ['A', 'B', 'UNTRACKED']).get('B')!.size,
      0,
      'touched: packed again',
    );
  });
});
