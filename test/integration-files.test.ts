/**
 * The packaging files agree with the connector and with each other: integration_tests/ (Airbyte's
 * acceptance-test inputs) against the real CLI and the sample emulator data set, metadata.yaml
 * against the registry schema, and the Dockerfile against metadata.yaml and package.json.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type {
  AirbyteCatalog,
  AirbyteRecordMessage,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
} from '../src/kit/protocol.js';
import {
  SAMPLE_PORT,
  SAMPLE_SPAN_END_MS,
  SAMPLE_SPAN_START_MS,
  sampleEmulatorOptions,
} from '../scripts/sample-dataset.js';
import {
  REPO_ROOT,
  SHARED_REFERENCE,
  cursors,
  formTableNames,
  records,
  states,
  traces,
  writeFiles,
} from '../harness/index.js';
import { runCli } from './helpers/connector.js';

const STREAM = 'approval_instances';
/** The streams whose cursor is the time of the sync that wrote the row (users, departments). */
const SYNC_TIME_FIELDS: Record<string, string> = { users: 'synced_at', departments: 'synced_at' };
const FAR_FUTURE = '2099-01-01T00:00:00.000Z';

function repoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

function repoJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(repoFile(path)) as T;
}

function expectedRecords(): AirbyteRecordMessage[] {
  return repoFile('integration_tests/expected_records.jsonl')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AirbyteRecordMessage);
}

/** A record's data as one comparable string, so record sets compare regardless of order. */
function key(data: Record<string, unknown>): string {
  return JSON.stringify(data, Object.keys(data).sort());
}

/** sample_config.json (or another config file) aimed at an in-process emulator instead of port 18555. */
function configFor(emulator: FeishuEmulator, file = 'integration_tests/sample_config.json'): Record<string, unknown> {
  return { ...repoJson(file), base_url: emulator.baseUrl };
}

