import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPending } from '../src/source/streams/details/recheck/pending.js';

describe('readPending (states written before the status digest)', () => {
  const entry = {
    instance_code: 'a',
    approval_code: 'A',
    created_after: '2024-01-01T00:00:00.000Z',
    created_before: '2024-01-01T10:00:00.000Z',
    first_seen: '2024-01-02T00:00:00.000Z',
  };
  it('reads well-formed entries, keeps only the window (first_seen is not carried on), ignores the rest', () => {
    const { first_seen: _dropped, ...window } = entry;
    assert.deepEqual(
      readPending({ pending: [entry, { instance_code: 'x' }, { ...entry, created_before: 'never' }, 42, null] }),
      [window],
    );
  });
  it('no pending list: nothing', () => {
    assert.deepEqual(readPending(undefined), []);
    assert.deepEqual(readPending({ pending: 'nope' }), []);
    assert.deepEqual(readPending({ states: [] }), []);
  });
});
