/**
 * Every state shape older than 0.4.0 still reads (src/source/state/migrations.ts), and a sync
 * resumed from one re-reads nothing before its cursors and loses nothing; its next STATE is in the current shape.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { committedPrefix, cursors as cursorsOf, instanceCodes, lastState } from '../harness/index.js';
import { ConfigError } from '../src/kit/errors.js';
import type { AirbyteStateMessage, JsonObject } from '../src/kit/protocol.js';
import { decodeCursors, readCursors, stateBlob, streamBlob } from '../src/source/state/stream-state.js';
import { codeHash } from '../src/source/values/hashes.js';
import { assertSameSet, sync, truthCodes } from './helpers/sync.js';

const A = '7C468A54-8745-2245-9675-08B7C63E7A85';
const B = '0B2C8C3E-6E2F-4A47-9A0D-5F5A3C6E3C11';
const C = 'E1B0F3D2-1111-4C4C-8888-ABCDEFABCDEF';
const TEN = Date.parse('2024-06-01T10:00:00Z');
const ZERO = Date.parse('2024-06-01T00:00:00Z');

/** What 0.3.0 wrote for A and B at 10:00 and C at 00:00: hashed groups (its shape beyond ~125 codes) and the list (below). */
const V030_HASHED = {
  approval_code_hash: 'sha256-48',
  cursor_groups: [
    { created_before: '2024-06-01T00:00:00.000Z', approval_code_hashes: 'LLnKHyvc' },
    { created_before: '2024-06-01T10:00:00.000Z', approval_code_hashes: '7cVj8aoRZex_T5Va' },
  ],
};
const V020_LIST = {
  states: [
    { partition: { approval_code: B }, cursor: { created_before: '2024-06-01T10:00:00.000Z' } },
    { partition: { approval_code: A }, cursor: { created_before: '2024-06-01T10:00:00.000Z' } },
    { partition: { approval_code: C }, cursor: { created_before: '2024-06-01T00:00:00.000Z' } },
  ],
};

function message(stream_state: JsonObject, name = 's'): AirbyteStateMessage {
  return { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } };
}

/** The cursors in 0.1.0–0.3.0's per-partition list. */
function listShape(cursors: Map<string, number>): JsonObject {
  return {
    states: [...cursors].map(([code, ms]) => ({
      partition: { approval_code: code },
      cursor: { created_before: new Date(ms).toISOString() },
    })),
  };
}

/** The cursors in 0.3.0's hashed groups, as it wrote them: oldest first, hashes sorted and concatenated. */
function hashedShape(cursors: Map<string, number>): JsonObject {
  const byMs = new Map<number, string[]>();
  for (const [code, ms] of cursors) byMs.set(ms, [...(byMs.get(ms) ?? []), codeHash(code)]);
  const groups = [...byMs]
    .sort(([a], [b]) => a - b)
    .map(([ms, hashes]) => ({
      created_before: new Date(ms).toISOString(),
      approval_code_hashes: hashes.sort().join(''),
    }));
  return { approval_code_hash: 'sha256-48', cursor_groups: groups };
}

