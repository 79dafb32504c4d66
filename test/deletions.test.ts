import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject, SyncMode } from '../src/kit/protocol.js';
import { catalog, hourFloor, HOUR_MS, records, states, writeFiles } from '../harness/index.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';
import { readWithState, runCli, type RunResult } from './helpers/connector.js';
import { readArgs } from './helpers/sync.js';

/**
 * Two incremental syncs with changes between them, loaded as Airbyte's
 * Destinations V2 load append_dedup (a tiny reducer below): the final tables
 * must equal what the API answers after the second sync. Covers the
 * tombstones of issue 23: tasks and timeline events that vanish when an
 * approval is rejected, instances deleted with status DELETED or removed
 * entirely (1390003), a revoke, and ids that are null, never ''.
 */

const INSTANCES = 'approval_instances';
const DETAILS = 'approval_instance_details';
const FIELDS = 'approval_form_fields';
const TASKS = 'approval_tasks';
const TIMELINE = 'approval_timeline';
const STREAMS = [INSTANCES, DETAILS, FIELDS, TASKS, TIMELINE];
const KEY: Record<string, (r: JsonObject) => string> = {
  [INSTANCES]: (r) => r['instance_code'] as string,
  [DETAILS]: (r) => r['instance_code'] as string,
  [FIELDS]: (r) => `${r['instance_code'] as string}#${r['field_index'] as number}`,
  [TASKS]: (r) => `${r['instance_code'] as string}#${r['task_index'] as number}`,
  [TIMELINE]: (r) => `${r['instance_code'] as string}#${r['seq'] as number}`,
};

/**
 * Destinations V2 in append_dedup: per primary key the row with the greatest
 * cursor (created_before) wins, ties to the later extraction (here: emitted
 * later); a winner with _ab_cdc_deleted_at set removes the key.
 */
function dedupe(rows: readonly JsonObject[], key: (r: JsonObject) => string): Map<string, JsonObject> {
  const best = new Map<string, JsonObject>();
  for (const row of rows) {
    const k = key(row);
    const held = best.get(k);
    if (!held || (row['created_before'] as string) >= (held['created_before'] as string)) best.set(k, row);
  }
  for (const [k, row] of best) if (row['_ab_cdc_deleted_at'] !== null) best.delete(k);
  return best;
}

describe('dedupe: the test reducer follows Destinations V2', () => {
  const row = (k: string, before: string, v: string, deleted: string | null = null): JsonObject => ({
    instance_code: k,
    created_before: before,
    v,
    _ab_cdc_deleted_at: deleted,
  });
  const cases: { name: string; rows: JsonObject[]; expected: Record<string, string> }[] = [
    { name: 'greatest cursor wins', rows: [row('a', '2', 'new'), row('a', '1', 'old')], expected: { a: 'new' } },
    {
      name: 'a tie goes to the later row',
      rows: [row('a', '1', 'first'), row('a', '1', 'second')],
      expected: { a: 'second' },
    },
    {
      name: 'a winning tombstone removes the key',
      rows: [row('a', '1', 'x'), row('a', '2', 'x', '2024'), row('b', '1', 'y')],
      expected: { b: 'y' },
    },
    {
      name: 'a tombstone with an older cursor loses',
      rows: [row('a', '2', 'x'), row('a', '1', 'x', '2024')],
      expected: { a: 'x' },
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        Object.fromEntries([...dedupe(c.rows, (r) => r['instance_code'] as string)].map(([k, r]) => [k, r['v']])),
        c.expected,
      ),
    );
  }
});

/** The emulator's API answers, over real HTTP, as a client sees them. */
class Api {
  private token = '';
  constructor(private readonly emulator: FeishuEmulator) {}

