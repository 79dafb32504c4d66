import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { FORM_WIDGETS } from '../emulator/form-widgets.js';
import { ApprovalDefinitionsStream } from '../src/source/streams/definitions/approval-definitions.js';
import { catalog, records, states, traces, writeFiles } from '../harness/index.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { runCli } from './helpers/connector.js';

const STREAM = 'approval_definitions';
let emulator: FeishuEmulator | undefined;
after(() => emulator?.stop());

async function readDefinitions(e: FeishuEmulator, mode: 'full_refresh' | 'incremental' = 'full_refresh') {
  const files = writeFiles({ 'config.json': emulatorConfig(e), 'catalog.json': catalog(mode, [STREAM]) });
  return runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
}

describe('approval_definitions', () => {
  it('one record per configured code with the form parsed into widgets (list children included), a STATE, no list request', async () => {
    emulator = await startEmulator({ seed: 31, codeCount: 3, instancesPerCode: 5 });
    emulator.deleteDefinition(emulator.approvalCodes[2]!);
    const run = await readDefinitions(emulator);
    assert.equal(run.code, 0, run.stdout);
    const rows = records(run.messages, STREAM).map((r) => r.data);
    assert.deepEqual(
      rows.map((r) => r['approval_code']),
      emulator.approvalCodes,
    );
    const validate = new Ajv({ strict: false }).compile(new ApprovalDefinitionsStream().jsonSchema);
    for (const row of rows) assert.ok(validate(row), JSON.stringify(validate.errors));

    const live = rows[0]!;
    assert.equal(live['status'], 'ACTIVE');
    assert.equal(typeof live['form'], 'string');
    const widgets = live['form_widgets'] as {
      id: string;
      custom_id: string;
      type: string;
      children: { id: string }[] | null;
    }[];
    assert.deepEqual(
      widgets.map((w) => [w.id, w.custom_id, w.type]),
      FORM_WIDGETS.map((w) => [w.id, w.custom_id, w.type]),
    );
    const list = widgets.find((w) => w.type === 'fieldList')!;
    assert.deepEqual(
      list.children!.map((c) => c.id),
      FORM_WIDGETS.find((w) => w.type === 'fieldList')!.children!.map((c) => c.id),
    );
    assert.ok(widgets.filter((w) => w.type !== 'fieldList').every((w) => w.children === null));
    assert.ok((live['node_list'] as unknown[]).length > 0);
    assert.ok(Array.isArray(live['viewers']));

    const deleted = rows[2]!;
    assert.deepEqual([deleted['status'], deleted['form_widgets']], ['DELETED', null]);
    assert.equal(states(run.messages, STREAM).length, 1, 'one STATE closes the stream, counting its records');
    assert.equal(states(run.messages, STREAM)[0]!.sourceStats?.recordCount, 3);
    assert.equal(emulator.stats().requests['list'] ?? 0, 0, 'definitions need no instance listing');
    assert.equal(emulator.stats().requests['approval'], 3);
  });

  it('is full refresh only: discover says so and incremental is a config error', async () => {
    const stream = new ApprovalDefinitionsStream().asAirbyteStream();
    assert.deepEqual(stream.supported_sync_modes, ['full_refresh']);
    assert.deepEqual(stream.source_defined_primary_key, [['approval_code']]);
    assert.equal(stream.default_cursor_field, undefined);
    emulator ??= await startEmulator({ seed: 31, codeCount: 1, instancesPerCode: 1 });
    const run = await readDefinitions(emulator, 'incremental');
    assert.notEqual(run.code, 0);
    assert.match(
      traces(run.messages, 'ERROR')[0]!.error!.message,
      /sync_mode 'incremental' on stream 'approval_definitions', which supports: full_refresh/,
    );
  });
});