describe('older cursor shapes', () => {
  const expected = new Map([
    [A, TEN],
    [B, TEN],
    [C, ZERO],
  ]);

  it("0.3.0's hashed groups name the configured codes; a code no longer configured is dropped", () => {
    assert.deepEqual(decodeCursors(V030_HASHED, [A, B, C]), expected);
    assert.deepEqual(
      decodeCursors(V030_HASHED, [A, C, 'NEW']),
      new Map([
        [A, TEN],
        [C, ZERO],
      ]),
    );
  });

  it("0.1.0–0.3.0's per-partition list keeps every code it names, configured or not", () => {
    assert.deepEqual(decodeCursors(V020_LIST, [A]), expected);
  });

  it('the next state is the current shape, naming every code in plain text', () => {
    for (const old of [V030_HASHED, V020_LIST]) {
      assert.deepEqual(stateBlob(decodeCursors(old, [A, B, C])), {
        cursor_groups: [
          { created_before: '2024-06-01T00:00:00.000Z', approval_codes: [C] },
          { created_before: '2024-06-01T10:00:00.000Z', approval_codes: [B, A] },
        ],
      });
    }
  });

  it('a code found twice takes the earlier cursor (re-reads, never skips), in either shape', () => {
    const doubledHashes = {
      ...V030_HASHED,
      cursor_groups: [
        ...V030_HASHED.cursor_groups,
        { created_before: '2024-05-01T00:00:00Z', approval_code_hashes: codeHash(A) },
      ],
    };
    assert.equal(decodeCursors(doubledHashes, [A, B, C]).get(A), Date.parse('2024-05-01T00:00:00Z'));
    const doubledList = {
      states: [
        ...V020_LIST.states,
        { partition: { approval_code: A }, cursor: { created_before: '2024-05-01T00:00:00Z' } },
      ],
    };
    assert.equal(decodeCursors(doubledList, [A]).get(A), Date.parse('2024-05-01T00:00:00Z'));
  });

  it('hashed and list helpers of this test write what 0.3.0 wrote', () => {
    assert.deepEqual(hashedShape(expected), V030_HASHED);
    assert.deepEqual(decodeCursors(listShape(expected), []), expected);
  });

  const malformed: [string, JsonObject, RegExp][] = [
    ['list not an array', { states: {} }, /states must be an array/],
    [
      'a list cursor that is no date',
      { states: [{ partition: { approval_code: 'A' }, cursor: { created_before: 'yesterday' } }] },
      /states\[0\] needs partition.approval_code/,
    ],
    [
      'a list entry without partition',
      { states: [{ cursor: { created_before: '2024-01-01T00:00:00Z' } }] },
      /states\[0\]/,
    ],
    [
      'groups of an unknown hash',
      { approval_code_hash: 'md5', cursor_groups: [] },
      /approval_code_hash must be 'sha256-48'/,
    ],
    [
      'hashed groups not an array',
      { approval_code_hash: 'sha256-48', cursor_groups: {} },
      /cursor_groups must be an array/,
    ],
    [
      'a hashed group without a date',
      { approval_code_hash: 'sha256-48', cursor_groups: [{ approval_code_hashes: 'AAAAAAAA' }] },
      /cursor_groups\[0\] needs .*approval_code_hashes/,
    ],
    [
      'hashes cut short',
      {
        approval_code_hash: 'sha256-48',
        cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_code_hashes: 'AAAAAAAAB' }],
      },
      /cursor_groups\[0\]/,
    ],
    [
      'hashes not base64url',
      {
        approval_code_hash: 'sha256-48',
        cursor_groups: [{ created_before: '2024-01-01T00:00:00Z', approval_code_hashes: 'AAAA+AA/' }],
      },
      /cursor_groups\[0\]/,
    ],
  ];
  for (const [name, blob, detail] of malformed) {
    it(`malformed: ${name} is a config error naming the stream, the fault and the current shape`, () => {
      assert.throws(
        () => readCursors([message(blob)], 's', ['A']),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.includes("'s'") &&
          detail.test(e.message) &&
          e.message.includes('"approval_codes":["<approval code>"]'),
      );
    });
  }
});

describe('older state messages', () => {
  const blob = { cursor_groups: [{ created_before: '2024-01-02T00:00:00.000Z', approval_codes: ['A'] }] };

  it('a GLOBAL state is read like per-stream states', () => {
    const global: AirbyteStateMessage = {
      type: 'GLOBAL',
      global: { stream_states: [{ stream_descriptor: { name: 's' }, stream_state: blob }] },
    };
    assert.deepEqual(streamBlob([global], 's'), blob);
    assert.equal(streamBlob([global], 'other'), undefined);
  });

  it('a LEGACY state, typed or bare, is a config error naming the current shape', () => {
    for (const legacy of [{ type: 'LEGACY', data: { cursor: 1 } }, { data: { cursor: 1 } }] as AirbyteStateMessage[]) {
      assert.throws(
        () => streamBlob([legacy], 's'),
        (e: unknown) => e instanceof ConfigError && /LEGACY.*"type":"STREAM".*"cursor_groups"/.test(e.message),
      );
    }
  });

  it('a GLOBAL state without stream_states is refused', () => {
    assert.throws(
      () => streamBlob([{ type: 'GLOBAL', global: {} } as AirbyteStateMessage], 's'),
      (e: unknown) => e instanceof ConfigError && /GLOBAL.*stream_states/.test(e.message),
    );
  });
});

