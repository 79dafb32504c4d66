import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readCursors, stateBlob } from '../src/source/state.js';
import { codeHash, decodeCursors, encodeCursors, LIST_FORMAT_MAX_BYTES } from '../src/source/cursor-encoding.js';
import { MIN_STATE_GAP_MS, nextStateAtMs } from '../src/source/streams/pacing.js';
import { ConfigError } from '../src/kit/errors.js';
import { protocolErrors } from './helpers/protocol-schema.js';

const STREAM = 'approval_instances';
const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

function message(stream_state: unknown, name = STREAM) {
  return { type: 'STREAM' as const, stream: { stream_descriptor: { name }, stream_state: stream_state as Record<string, unknown> } };
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
  it('reads per-partition cursors of its own stream only', () => {
    const cursors = readCursors(
      [
        message({ states: [{ partition: { approval_code: 'A' }, cursor: { created_before: '2024-01-01T00:00:00.000Z' } }] }),
        message({ states: [{ partition: { approval_code: 'B' }, cursor: { created_before: '2024-01-02T00:00:00.000Z' } }] }, 'other'),
      ],
      STREAM,
      ['A', 'B'],
    );
    assert.deepEqual([...cursors], [['A', Date.parse('2024-01-01T00:00:00.000Z')]]);
  });

  it('empty state means no cursors', () => assert.equal(readCursors([], STREAM, ['A']).size, 0));
  it('an empty stream_state (what a reset leaves) means no cursors', () => assert.equal(readCursors([message({})], STREAM, ['A']).size, 0));

  const malformed: [string, unknown, RegExp][] = [
    ['states not an array', { states: {} }, /states must be an array/],
    ['cursor not a date', { states: [{ partition: { approval_code: 'A' }, cursor: { created_before: 'yesterday' } }] }, /states\[0\]/],
    ['partition missing', { states: [{ cursor: { created_before: '2024-01-01T00:00:00Z' } }] }, /states\[0\]/],
    ['neither shape', { cursor: '2024-01-01T00:00:00Z' }, /needs 'states'/],
    ['groups of an unknown hash', { approval_code_hash: 'md5', cursor_groups: [] }, /approval_code_hash must be 'sha256-48'/],
    ['groups not an array', { approval_code_hash: 'sha256-48', cursor_groups: {} }, /cursor_groups must be an array/],
    ['a group without a date', { approval_code_hash: 'sha256-48', cursor_groups: [{ approval_code_hashes: 'AAAAAAAA' }] }, /cursor_groups\[0\]/],
    ['hashes cut short', { approval_code_hash: 'sha256-48', cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_code_hashes: 'AAAAAAAAB' }] }, /cursor_groups\[0\]/],
    ['hashes not base64url', { approval_code_hash: 'sha256-48', cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_code_hashes: 'AAAA+AA/' }] }, /cursor_groups\[0\]/],
  ];
  for (const [name, blob, detail] of malformed) {
    it(`malformed: ${name} is a config error naming the stream, the fault and the expected shape`, () => {
      assert.throws(
        () => readCursors([message(blob)], STREAM, ['A']),
        (e: unknown) => e instanceof ConfigError && e.message.includes(STREAM) && detail.test(e.message) && e.message.includes('"states"'),
      );
    });
  }
});

describe('stateBlob: the per-partition list while it is small', () => {
  it('round-trips through readCursors inside a valid protocol state message', () => {
    const cursors = new Map([
      ['B', Date.parse('2024-02-01T10:00:00.123Z')],
      ['A', Date.parse('2024-01-01T00:00:00.000Z')],
    ]);
    const state = { ...message(stateBlob(cursors)), sourceStats: { recordCount: 42 } };
    assert.deepEqual(protocolErrors(state, 'AirbyteStateMessage'), []);
    assert.deepEqual(readCursors([state], STREAM, []), cursors);
    assert.deepEqual(stateBlob(cursors), {
      states: [
        { partition: { approval_code: 'A' }, cursor: { created_before: '2024-01-01T00:00:00.000Z' } },
        { partition: { approval_code: 'B' }, cursor: { created_before: '2024-02-01T10:00:00.123Z' } },
      ],
    });
  });

  it('keeps the cursors of codes no longer configured', () => {
    const blob = stateBlob(new Map([['OLD', T0], ['A', T0]]));
    assert.deepEqual([...readCursors([message(blob)], STREAM, ['A'])].sort(), [['A', T0], ['OLD', T0]]);
  });
});