async function withSampleEmulator<T>(body: (emulator: FeishuEmulator) => Promise<T>): Promise<T> {
  // The sample data set with the endpoint limits off: these tests are about what is read, not how fast.
  const emulator = await startEmulator({ ...sampleEmulatorOptions(), listRateLimit: null, detailRateLimit: null });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

async function read(emulator: FeishuEmulator, stateFile?: string) {
  const files = writeFiles({
    // Budgets raised (the limits are not what these reads are about): 400 details at the documented
    // 1,000/min would take 24 s a read.
    'config.json': {
      ...configFor(emulator),
      requests_per_minute: 6_000,
      detail_requests_per_minute: 60_000,
      detail_requests_per_second: 1_000,
    },
    'catalog.json': repoFile('integration_tests/configured_catalog.json'),
    ...(stateFile ? { 'state.json': repoFile(stateFile) } : {}),
  });
  const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
  if (stateFile) args.push('--state', files['state.json']!);
  const run = await runCli(args);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(traces(run.messages, 'ERROR'), []);
  return run;
}

describe('integration_tests/ files', { concurrency: true }, () => {
  test('every file parses and every path acceptance-test-config.yml names exists', () => {
    for (const name of [
      'configured_catalog.json',
      'sample_config.json',
      'invalid_config.json',
      'sample_state.json',
      'abnormal_state.json',
    ]) {
      assert.doesNotThrow(() => repoJson(`integration_tests/${name}`), name);
    }
    assert.ok(expectedRecords().length > 0);
    const cat = parseYaml(repoFile('acceptance-test-config.yml')) as Record<string, unknown>;
    const paths: string[] = [];
    (function collect(node: unknown): void {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if ((k.endsWith('_path') || k === 'path') && typeof v === 'string') paths.push(v);
          else collect(v);
        }
      }
    })(cat['acceptance_tests']);
    assert.ok(paths.length >= 6, `only ${paths.length} paths found`);
    for (const path of paths) assert.ok(existsSync(join(REPO_ROOT, path)), `${path} is missing`);
  });

  test('the sample data set is the one sample_config.json names', async () => {
    await withSampleEmulator(async (emulator) => {
      const config = repoJson('integration_tests/sample_config.json');
      assert.equal(config['base_url'], `http://127.0.0.1:${SAMPLE_PORT}`);
      assert.equal(config['app_id'], emulator.options.appId);
      assert.equal(config['app_secret'], emulator.options.appSecret);
      assert.deepEqual(config['approval_codes'], emulator.approvalCodes);
      assert.equal(Date.parse(config['start_date'] as string), SAMPLE_SPAN_START_MS);
      assert.equal(Date.parse(config['end_date'] as string), SAMPLE_SPAN_END_MS);
    });
  });

  test('spec/spec.json is what `spec` prints (the acceptance tests compare the two)', async () => {
    const run = await runCli(['spec']);
    assert.equal(run.code, 0);
    const spec = run.messages.find((m) => m.type === 'SPEC') as { spec: ConnectorSpecification } | undefined;
    assert.deepEqual(spec?.spec, repoJson('spec/spec.json'));
  });

  test('configured_catalog.json holds every stream exactly as `discover` prints it: incremental + append_dedup, approval_definitions full refresh + overwrite', async () => {
    await withSampleEmulator(async (emulator) => {
      const files = writeFiles({ 'config.json': configFor(emulator) });
      const run = await runCli(['discover', '--config', files['config.json']!]);
      assert.equal(run.code, 0, run.stderr);
      const discovered = (run.messages.find((m) => m.type === 'CATALOG') as { catalog: AirbyteCatalog }).catalog;
      const configured = repoJson<ConfiguredAirbyteCatalog>('integration_tests/configured_catalog.json');
      // The form tables come last, one per sample code.
      const forms = formTableNames(configFor(emulator)['approval_codes'] as string[]);
      assert.deepEqual(
        discovered.streams.slice(-forms.length).map((s) => s.name),
        forms,
      );
      assert.deepEqual(
        configured.streams.map((s) => s.stream),
        discovered.streams,
      );
      for (const entry of configured.streams) {
        const name = entry.stream.name;
        assert.deepEqual(entry.primary_key, entry.stream.source_defined_primary_key, name);
        if (name === 'approval_definitions') {
          assert.deepEqual([entry.sync_mode, entry.destination_sync_mode], ['full_refresh', 'overwrite'], name);
          continue;
        }
        assert.deepEqual([entry.sync_mode, entry.destination_sync_mode], ['incremental', 'append_dedup'], name);
        assert.deepEqual(entry.cursor_field, entry.stream.default_cursor_field, name);
        assert.deepEqual(entry.cursor_field, [SYNC_TIME_FIELDS[name] ?? 'created_before'], name);
      }
      assert.deepEqual(configured.streams.find((s) => s.stream.name === STREAM)?.primary_key, [['instance_code']]);
    });
  });

  test('check succeeds with sample_config.json and fails on the credentials with invalid_config.json', async () => {
    await withSampleEmulator(async (emulator) => {
      const files = writeFiles({
        'good.json': configFor(emulator),
        'bad.json': configFor(emulator, 'integration_tests/invalid_config.json'),
      });
      const good = await runCli(['check', '--config', files['good.json']!]);
      const bad = await runCli(['check', '--config', files['bad.json']!]);
      const status = (run: typeof good) =>
        (
          run.messages.find((m) => m.type === 'CONNECTION_STATUS') as {
            connectionStatus: { status: string; message?: string };
          }
        ).connectionStatus;
      assert.equal(good.code, 0);
      assert.equal(status(good).status, 'SUCCEEDED', status(good).message);
      assert.equal(bad.code, 0);
      assert.equal(status(bad).status, 'FAILED');
      // It passes the spec: it fails for the reason it exists for, a wrong secret.
      assert.match(status(bad).message ?? '', /app_secret.*10014/);
    });
  });

  test('expected_records.jsonl: every stream; all of approval_instances and approval_definitions, and every detail-based row of the first 10 instances of each code, equal to a read', async () => {
    await withSampleEmulator(async (emulator) => {
      const run = await read(emulator);
      const expected = expectedRecords();
      assert.ok(expected.every((r) => typeof r.emitted_at === 'number'));
      const catalog = repoJson<ConfiguredAirbyteCatalog>('integration_tests/configured_catalog.json');
      assert.deepEqual(
        [...new Set(expected.map((r) => r.stream))].sort(),
        catalog.streams.map((s) => s.stream.name).sort(),
        'every stream has expected records',
      );
      // The details are the same whenever the test runs: the sample pins its status anchor (sample-dataset.ts).
      const firstTen = new Set(
        emulator.approvalCodes.flatMap((code) =>
          emulator
            .truth(code)
            .slice(0, 10)
            .map((t) => t.instanceCode),
        ),
      );
      for (const {
        stream: { name },
      } of catalog.streams) {
        const whole = [STREAM, 'approval_definitions', ...Object.keys(SYNC_TIME_FIELDS)].includes(name);
        const syncTime = SYNC_TIME_FIELDS[name];
        const actual = records(run.messages, name)
          .filter((r) => whole || firstTen.has(r.data['instance_code'] as string))
          // The contact streams' cursor is the start of the sync; the file fixes it (sample-records.ts).
          .map((r) => key(syncTime ? { ...r.data, [syncTime]: new Date(SAMPLE_SPAN_END_MS).toISOString() } : r.data))
          .sort();
        const wanted = expected
          .filter((r) => r.stream === name)
          .map((r) => key(r.data))
          .sort();
        assert.ok(wanted.length > 0, name);
        assert.deepEqual(actual, wanted, name);
      }
      const expectedInstances = expected.filter((r) => r.stream === STREAM);
      assert.deepEqual(
        expectedInstances.map((r) => r.data['instance_code']).sort(),
        emulator
          .truth()
          .map((t) => t.instanceCode)
          .sort(),
      );
      const last = states(run.messages, STREAM).at(-1);
      assert.ok(last, 'no STATE message');
      const end = new Date(SAMPLE_SPAN_END_MS).toISOString();
      assert.deepEqual(cursors(last), Object.fromEntries(emulator.approvalCodes.map((c) => [c, end])));
    });
  });

  test('abnormal_state.json (cursor in 2099) reads no record of an incremental stream, makes no list request and still emits its cursor', async () => {
    await withSampleEmulator(async (emulator) => {
      const run = await read(emulator, 'integration_tests/abnormal_state.json');
      // approval_definitions is full refresh: it reads its two definitions whatever the state.
      assert.deepEqual(
        records(run.messages).map((r) => r.stream),
        ['approval_definitions', 'approval_definitions'],
      );
      assert.equal(emulator.stats().requests['list'] ?? 0, 0);
      const last = states(run.messages, STREAM).at(-1);
      assert.ok(last, 'no STATE message');
      assert.deepEqual(cursors(last), Object.fromEntries(emulator.approvalCodes.map((c) => [c, FAR_FUTURE])));
    });
  });

  test('sample_state.json resumes at its cursor minus the lookback', async () => {
    await withSampleEmulator(async (emulator) => {
      const config = repoJson('integration_tests/sample_config.json');
      const lookbackMs = (config['lookback_minutes'] as number) * 60_000;
      const saved = cursors(repoJson<AirbyteStateMessage[]>('integration_tests/sample_state.json')[0]);
      const run = await read(emulator, 'integration_tests/sample_state.json');
      const got = new Set(records(run.messages, STREAM).map((r) => r.data['instance_code'] as string));
      for (const t of emulator.truth()) {
        const from = Date.parse(saved[t.approvalCode]!) - lookbackMs;
        // Queries reach 1 ms before the range's start, so an instance there may be listed too.
        if (t.createTimeMs >= from) assert.ok(got.has(t.instanceCode), `${t.instanceCode} (${t.createTimeMs}) missing`);
        else if (t.createTimeMs < from - 1)
          assert.ok(!got.has(t.instanceCode), `${t.instanceCode} (${t.createTimeMs}) read again`);
      }
      assert.ok(got.size > 0 && got.size < emulator.instanceCount);
    });
  });
});

