import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import type { FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject, SyncMode } from '../src/kit/protocol.js';
import { FeishuApprovalSource } from '../src/source/index.js';
import { catalog, records, states, writeFiles } from '../harness/index.js';
import { assertExactRecordCounts, assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { runCli, runCutAt, type RunResult } from './helpers/connector.js';

const DETAILS = 'approval_instance_details';
const FIELDS = 'approval_form_fields';
const TASKS = 'approval_tasks';
const TIMELINE = 'approval_timeline';
const ALL = [DETAILS, FIELDS, TASKS, TIMELINE];
const NUMBER_TYPES = ['number', 'amount', 'formula'];

let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());

function read(
  e: FeishuEmulator,
  streams: string[],
  mode: SyncMode = 'full_refresh',
  state?: AirbyteStateMessage[],
): Promise<RunResult> {
  return sync(e, { config: { detail_requests_per_second: 1000 }, mode, streams, ...(state ? { state } : {}) });
}

const data = (messages: AirbyteMessage[], stream: string): JsonObject[] => records(messages, stream).map((r) => r.data);
const byInstance = (rows: JsonObject[]): Map<string, JsonObject[]> => {
  const out = new Map<string, JsonObject[]>();
  for (const row of rows)
    out.set(row['instance_code'] as string, [...(out.get(row['instance_code'] as string) ?? []), row]);
  return out;
};
const msIso = (ms: unknown): string | null => (ms === '0' ? null : new Date(Number(ms)).toISOString());

/** The form_fields rows one detail's form should give: [field_path, widget_type, raw value]. */
function expectedFields(form: JsonObject[]): [string, string, unknown][] {
  const out: [string, string, unknown][] = [];
  for (const w of form) {
    out.push([w['id'] as string, w['type'] as string, w['value']]);
    if (w['type'] !== 'fieldList') continue;
    (w['value'] as JsonObject[][]).forEach((row, r) =>
      row.forEach((c) =>
        out.push([`${w['id'] as string}[${r}].${c['id'] as string}`, c['type'] as string, c['value']]),
      ),
    );
  }
  return out;
}

/** Asserts a form_fields row holds `raw` in the column its widget type calls for. */
function assertTyped(row: JsonObject, type: string, raw: unknown): void {
  const where = `${row['instance_code'] as string} ${row['field_path'] as string}`;
  if (NUMBER_TYPES.includes(type)) assert.equal(row['value_number'], raw, where);
  // The emulator writes dates as midnight +08:00: the day is the one written, not the UTC day before.
  else if (type === 'date') assert.equal(row['value_date'], (raw as string).slice(0, 10), where);
  else if (type === 'dateInterval') {
    const v = raw as { start: string; end: string; interval: number };
    assert.deepEqual(
      [row['value_date'], row['value_end'], row['value_number']],
      [v.start.slice(0, 10), v.end.slice(0, 10), v.interval],
      where,
    );
  } else if (typeof raw === 'string') assert.equal(row['value_text'], raw, where);
  else assert.deepEqual(row['value_json'], raw, where);
}

