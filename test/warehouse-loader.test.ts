/** The trial's Destinations V2 rules, table-tested without a database: typing, dedup, tombstones, overwrite. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, JsonObject } from '../src/kit/protocol.js';
import { resultDiff, sqlTypeOf, WarehouseLoader } from './helpers/warehouse/index.js';

describe('sqlTypeOf', () => {
  const cases: Array<[JsonObject, string]> = [
    [{ type: 'string' }, 'text'],
    [{ type: ['string', 'null'], format: 'date-time' }, 'timestamptz'],
    [{ type: ['null', 'string'], format: 'date' }, 'date'],
    [{ type: 'integer' }, 'bigint'],
    [{ type: ['number', 'null'] }, 'numeric'],
    [{ type: ['boolean', 'null'] }, 'boolean'],
    [{ type: ['object', 'null'] }, 'jsonb'],
    [{ type: ['array', 'null'] }, 'jsonb'],
    [{ type: ['object', 'array', 'string', 'number', 'boolean', 'null'] }, 'jsonb'],
    [{}, 'jsonb'],
  ];
  for (const [schema, sql] of cases)
    it(`${JSON.stringify(schema)} -> ${sql}`, () => assert.equal(sqlTypeOf(schema), sql));
});

const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: { name: 'tasks', json_schema: {}, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['created_before'],
      primary_key: [['instance_code'], ['task_index']],
    },
    {
      stream: { name: 'defs', json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
      primary_key: [['approval_code']],
    },
  ],
};

const record = (stream: string, data: JsonObject): AirbyteMessage => ({
  type: 'RECORD',
  record: { stream, data, emitted_at: 0 },
});
const task = (index: number, at: string, status: string | null, deleted: string | null = null): AirbyteMessage =>
  record('tasks', { instance_code: 'I', task_index: index, status, created_before: at, _ab_cdc_deleted_at: deleted });

describe('WarehouseLoader (append_dedup and overwrite)', () => {
  const cases: Array<{ name: string; syncs: AirbyteMessage[][]; tasks: Array<[number, string | null]> }> = [
    {
      name: 'the greatest cursor wins',
      syncs: [[task(0, '2024-01-02T00:00:00Z', 'NEW'), task(0, '2024-01-01T00:00:00Z', 'OLD')]],
      tasks: [[0, 'NEW']],
    },
    {
      name: 'a tie goes to the later record',
      syncs: [[task(0, '2024-01-01T00:00:00Z', 'A')], [task(0, '2024-01-01T00:00:00Z', 'B')]],
      tasks: [[0, 'B']],
    },
    {
      name: 'a later sync with an older cursor loses',
      syncs: [[task(0, '2024-01-02T00:00:00Z', 'A')], [task(0, '2024-01-01T00:00:00Z', 'B')]],
      tasks: [[0, 'A']],
    },
    {
      name: 'a winning tombstone removes the key, a losing one does not',
      syncs: [
        [task(0, '2024-01-01T00:00:00Z', 'A'), task(1, '2024-01-01T00:00:00Z', 'B')],
        [
          task(0, '2024-01-02T00:00:00Z', null, '2024-01-02T00:00:00Z'),
          task(1, '2023-12-31T00:00:00Z', null, '2024-01-02T00:00:00Z'),
        ],
      ],
      tasks: [[1, 'B']],
    },
    {
      name: 'a key comes back after its tombstone with a greater cursor',
      syncs: [[task(0, '2024-01-02T00:00:00Z', null, 'x')], [task(0, '2024-01-03T00:00:00Z', 'C')]],
      tasks: [[0, 'C']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const loader = new WarehouseLoader(catalog);
      for (const sync of c.syncs) loader.applySync(sync);
      const rows = loader.finalRows().get('tasks') ?? [];
      assert.deepEqual(rows.map((r) => [r['task_index'], r['status']]).sort(), c.tasks);
    });
  }

  it('overwrite keeps only the last sync that sent the stream', () => {
    const loader = new WarehouseLoader(catalog);
    loader.applySync([record('defs', { approval_code: 'A' }), record('defs', { approval_code: 'B' })]);
    loader.applySync([record('defs', { approval_code: 'B' })]);
    loader.applySync([task(0, '2024-01-01T00:00:00Z', 'X')]);
    assert.deepEqual(loader.finalRows().get('defs'), [{ approval_code: 'B' }]);
  });

  it('refuses a record of a stream the catalog does not hold', () => {
    assert.throws(() => new WarehouseLoader(catalog).applySync([record('other', {})]), /not in the catalog/);
  });
});

describe('resultDiff (multisets)', () => {
  it('reports rows only one side has, duplicates counted', () => {
    assert.deepEqual(resultDiff(['a', 'a', 'b'], ['a', 'c']), { onlySynced: ['a', 'b'], onlyTruth: ['c'] });
    assert.deepEqual(resultDiff(['x'], ['x']), { onlySynced: [], onlyTruth: [] });
  });
});