describe('encodeCursors: which shape, and how big', () => {
  // The bound each shape must meet: a STATE may leave every 2 s (pacing.ts) only while it is under
  // 1/30 of the byte budget; both shapes carry 36-character codes spread over three cursors.
  const cases: { codes: number; shape: 'states' | 'cursor_groups' }[] = [
    { codes: 1, shape: 'states' },
    { codes: 100, shape: 'states' },
    { codes: 126, shape: 'states' },
    { codes: 127, shape: 'cursor_groups' },
    { codes: 500, shape: 'cursor_groups' },
    { codes: 2_000, shape: 'cursor_groups' },
    { codes: 3_500, shape: 'cursor_groups' },
  ];
  for (const c of cases) {
    it(`${c.codes} codes: ${c.shape}, a STATE may leave within 2 s of the last, and it reads back`, () => {
      const codes = uuidCodes(c.codes);
      const cursors = midSync(codes);
      const blob = encodeCursors(cursors);
      assert.deepEqual(Object.keys(blob).filter((k) => k === 'states' || k === 'cursor_groups'), [c.shape]);
      const bytes = JSON.stringify(message(blob)).length + 200;
      const gapMs = nextStateAtMs({ atMs: 0, bytes });
      assert.ok(gapMs <= 2000, `${bytes} bytes allow a STATE every ${gapMs} ms`);
      if (c.shape === 'states') assert.ok(JSON.stringify(blob).length <= LIST_FORMAT_MAX_BYTES + 20);
      else assert.equal(gapMs >= MIN_STATE_GAP_MS, true);
      assert.deepEqual(decodeCursors(blob, codes), cursors);
    });
  }

  it('500 codes take about 8 bytes each, not 126', () => {
    const bytes = JSON.stringify(encodeCursors(midSync(uuidCodes(500)))).length;
    assert.ok(bytes < 500 * 9, `${bytes} bytes`);
  });

  it('hashed groups: oldest cursor first, hashes sorted, so equal cursors give equal states', () => {
    const codes = uuidCodes(300);
    const a = encodeCursors(midSync(codes));
    const b = encodeCursors(new Map([...midSync(codes)].reverse()));
    assert.deepEqual(a, b);
    const groups = a['cursor_groups'] as { created_before: string; approval_code_hashes: string }[];
    assert.deepEqual(groups.map((g) => g.created_before), ['2024-01-01T00:00:00.000Z', '2024-01-01T10:00:00.000Z', '2024-01-01T20:00:00.000Z']);
    assert.deepEqual(groups.map((g) => g.approval_code_hashes.length / 8), [100, 100, 100]);
  });

  it('two codes sharing a hash: the list instead, which names them', () => {
    const cursors = midSync(uuidCodes(300));
    assert.ok(Array.isArray(encodeCursors(cursors, 0, (code) => (code === uuidCodes(1)[0] ? 'AAAAAAAA' : codeHash(code)))['cursor_groups']));
    assert.ok(Array.isArray(encodeCursors(cursors, 0, () => 'AAAAAAAA')['states']));
  });

  it('a code hash is the first 6 bytes of its SHA-256 in base64url', () => {
    assert.equal(codeHash('7C468A54-8745-2245-9675-08B7C63E7A85'), createHash('sha256').update('7C468A54-8745-2245-9675-08B7C63E7A85').digest().subarray(0, 6).toString('base64url'));
    assert.equal(codeHash('x').length, 8);
  });
});

describe('decodeCursors of hashed groups', () => {
  const codes = uuidCodes(200);
  const blob = encodeCursors(midSync(codes), 0);

  it('a code added since starts from start_date; a code removed since is dropped', () => {
    const added = uuidCodes(1, 'new')[0]!;
    const read = decodeCursors(blob, [...codes.slice(1), added]);
    assert.equal(read.has(added), false);
    assert.equal(read.has(codes[0]!), false);
    assert.equal(read.size, codes.length - 1);
  });

  it('a hash found in two groups takes the earlier cursor (re-reads, never skips)', () => {
    const groups = blob['cursor_groups'] as { created_before: string; approval_code_hashes: string }[];
    const moved = groups[2]!.approval_code_hashes.slice(0, 8);
    const doubled = { ...blob, cursor_groups: [...groups.slice(0, 2), { ...groups[2]!, approval_code_hashes: groups[2]!.approval_code_hashes + groups[0]!.approval_code_hashes.slice(0, 8) }] };
    const code = codes.find((c) => codeHash(c) === groups[0]!.approval_code_hashes.slice(0, 8))!;
    assert.equal(decodeCursors(doubled, codes).get(code), T0);
    assert.equal(decodeCursors(blob, codes).get(codes.find((c) => codeHash(c) === moved)!), T0 + 20 * HOUR);
  });

  it('is a valid protocol state message and reads back through readCursors', () => {
    const state = { ...message(blob), sourceStats: { recordCount: 1 } };
    assert.deepEqual(protocolErrors(state, 'AirbyteStateMessage'), []);
    assert.deepEqual(readCursors([state], STREAM, codes), midSync(codes));
  });
});
