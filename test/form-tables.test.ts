import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { formTemplate, WRONG_AMOUNT, WRONG_DATE, type FeishuEmulator } from '../emulator/index.js';
import type {
  AirbyteMessage,
  AirbyteStateMessage,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  JsonObject,
} from '../src/kit/protocol.js';
import {
  formColumns,
  formStreamName,
  formTableSchema,
  parseDefinitionForm,
  type FormColumn,
} from '../src/source/streams/forms/form-columns.js';
import { logs, records, states, traces, writeFiles } from '../harness/index.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { runCli } from './helpers/connector.js';
import { sync, truthCodes } from './helpers/sync.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';

/**
 * The form tables (issue 26) through the CLI against the emulator: a row per
 * instance equal to its detail's form, typed; no detail request beyond the
 * details stream's; a value of the wrong type null plus one WARN per column.
 */

const DETAILS = 'approval_instance_details';
const EVERY_OTHER = ['approval_instances', DETAILS, 'approval_form_fields', 'approval_tasks', 'approval_timeline'];
const FAST = { detail_requests_per_second: 1000 };

let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());

const data = (messages: AirbyteMessage[], stream: string): JsonObject[] => records(messages, stream).map((r) => r.data);
const day = (rfc3339: unknown): string => (rfc3339 as string).slice(0, 10);

/** The typed value each column holds for an instance's raw form (the columns found by widget id). */
function expectedCells(form: JsonObject[], columns: readonly FormColumn[]): JsonObject {
  const out: JsonObject = {};
  for (const column of columns) {
    const v = form.find((w) => w['id'] === column.widgetId)?.['value'];
    switch (column.widgetType) {
      case 'date':
        out[column.name] = v === undefined ? null : day(v);
        break;
      case 'dateInterval':
        out[column.name] = day((v as JsonObject)[column.kind === 'days_start' ? 'start' : 'end']);
        break;
      case 'fieldList':
        out[column.name] = (v as JsonObject[][]).map((row) => expectedCells(row, column.children));
        break;
      default:
        out[column.name] = v ?? null;
    }
  }
  return out;
}

/** The emulator's codes in config order: code i+1 serves form template i+1. */
function codesOf(e: FeishuEmulator): string[] {
  return e.approvalCodes;
}