  async detail(code: string): Promise<JsonObject | 'gone'> {
    if (!this.token) {
      const { appId, appSecret } = this.emulator.options;
      const answer = await fetch(`${this.emulator.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: appId, app_secret: appSecret }),
      });
      this.token = ((await answer.json()) as { tenant_access_token: string }).tenant_access_token;
    }
    const answer = await fetch(`${this.emulator.baseUrl}/open-apis/approval/v4/instances/${code}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const body = (await answer.json()) as { code: number; data?: JsonObject };
    if (body.code === 1390003) return 'gone';
    assert.equal(body.code, 0, `detail of ${code}`);
    return body.data!;
  }
}

/** The rows of each table built from the API's current answers: key → the fields compared. */
async function truthTables(
  emulator: FeishuEmulator,
  codes: string[],
  goneCodes: string[],
): Promise<Record<string, Map<string, unknown>>> {
  const api = new Api(emulator);
  const tables: Record<string, Map<string, unknown>> = Object.fromEntries(STREAMS.map((s) => [s, new Map()]));
  for (const code of [...codes, ...goneCodes]) {
    const detail = await api.detail(code);
    if (detail === 'gone') {
      tables[DETAILS]!.set(code, 'DELETED');
      continue;
    }
    tables[INSTANCES]!.set(code, code);
    tables[DETAILS]!.set(code, detail['status']);
    if (detail['status'] === 'DELETED') continue;
    (detail['task_list'] as JsonObject[]).forEach((t, i) =>
      tables[TASKS]!.set(`${code}#${i}`, `${t['id'] as string} ${t['status'] as string}`),
    );
    (detail['timeline'] as JsonObject[]).forEach((e, i) => tables[TIMELINE]!.set(`${code}#${i}`, e['type']));
    let i = 0;
    for (const w of JSON.parse(detail['form'] as string) as JsonObject[]) {
      tables[FIELDS]!.set(`${code}#${i++}`, w['id']);
      if (w['type'] === 'fieldList')
        for (const row of w['value'] as JsonObject[][])
          for (const c of row) tables[FIELDS]!.set(`${code}#${i++}`, c['id']);
    }
  }
  return tables;
}

/** The same fields from the synced tables. */
function syncedTables(runs: RunResult[]): Record<string, Map<string, unknown>> {
  const value: Record<string, (r: JsonObject) => unknown> = {
    [INSTANCES]: (r) => r['instance_code'],
    [DETAILS]: (r) => r['status'],
    [FIELDS]: (r) => r['widget_id'],
    [TASKS]: (r) => `${r['task_id'] as string} ${r['status'] as string}`,
    [TIMELINE]: (r) => r['type'],
  };
  const tables: Record<string, Map<string, unknown>> = {};
  for (const stream of STREAMS) {
    const rows = runs.flatMap((run) => records(run.messages, stream).map((r) => r.data));
    tables[stream] = new Map([...dedupe(rows, KEY[stream]!)].map(([k, r]) => [k, value[stream]!(r)]));
  }
  return tables;
}

describe('deletions reach every table (issue 23)', () => {
  const emulator = emulatorForSuite({
    seed: 23,
    codeCount: 1,
    instancesPerCode: 60,
    // Nothing changes on its own (the emulator's own PENDING instances finish seconds after its start): the test makes every change.
    pendingRatio: 0,
    spanStartMs: hourFloor(Date.now()) - 48 * HOUR_MS,
    listRateLimit: null,
    approvalRateLimit: null,
    detailRateLimit: null,
    queryRateLimit: null,
  });

  async function read(state?: AirbyteStateMessage[], mode: SyncMode = 'incremental'): Promise<RunResult> {
    const run = await runCli(
      readArgs(emulator(), {
        config: { detail_requests_per_second: 1000, query_requests_per_second: 1000 },
        mode,
        streams: STREAMS,
        ...(state ? { state } : {}),
      }),
    );
    assert.equal(
      run.code,
      0,
      run.stdout
        .split('\n')
        .filter((l) => l.includes('"ERROR"'))
        .join('\n')
        .slice(0, 2000),
    );
    return run;
  }
  const logsOf = (run: RunResult, level: string): string[] =>
    run.messages.flatMap((m) => (m.type === 'LOG' && m.log.level === level ? [m.log.message] : []));
  const lastStates = (messages: AirbyteMessage[]): AirbyteStateMessage[] =>
    STREAMS.flatMap((s) => states(messages, s).slice(-1));

  it('two syncs around rejections (tasks vanish), deletions of both kinds and a revoke: the deduped tables equal the API', async () => {
    const approved = emulator()
      .statuses()
      .filter((s) => s.status === 'APPROVED')
      .map((s) => s.instanceCode);
    assert.ok(approved.length >= 13, `${approved.length} approved`);
    const pending = approved.slice(3, 13);
    for (const code of pending) emulator().setInstanceStatus(code, 'PENDING');
    const first = await read();
    // Rejected, an instance loses the tasks and events planned after the rejecting node.
    for (const code of pending.slice(0, 6)) emulator().finishInstance(code, 'REJECTED');
    const [deletedCode, goneCode, revokedCode] = approved as [string, string, string];
    emulator().deleteInstance(deletedCode, 'status');
    emulator().deleteInstance(goneCode, 'gone');
    emulator().revokeInstance(revokedCode);
    const second = await read(lastStates(first.messages));

    const codes = emulator()
      .truth()
      .map((t) => t.instanceCode);
    const expected = await truthTables(emulator(), codes, []);
    const synced = syncedTables([first, second]);
    // Removed entirely, the instance is named by neither the bulk query nor the list API, and the state keeps no
    // codes: its rows stay as last emitted, counted in a WARN (the documented limit).
    assert.equal(synced[DETAILS]!.get(goneCode), 'APPROVED');
    assert.ok(
      logsOf(second, 'WARN').some((m) =>
        /1 instance\(s\) emitted earlier are no longer named by the bulk query or the list API/.test(m),
      ),
    );
    for (const stream of STREAMS) {
      for (const key of synced[stream]!.keys()) if (key.split('#')[0] === goneCode) synced[stream]!.delete(key);
      assert.deepEqual(synced[stream], expected[stream], stream);
    }

    const tombstones = (stream: string) =>
      records(second.messages, stream)
        .filter((r) => r.data['_ab_cdc_deleted_at'] !== null)
        .map((r) => r.data);
    // The rejections cut tasks and timeline events emitted in the first sync: they get tombstones, not stale rows.
    const vanishedTasks = tombstones(TASKS).filter((r) => r['instance_code'] !== deletedCode);
    assert.ok(vanishedTasks.length > 0, 'a task that vanished got a tombstone');
    for (const stream of [FIELDS, TASKS, TIMELINE]) {
      // A DELETED detail still carries its children (and a DELETE event): their positions get tombstones too.
      const before = records(first.messages, stream)
        .filter((r) => r.data['instance_code'] === deletedCode)
        .map((r) => KEY[stream]!(r.data));
      const removed = new Set(
        tombstones(stream)
          .filter((r) => r['instance_code'] === deletedCode)
          .map(KEY[stream]!),
      );
      assert.ok(
        before.length > 0 && before.every((k) => removed.has(k)),
        `${stream}: a tombstone for each row of the deleted instance`,
      );
    }
    assert.deepEqual(
      tombstones(INSTANCES),
      [],
      'approval_instances mirrors the list API, which still lists a DELETED instance',
    );
    assert.deepEqual(tombstones(DETAILS), [], 'a deleted instance keeps its DELETED row in approval_instance_details');
    const deletedRow = records(second.messages, DETAILS).find((r) => r.data['instance_code'] === deletedCode)!.data;
    assert.deepEqual(
      [deletedRow['status'], deletedRow['form'], deletedRow['task_list']],
      ['DELETED', null, null],
      'the DELETED row: keys, window, status, the rest null',
    );

    // A tombstone: keys, window and _ab_cdc_deleted_at, the rest null.
    const task = vanishedTasks[0]!;
    for (const [field, value] of Object.entries(task)) {
      if (
        [
          'approval_code',
          'instance_code',
          'task_index',
          'created_after',
          'created_before',
          '_ab_cdc_deleted_at',
        ].includes(field)
      )
        assert.notEqual(value, null, field);
      else assert.equal(value, null, field);
    }

    // A full refresh replaces the tables: no tombstones, and no child rows for the deleted instance.
    const full = await read(undefined, 'full_refresh');
    for (const stream of STREAMS)
      assert.ok(
        records(full.messages, stream).every((r) => r.data['_ab_cdc_deleted_at'] === null),
        `${stream}: no tombstone in a full refresh`,
      );
    for (const stream of [FIELDS, TASKS, TIMELINE])
      assert.equal(
        records(full.messages, stream).filter((r) => r.data['instance_code'] === deletedCode).length,
        0,
        stream,
      );
    assert.equal(
      records(full.messages, DETAILS).find((r) => r.data['instance_code'] === deletedCode)?.data['status'],
      'DELETED',
    );

    // Absent ids: null, never '' (the emulator's app lacks the employee-id scope; automatic tasks have no approver).
    for (const stream of [DETAILS, TASKS, TIMELINE]) {
      for (const r of [...records(first.messages, stream), ...records(second.messages, stream)]) {
        for (const field of ['user_id', 'open_id', 'task_id', 'department_id'])
          assert.notEqual(r.data[field], '', `${stream}.${field}`);
      }
    }
  });

  it('an instance whose code is known (a 0.2.0 pending list) and answers 1390003: its DELETED row, and a tombstone in approval_instances read in the same sync', async () => {
    const first = await read();
    const blobOf = (stream: string): JsonObject => states(first.messages, stream).at(-1)!.stream!.stream_state!;
    const open = records(first.messages, DETAILS)
      .filter((r) => r.data['status'] === 'PENDING')
      .map((r) => r.data);
    const victim = open[0]!['instance_code'] as string;
    const { status_digest: _digest, ...cursors } = blobOf(DETAILS);
    const legacy = {
      ...cursors,
      pending: open.map((r) => ({
        instance_code: r['instance_code'],
        approval_code: r['approval_code'],
        created_after: r['created_after'],
        created_before: r['created_before'],
      })),
    };
    emulator().deleteInstance(victim, 'gone');
    const saved: AirbyteStateMessage[] = [
      { type: 'STREAM', stream: { stream_descriptor: { name: INSTANCES }, stream_state: blobOf(INSTANCES) } },
      { type: 'STREAM', stream: { stream_descriptor: { name: DETAILS }, stream_state: legacy } },
    ];
    const files = writeFiles({
      'config.json': emulatorConfig(emulator(), { detail_requests_per_second: 1000, query_requests_per_second: 1000 }),
      'catalog.json': catalog('incremental', [INSTANCES, DETAILS]),
      'state.json': saved,
    });
    const second = await runCli(readWithState(files['config.json']!, files['catalog.json']!, files['state.json']!));
    assert.equal(second.code, 0);
    const tombstone = records(second.messages, INSTANCES).find((r) => r.data['instance_code'] === victim)?.data;
    assert.ok(tombstone, 'approval_instances: a tombstone for the instance removed entirely');
    assert.ok(
      typeof tombstone['_ab_cdc_deleted_at'] === 'string' &&
        tombstone['created_before']! > (blobOf(INSTANCES)['cursor'] ?? ''),
    );
    const rows = [...records(first.messages, INSTANCES), ...records(second.messages, INSTANCES)].map((r) => r.data);
    assert.ok(!dedupe(rows, KEY[INSTANCES]!).has(victim), 'the deduped approval_instances table no longer holds it');
    assert.equal(
      records(second.messages, DETAILS).find((r) => r.data['instance_code'] === victim)?.data['status'],
      'DELETED',
    );
  });
});
