import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digestField, readDigest, type DigestCounts } from '../src/source/streams/details/recheck/digest-state.js';
import { hash16 } from '../src/source/values/hashes.js';
import {
  digestKey,
  minuteOfKey,
  Nibble,
  nibbleOf,
  packPartition,
  pruneBefore,
  queryLists,
  sameStatus,
  unpackPartition,
  type PartitionDigest,
} from '../src/source/streams/details/recheck/status-digest.js';
import { mulberry32 } from '../harness/index.js';

const T0 = Date.parse('2026-10-26T00:00:00Z');
const DAY = 86_400_000;

/** A UUID-like instance code, as Feishu's look. */
function code(rng: { next(): number }): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () =>
      Math.floor(rng.next() * 16)
        .toString(16)
        .toUpperCase(),
    ).join('');
  return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

describe('nibbleOf / sameStatus / queryLists', () => {
  const cases: [string | undefined, boolean, number][] = [
    ['PENDING', false, Nibble.PENDING],
    ['pending', false, Nibble.PENDING],
    ['APPROVED', false, Nibble.APPROVED],
    ['REJECTED', false, Nibble.REJECTED],
    ['REJECT', false, Nibble.REJECTED],
    ['CANCELED', false, Nibble.CANCELED],
    ['RECALL', false, Nibble.CANCELED],
    ['CANCELED', true, Nibble.REVOKED],
    ['DELETED', false, Nibble.DELETED],
    ['TRANSFERRED', false, Nibble.OTHER],
    [undefined, false, Nibble.OTHER],
  ];
  for (const [status, reverted, nibble] of cases) {
    it(`${status}${reverted ? ' (reverted)' : ''} → ${nibble}`, () => assert.equal(nibbleOf(status, reverted), nibble));
  }
  it('a revoke compares equal to a cancel, gone to deleted, nothing else crosses', () => {
    assert.ok(sameStatus(Nibble.REVOKED, Nibble.CANCELED));
    assert.ok(sameStatus(Nibble.GONE, Nibble.DELETED));
    assert.ok(!sameStatus(Nibble.APPROVED, Nibble.CANCELED));
    assert.ok(!sameStatus(Nibble.PENDING, Nibble.APPROVED));
    assert.ok(!sameStatus(Nibble.DELETED, Nibble.CANCELED));
  });
  it('the query is expected to list everything but revoked and gone instances', () => {
    assert.deepEqual(
      Object.values(Nibble).filter((n) => !queryLists(n)),
      [Nibble.REVOKED, Nibble.GONE],
    );
  });
});

describe('digest keys', () => {
  const cases: { name: string; createdMs: number; minute: number }[] = [
    { name: 'start of a minute', createdMs: T0, minute: T0 / 60_000 },
    { name: 'last ms of a minute', createdMs: T0 + 59_999, minute: T0 / 60_000 },
    { name: 'next minute', createdMs: T0 + 60_000, minute: T0 / 60_000 + 1 },
  ];
  for (const c of cases) {
    it(`${c.name}: the key holds the creation minute and the code's hash`, () => {
      const key = digestKey('ABC', c.createdMs);
      assert.equal(minuteOfKey(key), c.minute);
      assert.equal(key % 0x10000, hash16('ABC'));
    });
  }
  it('hash16 spreads codes: 1,000 random codes of one minute share at most a few hashes', () => {
    const rng = mulberry32(7);
    const hashes = new Set(Array.from({ length: 1000 }, () => hash16(code(rng))));
    assert.ok(hashes.size >= 990, `${hashes.size} distinct`);
  });
});