describe('detail-based streams (form fields, tasks, timeline) from one detail fetch', () => {
  it('every widget of every instance once, typed; tasks and timeline equal the detail items; schemas hold', async () => {
    emulator = await startListDetailUnlimited({ seed: 41, codeCount: 2, instancesPerCode: 60, pendingRatio: 0.3 });
    const run = await read(emulator, ['approval_instances', ...ALL]);
    const truth = truthCodes(emulator);
    assert.equal(
      emulator.stats().requests['detail'],
      truth.length,
      'one detail request per instance for four detail-based streams',
    );
    assertExactRecordCounts({
      ...run,
      messages: run.messages.filter((m) =>
        m.type === 'RECORD'
          ? m.record.stream === TASKS
          : m.type !== 'STATE' || m.state.stream?.stream_descriptor.name === TASKS,
      ),
    });

    const source = new FeishuApprovalSource();
    for (const name of ALL) {
      const validate = new Ajv({ strict: false }).compile(source.streams.find((s) => s.name === name)!.jsonSchema);
      for (const row of data(run.messages, name))
        assert.ok(validate(row), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    const details = data(run.messages, DETAILS);
    assertSameSet(
      details.map((d) => d['instance_code'] as string),
      truth,
      'details',
    );
    const fields = byInstance(data(run.messages, FIELDS));
    const tasks = byInstance(data(run.messages, TASKS));
    const timeline = byInstance(data(run.messages, TIMELINE));
    let listChildren = 0;
    for (const d of details) {
      const code = d['instance_code'] as string;
      const window = [d['created_after'], d['created_before']];
      const expected = expectedFields(d['form_parsed'] as JsonObject[]);
      const rows = fields.get(code) ?? [];
      assertNoDuplicates(
        rows.map((r) => r['field_path'] as string),
        `field paths of ${code}`,
      );
      assert.deepEqual(
        rows.map((r) => r['field_path']),
        expected.map(([path]) => path),
        `widgets of ${code}`,
      );
      assert.deepEqual(
        rows.map((r) => r['field_index']),
        expected.map((_, i) => i),
        `field indexes of ${code}`,
      );
      rows.forEach((row, i) => assertTyped(row, expected[i]![1], expected[i]![2]));
      listChildren += rows.filter((r) => r['parent_widget_id'] !== null).length;
      assert.ok(rows.every((r) => r['created_after'] === window[0] && r['created_before'] === window[1]));

      const taskList = d['task_list'] as JsonObject[];
      assert.deepEqual(
        (tasks.get(code) ?? []).map((t) => [
          t['task_index'],
          t['task_id'],
          t['node_id'],
          t['node_name'],
          t['custom_node_id'],
          t['type'],
          t['status'],
          t['user_id'],
          t['open_id'],
          t['start_time'],
          t['end_time'],
        ]),
        taskList.map((t, i) => [
          i,
          t['id'],
          t['node_id'],
          t['node_name'],
          t['custom_node_id'],
          t['type'],
          t['status'],
          t['user_id'] || null,
          t['open_id'] || null,
          msIso(t['start_time']),
          msIso(t['end_time']),
        ]),
        `tasks of ${code}`,
      );
      for (const t of tasks.get(code) ?? []) {
        const expectedDuration =
          t['end_time'] === null
            ? null
            : (Date.parse(t['end_time'] as string) - Date.parse(t['start_time'] as string)) / 1000;
        assert.equal(t['duration_seconds'], expectedDuration);
      }
      const events = d['timeline'] as JsonObject[];
      assert.deepEqual(
        (timeline.get(code) ?? []).map((e) => [
          e['seq'],
          e['type'],
          e['create_time'],
          e['task_id'] ?? undefined,
          e['node_key'] ?? undefined,
          e['ext'],
        ]),
        events.map((e, seq) => [
          seq,
          e['type'],
          msIso(e['create_time']),
          e['task_id'],
          e['node_key'],
          JSON.parse(e['ext'] as string),
        ]),
        `timeline of ${code}`,
      );
    }
    assert.ok(listChildren >= details.length * 3, `list children present (${listChildren})`);
  });

  it('one detail request per instance whichever subset is selected', async () => {
    emulator = await startListDetailUnlimited({ seed: 42, codeCount: 2, instancesPerCode: 40 });
    const instances = truthCodes(emulator).length;
    const listOnce = (await read(emulator, [DETAILS]), emulator.stats().requests['list']);
    for (const subset of [[TASKS], [FIELDS, TIMELINE], [DETAILS, TASKS], ALL, ['approval_instances', ...ALL]]) {
      emulator.resetStats();
      const run = await read(emulator, subset);
      assert.equal(emulator.stats().requests['detail'], instances, `detail requests for ${subset.join('+')}`);
      assert.equal(emulator.stats().requests['list'], listOnce, `list requests for ${subset.join('+')}`);
      for (const name of subset) assert.ok(records(run.messages, name).length > 0, `${name} has rows`);
    }
  });

  it('streams of both modes share the fetches; the incremental ones write their STATE', async () => {
    emulator = await startListDetailUnlimited({ seed: 45, codeCount: 2, instancesPerCode: 30 });
    const files = writeFiles({
      'config.json': emulatorConfig(emulator, { detail_requests_per_second: 1000 }),
      'catalog.json': {
        streams: [
          ...catalog('full_refresh', [DETAILS, FIELDS]).streams,
          ...catalog('incremental', [TASKS, TIMELINE]).streams,
        ],
      },
    });
    const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(run.code, 0);
    assert.equal(
      emulator.stats().requests['detail'],
      truthCodes(emulator).length,
      'one detail request per instance for both modes',
    );
    for (const name of ALL) assert.ok(records(run.messages, name).length > 0, `${name} has rows`);
    for (const name of [TASKS, TIMELINE])
      assert.ok(states(run.messages, name).length > 0, `the incremental ${name} has its STATE`);
  });

  it('incremental: each stream its own STATE; a pending instance finished between syncs has its tasks current', async () => {
    emulator = await startListDetailUnlimited({ seed: 43, codeCount: 1, instancesPerCode: 50, pendingRatio: 0.5 });
    const first = await read(emulator, [TASKS, TIMELINE], 'incremental');
    for (const name of [TASKS, TIMELINE])
      assert.ok(states(first.messages, name).length > 0, `${name} has its own STATE`);
    const open = [
      ...new Set(
        data(first.messages, TASKS)
          .filter((t) => t['status'] === 'PENDING')
          .map((t) => t['instance_code'] as string),
      ),
    ];
    assert.ok(open.length > 0, 'some tasks are open');
    let finished: string | undefined;
    for (const code of open) {
      const answer = await fetch(`${emulator.baseUrl}/_emulator/instances/${code}/finish`, {
        method: 'POST',
        body: JSON.stringify({ status: 'APPROVED' }),
      });
      if (answer.ok) {
        finished = code;
        break;
      }
    }
    assert.ok(finished, 'an open instance was finished through the admin API');
    const deleted = data(first.messages, TASKS).find((t) => t['instance_code'] !== finished)![
      'instance_code'
    ] as string;
    emulator.deleteInstance(deleted, 'status');
    const saved = [TASKS, TIMELINE].map((name) => states(first.messages, name).at(-1)!);
    const second = await read(emulator, [TASKS, TIMELINE], 'incremental', saved);
    const deletion = data(second.messages, TIMELINE).filter((e) => e['instance_code'] === deleted);
    const before = data(first.messages, TIMELINE).filter((e) => e['instance_code'] === deleted);
    assert.ok(
      deletion.length >= before.length && deletion.every((e) => e['_ab_cdc_deleted_at'] !== null && e['type'] === null),
      'a deleted instance is re-checked: its timeline rows get tombstones',
    );
    assert.deepEqual(
      deletion.map((e) => e['seq']).slice(0, before.length),
      before.map((e) => e['seq']),
      'one tombstone per timeline row emitted before',
    );
    const latest = new Map<string, JsonObject>();
    for (const t of [...data(first.messages, TASKS), ...data(second.messages, TASKS)])
      latest.set(`${t['instance_code'] as string} ${t['task_index'] as number}`, t);
    const current = [...latest.values()].filter(
      (t) => t['instance_code'] === finished && t['_ab_cdc_deleted_at'] === null,
    );
    assert.ok(current.length > 0);
    assert.ok(
      current.every(
        (t) => t['status'] !== 'PENDING' && t['end_time'] !== null && typeof t['duration_seconds'] === 'number',
      ),
      JSON.stringify(current),
    );
    const events = data(second.messages, TIMELINE).filter((e) => e['instance_code'] === finished);
    assert.ok(
      events.some((e) => e['type'] === 'PASS'),
      'its timeline was emitted again, with the approval',
    );
  });
});

describe('detail-based streams: cut as a kill -9 leaves them, and resume', () => {
  it('every stream resumes from its own last STATE and loses no row', async () => {
    emulator = await startListDetailUnlimited({
      seed: 44,
      codeCount: 2,
      instancesPerCode: 150,
      pendingRatio: 0,
      latencyMs: 2,
    });
    const keyOf: Record<string, (r: JsonObject) => string> = {
      [DETAILS]: (r) => r['instance_code'] as string,
      [FIELDS]: (r) => `${r['instance_code'] as string} ${r['field_index'] as number}`,
      [TASKS]: (r) => `${r['instance_code'] as string} ${r['task_index'] as number}`,
      [TIMELINE]: (r) => `${r['instance_code'] as string} ${r['seq'] as number}`,
    };
    const clean = await read(emulator, ALL, 'incremental');
    const files = writeFiles({
      'config.json': emulatorConfig(emulator, { window_hours: 2, detail_requests_per_second: 1000 }),
      'catalog.json': catalog('incremental', ALL),
    });
    const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
    // One whole run cut at three points (harness cutAfterRecords); real kills are tested in details and resume.
    const killAts = [40, 900, 3000];
    const cuts = await runCutAt(args, killAts);
    for (const [i, killed] of cuts.entries()) {
      const killAt = killAts[i]!;
      assert.equal(killed.signal, 'SIGKILL', `cut after ${killAt} records, before the end`);
      const saved = ALL.flatMap((name) => states(killed.messages, name).slice(-1));
      const stateFile = writeFiles({ 'state.json': saved });
      const resumed = await runCli([...args, '--state', stateFile['state.json']!]);
      assert.equal(resumed.code, 0);
      for (const name of ALL) {
        const lastStateAt = killed.messages.findLastIndex(
          (m) => m.type === 'STATE' && m.state.stream?.stream_descriptor.name === name,
        );
        const committed = data(killed.messages.slice(0, lastStateAt + 1), name).map(keyOf[name]!);
        const delivered = [...committed, ...data(resumed.messages, name).map(keyOf[name]!)];
        assertSameSet(
          delivered,
          data(clean.messages, name).map(keyOf[name]!),
          `${name} killed after ${killAt} records, resumed`,
        );
      }
    }
  });
});