describe('metadata.yaml and Dockerfile', () => {
  const metadata = parseYaml(repoFile('metadata.yaml')) as { data: Record<string, unknown> };
  const pkg = repoJson<{ version: string }>('package.json');

  test('metadata.yaml validates against ConnectorMetadataDefinitionV0', (t) => {
    const yamlPath = join(SHARED_REFERENCE, 'ConnectorMetadataDefinitionV0.yaml');
    const bundledPath = join(SHARED_REFERENCE, 'ConnectorMetadataDefinitionV0.bundled.json');
    if (!existsSync(yamlPath) || !existsSync(bundledPath)) {
      console.log(
        '# note: ../shared/reference/ConnectorMetadataDefinitionV0.* is absent; metadata.yaml is not validated',
      );
      t.skip('no ../shared/reference');
      return;
    }
    const validate = metadataValidator(
      parseYaml(readFileSync(yamlPath, 'utf8')),
      JSON.parse(readFileSync(bundledPath, 'utf8')),
    );
    assert.ok(validate(metadata), JSON.stringify(validate.errors, null, 2));
  });

  test('metadata.yaml describes this connector', () => {
    const data = metadata.data;
    assert.equal(data['name'], 'Feishu Approval');
    assert.equal(data['connectorType'], 'source');
    assert.equal(data['connectorSubtype'], 'api');
    assert.equal(data['dockerRepository'], 'airbyte/source-feishu-approval');
    assert.equal(data['dockerImageTag'], pkg.version);
    assert.equal(data['documentationUrl'], repoJson('spec/spec.json')['documentationUrl']);
    // The public hosts, and the configured one (the platform substitutes ${base_url}'s host).
    assert.deepEqual((data['allowedHosts'] as { hosts: string[] }).hosts.sort(), [
      '${base_url}',
      'open.feishu.cn',
      'open.larksuite.com',
    ]);
    const cat = parseYaml(repoFile('acceptance-test-config.yml')) as { connector_image: string };
    assert.equal(cat.connector_image.split(':')[0], data['dockerRepository']);
  });

  test('the Dockerfile labels the image as metadata.yaml says and launches it the way the platform does', () => {
    const docker = parseDockerfile(repoFile('Dockerfile'));
    const runtime = docker.stages.at(-1)!;
    assert.ok(
      docker.stages.every((s) => s.from.startsWith('node:24-bookworm-slim')),
      'every stage on node:24-bookworm-slim',
    );
    assert.equal(runtime.labels['io.airbyte.name'], metadata.data['dockerRepository']);
    assert.equal(runtime.labels['io.airbyte.version'], metadata.data['dockerImageTag']);
    assert.equal(runtime.user, 'node');
    assert.ok(runtime.entrypoint, 'no ENTRYPOINT');
    assert.equal(runtime.env['AIRBYTE_ENTRYPOINT'], runtime.entrypoint.join(' '));
    assert.match(runtime.env['AIRBYTE_ENTRYPOINT'] ?? '', /^node \/\S+\/dist\/src\/main\.js$/);
    assert.ok(
      runtime.runs.some((r) => /npm ci\b.*--omit=dev/.test(r)),
      'runtime installs production dependencies only',
    );
    // Only the compiled connector and its spec: no tests, emulator, scripts or TypeScript sources.
    for (const copy of runtime.copies) {
      const sources = copy
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1);
      for (const source of sources)
        assert.match(source, /^(package(-lock)?\.json|spec\/?|\/\S*\/dist\/src\/?)$/, `COPY ${copy}`);
    }
  });
});

