import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readCursors, stateBlob } from '../src/source/state.js';
import { ConfigError } from '../src/kit/errors.js';
import { protocolErrors } from './helpers/protocol-schema.js';

const STREAM = 'approval_instances';

function message(stream_state: unknown, name = STREAM) {
  return { type: 'STREAM' as const, stream: { stream_descriptor: { name }, stream_state: stream_state as Record<string, unknown> } };
}

describe('readCursors', () => {
  it('reads per-partition cursors of its own stream only', () => {
    const cursors = readCursors(
      [
        message({ states: [{ partition: { approval_code: 'A' }, cursor: { created_before: '2024-01-01T00:00:00.000Z' } }] }),
        message({ states: [{ partition: { approval_code: 'B' }, cursor: { created_before: '2024-01-02T00:00:00.000Z' } }] }, 'other'),
      ],
      STREAM,
    );
    assert.deepEqual([...cursors], [['A', Date.parse('2024-01-01T00:00:00.000Z')]]);
  });

  it('empty state means no cursors', () => assert.equal(readCursors([], STREAM).size, 0));

  const malformed: [string, unknown][] = [
    ['states not an array', { states: {} }],
    ['cursor not a date', { states: [{ partition: { approval_code: 'A' }, cursor: { created_before: 'yesterday' } }] }],
    ['partition missing', { states: [{ cursor: { created_before: '2024-01-01T00:00:00Z' } }] }],
  ];
  for (const [name, blob] of malformed) {
    it(`malformed: ${name} is a config error naming the stream`, () => {
      assert.throws(() => readCursors([message(blob)], STREAM), (e: unknown) => e instanceof ConfigError && e.message.includes(STREAM));
    });
  }
});

describe('stateBlob', () => {
  it('round-trips through readCursors inside a valid protocol state message', () => {
    const cursors = new Map([
      ['B', Date.parse('2024-02-01T10:00:00.123Z')],
      ['A', Date.parse('2024-01-01T00:00:00.000Z')],
    ]);
    const state = { ...message(stateBlob(cursors)), sourceStats: { recordCount: 42 } };
    assert.deepEqual(protocolErrors(state, 'AirbyteStateMessage'), []);
    assert.deepEqual(readCursors([state], STREAM), cursors);
    assert.deepEqual(stateBlob(cursors), {
      states: [
        { partition: { approval_code: 'A' }, cursor: { created_before: '2024-01-01T00:00:00.000Z' } },
        { partition: { approval_code: 'B' }, cursor: { created_before: '2024-02-01T10:00:00.123Z' } },
      ],
    });
  });
});