describe('pack / unpack', () => {
  const digestOf = (entries: [string, number, number][]): PartitionDigest =>
    new Map(entries.map(([c, ms, n]) => [digestKey(c, ms), n]));
  const cases: { name: string; entries: [string, number, number][] }[] = [
    { name: 'empty', entries: [] },
    { name: 'one entry', entries: [['A', T0, Nibble.PENDING]] },
    {
      name: 'every nibble',
      entries: Object.values(Nibble).map((n, i) => [`C${i}`, T0 + i * 1000, n] as [string, number, number]),
    },
    {
      name: 'a 365-day spread',
      entries: [
        ['A', T0, Nibble.APPROVED],
        ['B', T0 + 365 * DAY, Nibble.REVOKED],
        ['C', T0 + 100 * DAY + 7, Nibble.GONE],
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: round trip is exact`, () => {
      const digest = digestOf(c.entries);
      const packed = packPartition(digest);
      assert.equal(Buffer.from(packed.entries, 'base64').length, digest.size * 5, '5 bytes an entry');
      assert.deepEqual(unpackPartition(JSON.parse(JSON.stringify(packed))), digest);
    });
  }
  it('malformed packs read as absent', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      { base_minute: 'x', entries: '' },
      { base_minute: 1 },
      { base_minute: 1, entries: 'AAAA' },
    ]) {
      assert.equal(unpackPartition(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('pruneBefore', () => {
  const cases: { name: string; agesDays: number[]; spanDays: number; kept: number }[] = [
    { name: 'all inside', agesDays: [1, 2, 29], spanDays: 30, kept: 3 },
    { name: 'older ones leave', agesDays: [1, 31, 45], spanDays: 30, kept: 1 },
    { name: 'span 0 drops all but this minute', agesDays: [1, 2], spanDays: 0, kept: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const now = T0 + 60 * DAY;
      const digest: PartitionDigest = new Map(
        c.agesDays.map((age, i) => [digestKey(`I${i}`, now - age * DAY), Nibble.APPROVED]),
      );
      const dropped = pruneBefore(digest, now - c.spanDays * DAY);
      assert.equal(digest.size, c.kept);
      assert.equal(dropped, c.agesDays.length - c.kept);
    });
  }
});

describe('state size', () => {
  it('30,000 instances in a 30-day span (one code, or ten) with their row counts stay under 256 KiB, and read back equal', (t) => {
    for (const codes of [1, 10]) {
      const rng = mulberry32(42 + codes);
      const digest = new Map<string, PartitionDigest>();
      const counts: DigestCounts = new Map();
      for (let i = 0; i < 30_000; i++) {
        const approval = `APPROVAL-${i % codes}`;
        const partition = digest.get(approval) ?? new Map<number, number>();
        digest.set(approval, partition);
        const partitionCounts = counts.get(approval) ?? new Map();
        counts.set(approval, partitionCounts);
        const key = digestKey(code(rng), T0 + Math.floor(rng.next() * 30 * DAY));
        partition.set(key, 1 + Math.floor(rng.next() * 7));
        // As the emulator's instances: 1-6 tasks, 2-8 timeline events, 14-26 form rows.
        partitionCounts.set(key, {
          tasks: 1 + Math.floor(rng.next() * 6),
          timeline: 2 + Math.floor(rng.next() * 7),
          form: 14 + Math.floor(rng.next() * 13),
        });
      }
      const blob = { states: [], status_digest: digestField(digest, 3, counts) };
      assert.equal(blob.status_digest['version'], 3);
      const bytes = Buffer.byteLength(JSON.stringify(blob));
      assert.ok(bytes <= 256 * 1024, `${codes} code(s): ${bytes} bytes`);
      t.diagnostic(`${codes} code(s): ${bytes} bytes, ${(bytes / 30_000).toFixed(2)} bytes an instance`);
      const back: DigestCounts = new Map();
      assert.deepEqual(readDigest(JSON.parse(JSON.stringify(blob)), [...digest.keys()], back), digest);
      assert.deepEqual(back, counts);
    }
  });

  it('version 2 names a code in about 14 bytes beside its entries (version 1: about 76); both read back', (t) => {
    const rng = mulberry32(7);
    const digest = new Map<string, PartitionDigest>();
    for (let c = 0; c < 500; c++) {
      digest.set(
        `${c}`.padStart(8, '0') + '-8745-2245-9675-08B7C63E7A85',
        new Map(
          Array.from({ length: 4 }, () => [digestKey(code(rng), T0 + Math.floor(rng.next() * DAY)), Nibble.APPROVED]),
        ),
      );
    }
    const codes = [...digest.keys()];
    const v2 = digestField(digest, 2);
    const v1 = digestField(digest, 1);
    assert.deepEqual([v2['version'], v1['version']], [2, 1]);
    const [bytes2, bytes1] = [JSON.stringify(v2).length, JSON.stringify(v1).length];
    t.diagnostic(`500 codes × 4 instances: version 2 ${bytes2} bytes, version 1 ${bytes1} bytes`);
    assert.ok(bytes2 <= 500 * (14 + 28) + 100, `version 2: ${bytes2} bytes`);
    assert.ok(bytes1 > 500 * 70, `version 1: ${bytes1} bytes`);
    const v3 = digestField(digest);
    for (const field of [v1, v2, v3])
      assert.deepEqual(readDigest({ status_digest: JSON.parse(JSON.stringify(field)) }, codes), digest);
  });

  it('versions 2 and 3 name only configured codes; version 1 every code it holds', () => {
    const digest = new Map([
      ['A', new Map([[digestKey('a1', T0), Nibble.PENDING]])],
      ['B', new Map<number, number>()],
    ]);
    assert.deepEqual([...readDigest({ status_digest: digestField(digest, 2) }, ['B', 'C']).keys()], ['B']);
    assert.deepEqual([...readDigest({ status_digest: digestField(digest) }, ['B', 'C']).keys()], ['B']);
    assert.deepEqual([...readDigest({ status_digest: digestField(digest, 1) }, []).keys()].sort(), ['A', 'B']);
  });

  it('one base for all partitions: the earliest minute, so the same digest gives the same field', () => {
    const digest = new Map<string, PartitionDigest>([
      ['A', new Map<number, number>([[digestKey('late', T0 + DAY), Nibble.PENDING]])],
      ['B', new Map<number, number>([[digestKey('early', T0), Nibble.APPROVED]])],
    ]);
    const field = digestField(digest);
    assert.equal(field['base_minute'], Math.floor(T0 / 60_000));
    assert.deepEqual(digestField(new Map([...digest].reverse())), field);
    assert.deepEqual(readDigest({ status_digest: field }, ['A', 'B']), digest);
  });

  it('a state without a digest, or of another version, reads as empty', () => {
    assert.equal(readDigest(undefined, ['A']).size, 0);
    assert.equal(readDigest({ states: [], pending: [] }, ['A']).size, 0);
    assert.equal(readDigest({ status_digest: { version: 4, base_minute: 1, partitions: {} } }, ['A']).size, 0);
    assert.equal(
      readDigest({ status_digest: { version: 3, partitions: {} } }, ['A']).size,
      0,
      'version 3 without a base minute',
    );
    assert.equal(
      readDigest({ status_digest: { version: 2, partitions: {} } }, ['A']).size,
      0,
      'version 2 without a base minute',
    );
  });
});