interface Stage {
  from: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  runs: string[];
  copies: string[];
  entrypoint?: string[];
  user?: string;
}

/** Enough of the Dockerfile grammar for our own file: one instruction per line, `#` comments. */
function parseDockerfile(text: string): { stages: Stage[] } {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, instruction = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const op = instruction.toUpperCase();
    if (op === 'FROM') {
      stages.push({ from: rest.split(/\s+/)[0]!, env: {}, labels: {}, runs: [], copies: [] });
      continue;
    }
    const stage = stages.at(-1);
    assert.ok(stage, `${op} before FROM`);
    if (op === 'ENV' || op === 'LABEL') Object.assign(op === 'ENV' ? stage.env : stage.labels, keyValues(rest));
    else if (op === 'RUN') stage.runs.push(rest);
    else if (op === 'COPY') stage.copies.push(rest);
    else if (op === 'USER') stage.user = rest;
    else if (op === 'ENTRYPOINT') stage.entrypoint = JSON.parse(rest) as string[];
  }
  return { stages };
}

/** `KEY=value KEY2="quoted value"` pairs. */
function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w.-]+)=("((?:[^"\\]|\\.)*)"|\S+)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

/**
 * A validator for ConnectorMetadataDefinitionV0.yaml. Its `$ref`s name sibling YAML files that
 * ../shared does not hold; the bundled JSON has each of them inlined at the same place, so they
 * are taken from there. Inlined parts lose their `$id` (it would re-root their `#/...` refs), and
 * a `type` that is no JSON type (upstream's `type: ConnectorMetric`, a code-generator shorthand)
 * is dropped rather than failing the compile.
 */
function metadataValidator(yamlSchema: unknown, bundled: unknown) {
  const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
  const clean = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(clean);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$id' || k === '$schema') continue;
      if (k === 'type' && typeof v === 'string' && !JSON_TYPES.has(v)) continue;
      out[k] = clean(v);
    }
    return out;
  };
  const resolve = (node: unknown, twin: unknown, path: string): unknown => {
    if (Array.isArray(node))
      return node.map((n, i) => resolve(n, (twin as unknown[] | undefined)?.[i], `${path}/${i}`));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as Record<string, unknown>)['$ref'];
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      assert.ok(twin && typeof twin === 'object', `the bundled schema has nothing at ${path} for ${ref}`);
      return clean(twin);
    }
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        resolve(v, (twin as Record<string, unknown> | undefined)?.[k], `${path}/${k}`),
      ]),
    );
  };
  const { $id: _id, ...root } = resolve(yamlSchema, bundled, '#') as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  return ajv.compile(root);
}
