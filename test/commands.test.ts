import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AirbyteCatalog, ConnectorSpecification } from '../src/kit/protocol.js';
import { FORM_TABLE_KEY, PRIMARY_KEYS, formTableNames, writeFiles } from '../harness/index.js';
import { freePort } from './helpers/free-port.js';
import { runCli } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { protocolErrors } from './helpers/protocol-schema.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';

async function check(config: Record<string, unknown>) {
  const files = writeFiles({ 'config.json': config });
  const result = await runCli(['check', '--config', files['config.json']!]);
  assert.equal(result.code, 0, 'check always exits 0');
  const statuses = result.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  assert.equal(statuses.length, 1);
  return (statuses[0] as Extract<(typeof statuses)[0], { type: 'CONNECTION_STATUS' }>).connectionStatus;
}

describe('spec', () => {
  it('prints exactly one SPEC message', async () => {
    const result = await runCli(['spec']);
    assert.equal(result.code, 0);
    assert.equal(result.messages.length, 1);
    assert.equal(result.messages[0]!.type, 'SPEC');
  });

  it('follows the spec rules: titles, descriptions, examples, unique order, secrets, no combinators', async () => {
    const result = await runCli(['spec']);
    const spec = (result.messages[0] as { spec: ConnectorSpecification }).spec;
    assert.deepEqual(protocolErrors(spec, 'ConnectorSpecification'), []);
    const schema = spec.connectionSpecification as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
      additionalProperties: boolean;
    };
    assert.equal(schema.additionalProperties, true);
    assert.deepEqual([...schema.required].sort(), ['app_id', 'app_secret', 'approval_codes', 'start_date']);
    const orders = new Set<unknown>();
    for (const [name, property] of Object.entries(schema.properties)) {
      for (const key of ['title', 'description', 'examples', 'order']) assert.ok(key in property, `${name} has ${key}`);
      assert.ok(!orders.has(property['order']), `${name}: unique order`);
      orders.add(property['order']);
      for (const key of ['anyOf', 'allOf', 'oneOf']) assert.ok(!(key in property), `${name} uses no ${key}`);
    }
    assert.equal(schema.properties['app_id']!['airbyte_secret'], true);
    assert.equal(schema.properties['app_secret']!['airbyte_secret'], true);
    assert.equal(schema.properties['base_url']!['default'], 'https://open.feishu.cn');
    assert.deepEqual(
      [
        schema.properties['page_size']!['minimum'],
        schema.properties['page_size']!['maximum'],
        schema.properties['page_size']!['default'],
      ],
      [1, 100, 100],
    );
    assert.deepEqual(
      [
        schema.properties['window_hours']!['minimum'],
        schema.properties['window_hours']!['maximum'],
        schema.properties['window_hours']!['default'],
      ],
      [1, 10, 10],
    );
    assert.equal(schema.properties['lookback_minutes']!['default'], 10);
    assert.equal(schema.properties['requests_per_minute']!['default'], 100);
    // No uniqueItems: a repeated code is read once with a WARN naming it (issue 17).
    assert.equal(schema.properties['approval_codes']!['uniqueItems'], undefined);
    assert.equal(schema.properties['approval_codes']!['minItems'], 1);
  });
});

describe('check and discover against the emulator', () => {
  const emulator = emulatorForSuite({ seed: 1, codeCount: 2, instancesPerCode: 10, employeeIdScope: true });

  it('SUCCEEDED with a good config', async () => {
    assert.deepEqual(await check(emulatorConfig(emulator())), { status: 'SUCCEEDED' });
  });

  it('FAILED naming app_secret for a wrong secret', async () => {
    const status = await check(emulatorConfig(emulator(), { app_secret: 'wrong-secret-value' }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /app_secret/);
    assert.match(status.message!, /10014/);
  });

  it('FAILED naming app_id for a wrong app id', async () => {
    const status = await check(emulatorConfig(emulator(), { app_id: 'cli_nobody_here' }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /app_id/);
  });

  it('FAILED naming every unknown approval code by value', async () => {
    const status = await check(
      emulatorConfig(emulator(), { approval_codes: [emulator().approvalCodes[0], 'NOPE-1', 'NOPE-2'] }),
    );
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /'NOPE-1'/);
    assert.match(status.message!, /'NOPE-2'/);
    assert.doesNotMatch(status.message!, new RegExp(emulator().approvalCodes[0]!));
  });

  it('FAILED naming host and port of an unreachable base_url', async () => {
    const port = await freePort();
    const status = await check(emulatorConfig(emulator(), { base_url: `http://127.0.0.1:${port}` }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('FAILED naming the field when the config fails the spec', async () => {
    const status = await check(emulatorConfig(emulator(), { page_size: 101 }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /page_size/);
  });

  it('discover: one stream with the documented schema, keys and modes', async () => {
    const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
    const result = await runCli(['discover', '--config', files['config.json']!]);
    assert.equal(result.code, 0);
    const catalog = (result.messages.find((m) => m.type === 'CATALOG') as { catalog: AirbyteCatalog }).catalog;
    assert.deepEqual(protocolErrors(catalog, 'AirbyteCatalog'), []);
    const stream = catalog.streams.find((s) => s.name === 'approval_instances')!;
    assert.deepEqual(stream.source_defined_primary_key, [['instance_code']]);
    assert.deepEqual(stream.supported_sync_modes, ['full_refresh', 'incremental']);
    assert.equal(stream.source_defined_cursor, true);
    assert.deepEqual(stream.default_cursor_field, ['created_before']);
    const properties = (stream.json_schema as { properties: Record<string, Record<string, unknown>> }).properties;
    assert.deepEqual(Object.keys(properties).sort(), [
      '_ab_cdc_deleted_at',
      'approval_code',
      'created_after',
      'created_before',
      'instance_code',
    ]);
    for (const field of ['created_after', 'created_before']) {
      assert.equal(properties[field]!['format'], 'date-time');
      assert.equal(properties[field]!['airbyte_type'], 'timestamp_with_timezone');
    }
  });

  it('discover: every stream declares its primary key, and every incremental one _ab_cdc_deleted_at', async () => {
    const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
    const result = await runCli(['discover', '--config', files['config.json']!]);
    const catalog = (result.messages.find((m) => m.type === 'CATALOG') as { catalog: AirbyteCatalog }).catalog;
    const keys = Object.fromEntries(catalog.streams.map((s) => [s.name, s.source_defined_primary_key]));
    const forms = formTableNames(emulator().approvalCodes);
    assert.deepEqual(keys, { ...PRIMARY_KEYS, ...Object.fromEntries(forms.map((name) => [name, FORM_TABLE_KEY])) });
    for (const stream of catalog.streams.filter((s) => s.supported_sync_modes.includes('incremental'))) {
      const deletedAt = (stream.json_schema as { properties: Record<string, Record<string, unknown>> }).properties[
        '_ab_cdc_deleted_at'
      ];
      assert.deepEqual(
        { ...deletedAt, description: undefined },
        {
          type: ['string', 'null'],
          format: 'date-time',
          airbyte_type: 'timestamp_with_timezone',
          description: undefined,
        },
        stream.name,
      );
    }
  });
});