describe('form tables: a row per instance, a column per widget', () => {
  it('every row equals its detail’s form values, typed (the calendar day kept); every stream costs the detail requests of the details stream alone', async () => {
    emulator = await startListDetailUnlimited({ seed: 61, codeCount: 3, instancesPerCode: 12, pendingRatio: 0.3 });
    const forms = codesOf(emulator).map(formStreamName);

    await sync(emulator, { config: FAST, mode: 'incremental', streams: [DETAILS] });
    const aloneStats = emulator.stats().requests;
    emulator.resetStats();
    const every = await sync(emulator, { config: FAST, mode: 'incremental', streams: [...forms, ...EVERY_OTHER] });
    const everyStats = emulator.stats().requests;
    assert.equal(aloneStats['detail'], truthCodes(emulator).length);
    assert.equal(everyStats['detail'], aloneStats['detail'], 'detail requests');
    assert.equal(everyStats['list'], aloneStats['list'], 'list requests');
    // Each form table's definition, read once per sync, and the log says so before the scan starts.
    assert.equal(everyStats['approval'], forms.length);
    assert.ok(
      logs(every.messages).some(
        (l) => l.message === `Form tables: reading the definitions of ${forms.length} form table(s), one request each.`,
      ),
    );

    const details = new Map(data(every.messages, DETAILS).map((d) => [d['instance_code'] as string, d]));
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const [i, stream] of forms.entries()) {
      const rows = data(every.messages, stream);
      const code: string = codesOf(emulator)[i]!;
      assert.deepEqual(
        rows.map((r) => r['instance_code']).sort(),
        truthCodes(emulator, (t) => t.approvalCode === code).sort(),
      );
      // The emulator's code i+1 serves template i+1 (form-templates.ts): every widget type, awkward names, a small form.
      const columns = formColumns(parseDefinitionForm(JSON.stringify(formTemplate(i + 1))));
      const validate = ajv.compile(formTableSchema(columns));
      for (const row of rows) {
        const detail = details.get(row['instance_code'] as string)!;
        const expected = expectedCells(JSON.parse(detail['form'] as string) as JsonObject[], columns);
        for (const [column, value] of Object.entries(expected))
          assert.deepEqual(row[column], value, `${row['instance_code'] as string} ${column}`);
        for (const field of [
          'approval_code',
          'serial_number',
          'status',
          'user_id',
          'open_id',
          'department_id',
          'start_time',
          'end_time',
        ])
          assert.deepEqual(row[field], detail[field], `${row['instance_code'] as string} ${field}`);
        assert.equal(row['_raw'], null);
        assert.ok(validate(row), JSON.stringify(validate.errors));
      }
      const state = states(every.messages, stream).at(-1)!;
      const groups = (state.stream!.stream_state as JsonObject)['cursor_groups'] as JsonObject[];
      assert.deepEqual(
        groups.flatMap((g) => g['approval_codes']),
        [code],
        'a form table’s STATE names its own code only',
      );
    }
  });

  it('a value of the wrong type: null, the raw value in _raw, one WARN per column and sync; the sync succeeds', async () => {
    emulator = await startListDetailUnlimited({ seed: 62, codeCount: 1, instancesPerCode: 12, pendingRatio: 0 });
    const victims = truthCodes(emulator).slice(0, 3);
    emulator.configure({ hostilePoisonWidgetValue: victims });
    const form = formStreamName(codesOf(emulator)[0]!);
    const run = await sync(emulator, { config: FAST, mode: 'incremental', streams: [form] });
    const rows = data(run.messages, form);
    assert.equal(rows.length, 12);
    for (const row of rows) {
      const poisoned = victims.includes(row['instance_code'] as string);
      assert.equal(row['amount'] === null, poisoned, `amount of ${row['instance_code'] as string}`);
      assert.equal(row['needed_on'] === null, poisoned);
      assert.deepEqual(row['_raw'], poisoned ? { amount: WRONG_AMOUNT, needed_on: WRONG_DATE } : null);
    }
    const warns = logs(run.messages).filter((l) => l.level === 'WARN' && l.message.includes('kept in _raw'));
    assert.equal(warns.length, 2, warns.map((w) => w.message).join('\n'));
    assert.ok(warns.every((w) => victims.some((v) => w.message.startsWith(`${form}: instance ${v}:`))));
    assert.ok(warns.some((w) => w.message.includes('amount "about 12 yuan"')));
    assert.ok(warns.some((w) => w.message.includes('needed_on')));
  });

  it('a form table whose definition cannot be read, or whose code is no longer configured, fails alone, naming its code', async () => {
    emulator = await startListDetailUnlimited({ seed: 63, codeCount: 2, instancesPerCode: 5, pendingRatio: 0 });
    const [gone, kept] = codesOf(emulator) as [string, string];
    emulator.deleteDefinition(gone);
    const run = await sync(emulator, {
      config: FAST,
      mode: 'incremental',
      streams: [formStreamName(gone), formStreamName(kept), DETAILS, 'approval_form_dropped_code'],
      expectExit: null,
    });
    assert.equal(run.code, 1);
    assert.equal(data(run.messages, formStreamName(kept)).length, 5);
    assert.equal(data(run.messages, DETAILS).length, 10);
    const [error] = traces(run.messages, 'ERROR');
    const text = JSON.stringify(error);
    assert.match(text, new RegExp(`approval code '${gone}' could not be read`));
    assert.match(text, /No configured approval code gives the form table 'approval_form_dropped_code'/);
    assert.match(text, /"failure_type":"config_error"/);
  });

  it('an incremental sync with state: the form table shares the scan and the fetches; refetched instances get their row again, a deleted one a tombstone', async () => {
    emulator = await startListDetailUnlimited({ seed: 64, codeCount: 2, instancesPerCode: 10, pendingRatio: 0.5 });
    const code = codesOf(emulator)[0]!;
    const form = formStreamName(code);
    const first = await sync(emulator, { config: FAST, mode: 'incremental', streams: [DETAILS, form] });
    const state = [states(first.messages, DETAILS).at(-1)!, states(first.messages, form).at(-1)!];
    const victim = truthCodes(emulator, (t) => t.approvalCode === code)[0]!;
    emulator.deleteInstance(victim, 'status');
    emulator.resetStats();
    await sync(emulator, { config: FAST, mode: 'incremental', streams: [DETAILS], state: [state[0]!] });
    const alone = emulator.stats().requests;
    emulator.resetStats();
    const second = await sync(emulator, { config: FAST, mode: 'incremental', streams: [form, DETAILS], state });
    const both = emulator.stats().requests;
    // The same list and detail requests as the details stream alone: one scan, one fan-out.
    assert.deepEqual([both['list'], both['detail']], [alone['list'], alone['detail']]);
    assert.ok((both['detail'] ?? 0) > 0, 'PENDING instances are fetched again');
    const rows = data(second.messages, form);
    const tombstones = rows.filter((r) => r['_ab_cdc_deleted_at'] !== null);
    assert.deepEqual(
      tombstones.map((r) => r['instance_code']),
      [victim],
    );
    // Every detail of the form's code fetched again gives its row again.
    const refetched = data(second.messages, DETAILS)
      .filter((r) => r['approval_code'] === code && r['status'] !== 'DELETED')
      .map((r) => r['instance_code'] as string);
    assert.ok(refetched.length > 0);
    assert.deepEqual(
      rows
        .filter((r) => r['_ab_cdc_deleted_at'] === null)
        .map((r) => r['instance_code'] as string)
        .sort(),
      refetched.sort(),
    );
  });

  it('a form table alone, resumed from its own STATE: the recheck and the fetches of its code only', async () => {
    emulator = await startListDetailUnlimited({ seed: 66, codeCount: 2, instancesPerCode: 10, pendingRatio: 0.5 });
    const [code, other] = codesOf(emulator) as [string, string];
    const form = formStreamName(code);
    const first = await sync(emulator, { config: FAST, mode: 'incremental', streams: [DETAILS, form] });
    const pendingOf = (c: string): string[] =>
      emulator!
        .statuses(c)
        .filter((s) => s.status === 'PENDING')
        .map((s) => s.instanceCode);
    const finished = pendingOf(code)[0]!;
    emulator.finishInstance(finished, 'APPROVED');
    emulator.resetStats();
    const second = await sync(emulator, {
      config: FAST,
      mode: 'incremental',
      streams: [form],
      state: [states(first.messages, form).at(-1)!],
    });
    // Its code's PENDING instances (the finished one among them) and nothing of the other code.
    assert.equal(emulator.stats().requests['detail'], pendingOf(code).length + 1);
    const rows = data(second.messages, form);
    assert.ok(rows.some((r) => r['instance_code'] === finished && r['status'] === 'APPROVED'));
    assert.ok(rows.every((r) => r['approval_code'] === code));
    assert.equal(pendingOf(other).length > 0, true);
  });

  it('a widget added between two discovers adds a column the next sync fills; a removed one stays declared, null', async () => {
    emulator = await startListDetailUnlimited({ seed: 65, codeCount: 1, instancesPerCode: 4, pendingRatio: 0 });
    const e = emulator;
    const form = formStreamName(e.approvalCodes[0]!);
    const config = writeFiles({ 'config.json': emulatorConfig(e, FAST) })['config.json']!;
    const discoverForm = async (): Promise<AirbyteStream> => {
      const run = await runCli(['discover', '--config', config]);
      const catalog = run.messages.find((m) => m.type === 'CATALOG');
      assert.ok(catalog && catalog.type === 'CATALOG');
      return catalog.catalog.streams.find((s) => s.name === form)!;
    };
    const readWith = async (stream: AirbyteStream, state?: AirbyteStateMessage[]): Promise<JsonObject[]> => {
      const configured: ConfiguredAirbyteCatalog = {
        streams: [
          {
            stream,
            sync_mode: 'incremental',
            destination_sync_mode: 'append_dedup',
            cursor_field: ['created_before'],
            primary_key: [['instance_code']],
          },
        ],
      };
      const files = writeFiles({ 'catalog.json': configured, ...(state ? { 'state.json': state } : {}) });
      const args = ['read', '--config', config, '--catalog', files['catalog.json']!];
      if (state) args.push('--state', files['state.json']!);
      const run = await runCli(args);
      assert.equal(run.code, 0, run.stderr.slice(-500));
      lastRun = run.messages;
      return data(run.messages, form);
    };
    let lastRun: AirbyteMessage[] = [];
    const before = await discoverForm();
    assert.equal((before.json_schema['properties'] as JsonObject)['project'], undefined);
    assert.equal((await readWith(before)).length, 4);
    const state = [states(lastRun, form).at(-1)!];

    e.addWidget(e.approvalCodes[0]!, { id: 'widget99', custom_id: 'project', name: 'Project', type: 'input' });
    e.removeWidget(e.approvalCodes[0]!, 'widget4');
    const fresh = e.addInstances({ approvalCode: e.approvalCodes[0]!, count: 2 }).map((t) => t.instanceCode);
    const after = await discoverForm();
    assert.deepEqual((after.json_schema['properties'] as JsonObject)['project'], {
      type: ['string', 'null'],
      title: 'Project',
      description: 'Project',
    });
    const rows = (await readWith(after, state)).filter((r) => fresh.includes(r['instance_code'] as string));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.equal(typeof row['project'], 'string');
    // The catalog still declaring the removed widget's column (no schema refresh yet): null, never stale.
    const old = (await readWith(before, state)).filter((r) => fresh.includes(r['instance_code'] as string));
    assert.deepEqual(
      old.map((r) => [r['amount'], 'project' in r]),
      [
        [null, false],
        [null, false],
      ],
    );
  });
});
