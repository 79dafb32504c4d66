import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { startEmulator } from '../emulator/index.js';
import { ConfigError } from '../src/kit/errors.js';
import type { ConnectorSpecification, JsonObject } from '../src/kit/protocol.js';
import { createAjv, isRfc3339Date, isRfc3339DateTime } from '../src/kit/schema.js';
import { parseUtc } from '../src/source/config/config.js';
import { runCli } from './helpers/connector.js';
import { connectionConfig, traces, writeFiles } from '../harness/index.js';
import { isDateTime, isFullDate } from './helpers/rfc3339.js';

/** Keywords of Airbyte's spec UI: declared, so that every other unknown keyword fails the strict compile. */
const AIRBYTE_UI_KEYWORDS = [
  'airbyte_secret',
  'airbyte_hidden',
  'order',
  'pattern_descriptor',
  'always_show',
  'group',
  'display_type',
];

/**
 * An ajv that asserts formats as the Airbyte server does when a user saves a
 * config: full RFC 3339 checks (test/helpers/rfc3339.ts, from the RFC's grammar), not the connector's own.
 */
function serverLikeAjv(): Ajv {
  const ajv = new Ajv({ strict: true, strictTypes: true, allErrors: true });
  ajv.addVocabulary(AIRBYTE_UI_KEYWORDS);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('date', { type: 'string', validate: isFullDate });
  return ajv;
}

const GOOD_CONFIG = {
  app_id: 'cli_test',
  app_secret: 'secret-value',
  approval_codes: ['CODE-1'],
  base_url: 'https://open.feishu.cn',
};

describe('spec: examples, formats, patterns and parsing agree', () => {
  let spec: ConnectorSpecification;
  let properties: Record<string, JsonObject>;
  before(async () => {
    const result = await runCli(['spec']);
    assert.equal(result.code, 0);
    const message = result.messages.find((m) => m.type === 'SPEC');
    assert.ok(message && message.type === 'SPEC');
    spec = message.spec;
    properties = spec.connectionSpecification['properties'] as Record<string, JsonObject>;
  });

  it('the spec compiles with strict keywords and format assertion on', () => {
    assert.doesNotThrow(() => serverLikeAjv().compile(spec.connectionSpecification));
  });

  it('every examples value (and default) validates against its property, with format checking on', () => {
    const server = serverLikeAjv();
    const own = createAjv();
    let checked = 0;
    for (const [name, property] of Object.entries(properties)) {
      const values = [
        ...((property['examples'] as unknown[] | undefined) ?? []),
        ...('default' in property ? [property['default']] : []),
      ];
      assert.ok(values.length > 0, `${name} has examples`);
      const byServer = server.compile(property);
      const byConnector = own.compile(property);
      for (const value of values) {
        assert.ok(
          byServer(value),
          `${name} example ${JSON.stringify(value)} (server-like): ${JSON.stringify(byServer.errors)}`,
        );
        assert.ok(
          byConnector(value),
          `${name} example ${JSON.stringify(value)} (connector): ${JSON.stringify(byConnector.errors)}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 30, `checked ${checked} values`);
  });

  it('start_date and end_date admit a plain date or a UTC date-time, through the server-like validator too', () => {
    const server = serverLikeAjv();
    const table: { value: string; accepted: boolean }[] = [
      { value: '2024-01-01', accepted: true },
      { value: '2024-01-01T08:30:00Z', accepted: true },
      { value: '2024-01-01T08:30:00.123Z', accepted: true },
      { value: '2024-01-01T08:30:00+08:00', accepted: false },
      { value: '2024-01-01 08:30:00', accepted: false },
      { value: '2024-1-1', accepted: false },
      { value: '', accepted: false },
    ];
    for (const field of ['start_date', 'end_date']) {
      const validate = server.compile(properties[field]!);
      for (const row of table) assert.equal(validate(row.value), row.accepted, `${field} = '${row.value}'`);
    }
  });

  it('each form the pattern admits parses to the instant it names', () => {
    const table: { value: string; ms: number }[] = [
      { value: '2024-01-01', ms: Date.UTC(2024, 0, 1) },
      { value: '2024-02-29', ms: Date.UTC(2024, 1, 29) },
      { value: '2024-01-01T08:30:05Z', ms: Date.UTC(2024, 0, 1, 8, 30, 5) },
      { value: '2024-01-01T08:30:05.1Z', ms: Date.UTC(2024, 0, 1, 8, 30, 5, 100) },
      { value: '2024-12-31T23:59:59.999Z', ms: Date.UTC(2024, 11, 31, 23, 59, 59, 999) },
    ];
    for (const row of table) assert.equal(parseUtc(row.value, 'start_date'), row.ms, row.value);
    for (const value of ['2023-02-29', '2024-02-30T00:00:00Z', '2024-13-01', '2024-01-01T24:00:00Z']) {
      assert.throws(
        () => parseUtc(value, 'end_date'),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`config.end_date '${value}'`),
        value,
      );
    }
  });

  it("the connector's date-time and date formats agree with RFC 3339's grammar", () => {
    const server = serverLikeAjv();
    const dateTime = server.compile({ type: 'string', format: 'date-time' });
    const date = server.compile({ type: 'string', format: 'date' });
    const values = [
      '2024-01-01',
      '2024-01-01T00:00:00Z',
      '2024-01-01T00:00:00.5+08:00',
      '2024-01-01T00:00:00',
      '2024-02-30T00:00:00Z',
      '2023-02-29',
      'soon',
    ];
    values.push(
      '2024-02-29',
      '2100-02-29',
      '2000-02-29T12:00:00z',
      '2024-04-31',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-00-10',
      '2024-01-01T00:00:00.123456789-05:30',
    );
    for (const value of values) {
      assert.equal(isRfc3339DateTime(value), dateTime(value), `date-time '${value}'`);
      assert.equal(isRfc3339Date(value), date(value), `date '${value}'`);
    }
  });

  it('the oracle follows RFC 3339: the examples of its section 5.8, leap seconds only at 23:59 UTC', () => {
    const valid = [
      '1985-04-12T23:20:50.52Z',
      '1996-12-19T16:39:57-08:00',
      '1990-12-31T23:59:60Z',
      '1990-12-31T15:59:60-08:00',
      '1937-01-01T12:00:27.87+00:20',
    ];
    const invalid = ['1990-12-31T23:58:60Z', '1996-12-19T16:39:57+24:00', '1996-12-19 16:39:57Z'];
    for (const value of valid) assert.equal(isDateTime(value), true, value);
    for (const value of invalid) assert.equal(isDateTime(value), false, value);
  });

  it('every start_date × end_date example is a config the CLI accepts', async () => {
    const starts = properties['start_date']!['examples'] as string[];
    const ends = properties['end_date']!['examples'] as string[];
    // discover reads each code's definition (its form table): an emulator stands in for Feishu.
    const emulator = await startEmulator({ codeCount: 1, instancesPerCode: 1, approvalRateLimit: null });
    try {
      for (const start_date of starts) {
        for (const end_date of ends) {
          const config = { ...GOOD_CONFIG, ...connectionConfig(emulator), start_date, end_date };
          const files = writeFiles({ 'config.json': config });
          const result = await runCli(['discover', '--config', files['config.json']!]);
          const errors = traces(result.messages, 'ERROR').map((t) => t.error?.message);
          assert.equal(result.code, 0, `${start_date} → ${end_date}: ${errors.join('; ')}`);
          assert.ok(result.messages.some((m) => m.type === 'CATALOG'));
        }
      }
    } finally {
      await emulator.stop();
    }
  });
});