describe('a sync resumed from an older state re-reads nothing before its cursors and loses nothing', () => {
  const STREAMS = ['approval_instances', 'approval_instance_details'];
  // No lookback: any instance read again would be a re-read.
  const config = {
    start_date: '2026-01-01T00:00:00Z',
    end_date: '2026-01-03T00:00:00Z',
    window_hours: 4,
    lookback_minutes: 0,
    max_concurrency: 2,
    requests_per_minute: 1_200,
    detail_requests_per_second: 2_000,
    detail_max_concurrency: 16,
  };
  // 12 windows a code at 20 list requests a second: about 2 s, so STATEs leave in the middle (pacing sends one a second).
  let emulator: FeishuEmulator;
  let cut: ReturnType<typeof committedPrefix>;
  let resumedFromCurrent: string[];
  before(async () => {
    const endMs = Date.parse('2026-01-03T00:00:00Z');
    emulator = await startEmulator({
      seed: 57,
      codeCount: 3,
      instancesPerCode: 150,
      spanStartMs: endMs - 48 * 3_600_000,
      spanEndMs: endMs,
      listRateLimit: null,
      detailRateLimit: null,
    });
    const first = await sync(emulator, { config, streams: STREAMS });
    // The platform keeps what came before a STATE in the middle of the sync, as after a kill.
    const stateAt = first.messages.flatMap((m, i) =>
      m.type === 'STATE' && m.state.stream?.stream_descriptor.name === STREAMS[1] ? [i] : [],
    );
    cut = committedPrefix(first.messages.slice(0, stateAt[Math.floor(stateAt.length / 2)]! + 1));
    resumedFromCurrent = (
      await sync(emulator, { config, streams: STREAMS, state: STREAMS.map((s) => lastState(cut, s)!) })
    ).codes;
  });
  after(() => emulator.stop());

  const shapes: [string, (cursors: Map<string, number>) => JsonObject][] = [
    ['a 0.3.0 hashed state', hashedShape],
    ['a 0.2.0 list state', listShape],
  ];
  for (const [name, shape] of shapes) {
    it(`${name}: the resumed sync reads what a current state resumes, the rest of the truth, nothing before a cursor; its STATEs name every code`, async () => {
      const older = STREAMS.map((stream) => {
        const state = lastState(cut, stream)!;
        const { cursor_groups: _current, ...rest } = state.stream!.stream_state!;
        const cursors = decodeCursors(state.stream!.stream_state!, emulator.approvalCodes);
        assert.ok(cursors.size > 0, `${stream}: the cut falls after a cursor moved`);
        assert.ok(
          [...cursors.values()].some((ms) => ms < Date.parse(config.end_date)),
          `${stream}: the cut falls mid-sync`,
        );
        return message({ ...rest, ...shape(cursors) }, stream);
      });
      const resumed = await sync(emulator, { config, streams: STREAMS, state: older });
      assert.deepEqual(
        [...resumed.codes].sort(),
        [...resumedFromCurrent].sort(),
        'the same records as a resume from the current shape',
      );
      for (const stream of STREAMS) {
        // What the platform keeps of the stream: its records up to its own last STATE.
        const before = instanceCodes(
          committedPrefix(
            cut.filter(
              (m) =>
                (m.type === 'RECORD'
                  ? m.record.stream
                  : m.type === 'STATE'
                    ? m.state.stream?.stream_descriptor.name
                    : undefined) === stream,
            ),
          ),
        );
        const after = instanceCodes(resumed.messages, stream);
        // Read again are only instances after a cursor whose windows had not all finished at the cut, as from a current state.
        const saved = cursorsOf(older[STREAMS.indexOf(stream)], emulator.approvalCodes);
        const reread = emulator
          .truth()
          .filter((t) => before.includes(t.instanceCode) && after.includes(t.instanceCode));
        assert.deepEqual(
          reread.filter((t) => t.createTimeMs < Date.parse(saved[t.approvalCode] ?? '')),
          [],
          `${stream}: nothing before a cursor read again`,
        );
        assertSameSet([...before, ...after], truthCodes(emulator), `${stream}: cut + resumed = truth`);
        const final = lastState(resumed.messages, stream)!.stream!.stream_state!;
        assert.deepEqual(
          Object.keys(final).filter((k) => k === 'states' || k === 'approval_code_hash'),
          [],
          `${stream}: no older shape written`,
        );
        assert.deepEqual(
          Object.keys(cursorsOf(lastState(resumed.messages, stream))).sort(),
          [...emulator.approvalCodes].sort(),
          `${stream}: every code in plain text`,
        );
      }
    });
  }
});
