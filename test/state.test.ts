import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeCursors, readCursors, stateBlob } from '../src/source/state/stream-state.js';
import { MIN_STATE_GAP_MS, nextStateAtMs } from '../src/source/streams/pacing.js';
import { ConfigError } from '../src/kit/errors.js';
import { protocolErrors } from './helpers/protocol-schema.js';

const STREAM = 'approval_instances';
const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

function message(stream_state: unknown, name = STREAM) {
  return {
    type: 'STREAM' as const,
    stream: { stream_descriptor: { name }, stream_state: stream_state as Record<string, unknown> },
  };
}

/** `n` approval codes shaped like Feishu's (36-character UUIDs). */
function uuidCodes(n: number, salt = ''): string[] {
  return Array.from({ length: n }, (_, i) => {
    const h = createHash('md5').update(`${salt}${i}`).digest('hex').toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  });
}

/** Cursors as a scan mid-sync leaves them: codes spread over a few window ends. */
function midSync(codes: string[], windows = 3): Map<string, number> {
  return new Map(codes.map((code, i) => [code, T0 + (i % windows) * 10 * HOUR]));
}

describe('readCursors', () => {
  it('reads the cursors of its own stream only', () => {
    const cursors = readCursors(
      [
        message({ cursor_groups: [{ created_before: '2024-01-01T00:00:00.000Z', approval_codes: ['A'] }] }),
        message({ cursor_groups: [{ created_before: '2024-01-02T00:00:00.000Z', approval_codes: ['B'] }] }, 'other'),
      ],
      STREAM,
      ['A', 'B'],
    );
    assert.deepEqual([...cursors], [['A', Date.parse('2024-01-01T00:00:00.000Z')]]);
  });

  it('empty state means no cursors', () => assert.equal(readCursors([], STREAM, ['A']).size, 0));
  it('an empty stream_state (what a reset leaves) means no cursors', () =>
    assert.equal(readCursors([message({})], STREAM, ['A']).size, 0));
  it('no groups means no cursors', () =>
    assert.equal(readCursors([message({ cursor_groups: [] })], STREAM, ['A']).size, 0));

  const malformed: [string, unknown, RegExp][] = [
    ['groups not an array', { cursor_groups: {} }, /cursor_groups must be an array/],
    [
      'a group without a date',
      { cursor_groups: [{ approval_codes: ['A'] }] },
      /cursor_groups\[0\] needs an ISO date-time created_before/,
    ],
    [
      'a cursor that is no date',
      { cursor_groups: [{ created_before: 'yesterday', approval_codes: ['A'] }] },
      /cursor_groups\[0\]/,
    ],
    [
      'codes as one string',
      { cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_codes: 'A' }] },
      /cursor_groups\[0\] needs .*approval_codes, an array of approval codes/,
    ],
    [
      'a code that is no string',
      { cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_codes: ['A', 7] }] },
      /cursor_groups\[0\]/,
    ],
    [
      'an empty code',
      { cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_codes: [''] }] },
      /cursor_groups\[0\]/,
    ],
    ['no shape at all', { cursor: '2024-01-01T00:00:00Z' }, /needs 'cursor_groups'/],
  ];
  for (const [name, blob, detail] of malformed) {
    it(`malformed: ${name} is a config error naming the stream, the fault and the expected shape`, () => {
      assert.throws(
        () => readCursors([message(blob)], STREAM, ['A']),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.includes(STREAM) &&
          detail.test(e.message) &&
          e.message.includes('"cursor_groups":[{"created_before"'),
      );
    });
  }
});

describe('stateBlob: cursors grouped by value, every code in plain text', () => {
  it('round-trips through readCursors inside a valid protocol state message', () => {
    const cursors = new Map([
      ['C', Date.parse('2024-02-01T10:00:00.123Z')],
      ['B', Date.parse('2024-01-01T00:00:00.000Z')],
      ['A', Date.parse('2024-02-01T10:00:00.123Z')],
    ]);
    const state = { ...message(stateBlob(cursors)), sourceStats: { recordCount: 42 } };
    assert.deepEqual(protocolErrors(state, 'AirbyteStateMessage'), []);
    assert.deepEqual(readCursors([state], STREAM, []), cursors);
    assert.deepEqual(stateBlob(cursors), {
      cursor_groups: [
        { created_before: '2024-01-01T00:00:00.000Z', approval_codes: ['B'] },
        { created_before: '2024-02-01T10:00:00.123Z', approval_codes: ['A', 'C'] },
      ],
    });
  });

  it('keeps the cursors of codes no longer configured', () => {
    const blob = stateBlob(
      new Map([
        ['OLD', T0],
        ['A', T0],
      ]),
    );
    assert.deepEqual([...readCursors([message(blob)], STREAM, ['A'])].sort(), [
      ['A', T0],
      ['OLD', T0],
    ]);
  });

  it('oldest cursor first, codes sorted, so equal cursors give equal states', () => {
    const codes = uuidCodes(300);
    const a = stateBlob(midSync(codes));
    assert.deepEqual(a, stateBlob(new Map([...midSync(codes)].reverse())));
    const groups = a['cursor_groups'] as { created_before: string; approval_codes: string[] }[];
    assert.deepEqual(
      groups.map((g) => g.created_before),
      ['2024-01-01T00:00:00.000Z', '2024-01-01T10:00:00.000Z', '2024-01-01T20:00:00.000Z'],
    );
    assert.deepEqual(
      groups.map((g) => g.approval_codes.length),
      [100, 100, 100],
    );
    for (const g of groups) assert.deepEqual(g.approval_codes, [...g.approval_codes].sort());
  });

  it('rewinding one code by hand: a second group naming it with an earlier cursor wins (re-reads, never skips)', () => {
    const codes = uuidCodes(3);
    const blob = stateBlob(new Map(codes.map((c) => [c, T0 + 20 * HOUR])));
    const edited = {
      cursor_groups: [
        ...(blob['cursor_groups'] as unknown[]),
        { created_before: '2024-01-01T05:00:00Z', approval_codes: [codes[1]] },
      ],
    };
    const read = decodeCursors(edited, codes);
    assert.deepEqual(
      [read.get(codes[0]!), read.get(codes[1]!), read.get(codes[2]!)],
      [T0 + 20 * HOUR, T0 + 5 * HOUR, T0 + 20 * HOUR],
    );
  });

  // What pacing (streams/pacing.ts) makes of a STATE of that size: the gap between two STATEs while cursors move.
  const sizes: { codes: number; maxGapMs: number }[] = [
    { codes: 1, maxGapMs: MIN_STATE_GAP_MS },
    { codes: 100, maxGapMs: MIN_STATE_GAP_MS },
    { codes: 500, maxGapMs: 1_400 },
    { codes: 2_000, maxGapMs: 5_300 },
  ];
  for (const c of sizes) {
    it(`${c.codes} code(s) on three cursors: 39 bytes a code and 66 a group, a STATE every ${c.maxGapMs} ms at most, and it reads back`, () => {
      const codes = uuidCodes(c.codes);
      const blob = stateBlob(midSync(codes));
      const bytes = JSON.stringify(blob).length;
      const groups = Math.min(3, c.codes);
      assert.ok(bytes <= 39 * c.codes + 66 * groups + 20, `${bytes} bytes`);
      assert.ok(nextStateAtMs({ atMs: 0, bytes: JSON.stringify(message(blob)).length + 100 }) <= c.maxGapMs);
      assert.deepEqual(decodeCursors(blob, []), midSync(codes));
    });
  }
});
