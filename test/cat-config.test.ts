/**
 * acceptance-test-config.yml as Airbyte's CAT reads it: every test names a config, the CAT
 * configs are the sample configs aimed at CAT's container network, the abnormal state covers
 * every stream, and plain http is allowed to that network's one test host and nowhere else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startEmulator } from '../emulator/index.js';
import type { AirbyteCatalog, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../src/kit/protocol.js';
import { ConfigError } from '../src/kit/errors.js';
import { parseConfig, TEST_ONLY_PLAIN_HTTP_HOST } from '../src/source/config/config.js';
import { loadSpec } from '../src/source/spec.js';
import { validateConfig } from '../src/kit/inputs.js';
import { sampleEmulatorOptions } from '../scripts/sample-dataset.js';
import { readWithState, runCli } from './helpers/connector.js';
import { formTableNames, records, traces, writeFiles } from '../harness/index.js';
import { REPO_ROOT } from '../harness/index.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const json = <T = Record<string, unknown>>(path: string): T => JSON.parse(read(path)) as T;

type CatTest = Record<string, unknown>;
const cat = parseYaml(read('acceptance-test-config.yml')) as { acceptance_tests: Record<string, { tests: CatTest[] }> };

describe('acceptance-test-config.yml', () => {
  test('every test of every section names a config_path, the spec test included', () => {
    const sections = ['spec', 'connection', 'discovery', 'basic_read', 'incremental', 'full_refresh'];
    assert.deepEqual(Object.keys(cat.acceptance_tests).sort(), [...sections].sort());
    for (const section of sections) {
      for (const entry of cat.acceptance_tests[section]!.tests) {
        assert.equal(typeof entry['config_path'], 'string', `${section} test without config_path`);
      }
    }
    assert.equal(cat.acceptance_tests['spec']!.tests[0]!['spec_path'], 'spec/spec.json');
  });

  test('the CAT configs are the sample configs with base_url on the container network and its host allowed plain http', () => {
    const pairs = {
      'integration_tests/cat/sample_config.json': 'integration_tests/sample_config.json',
      'integration_tests/cat/invalid_config.json': 'integration_tests/invalid_config.json',
    };
    for (const [catPath, localPath] of Object.entries(pairs)) {
      const { base_url: catBase, [TEST_ONLY_PLAIN_HTTP_HOST]: testHost, ...catRest } = json(catPath);
      const { base_url: localBase, ...localRest } = json(localPath);
      assert.deepEqual(catRest, localRest, `${catPath} differs from ${localPath} beyond the host`);
      const catUrl = new URL(catBase as string);
      assert.equal(catUrl.port, new URL(localBase as string).port);
      assert.equal(catUrl.hostname, testHost, `${catPath}: the test-only key names another host than base_url`);
      assert.notEqual(catUrl.hostname, '127.0.0.1', 'CAT containers cannot reach the host on 127.0.0.1');
    }
    const used = Object.values(cat.acceptance_tests).flatMap((s) => s.tests.map((t) => t['config_path']));
    assert.deepEqual([...new Set(used)].sort(), Object.keys(pairs).sort());
  });

  test('the test-only key is not in the spec, so the Airbyte form never offers it', () => {
    const spec = json<{ connectionSpecification: { properties: Record<string, unknown> } }>('spec/spec.json');
    assert.ok(!(TEST_ONLY_PLAIN_HTTP_HOST in spec.connectionSpecification.properties));
  });

  test('abnormal_state.json covers every incremental stream discover lists; reading them all with it reads nothing and calls no list or detail API', async () => {
    const emulator = await startEmulator(sampleEmulatorOptions());
    try {
      const config = { ...json('integration_tests/sample_config.json'), base_url: emulator.baseUrl };
      const files = writeFiles({ 'config.json': config, 'state.json': read('integration_tests/abnormal_state.json') });
      const discover = await runCli(['discover', '--config', files['config.json']!]);
      const discovered = (discover.messages.find((m) => m.type === 'CATALOG') as { catalog: AirbyteCatalog }).catalog;
      // A future state is for incremental streams (approval_definitions is full refresh only), the form tables included.
      const forms = formTableNames(
        json<{ approval_codes: string[] }>('integration_tests/sample_config.json').approval_codes,
      );
      const catalog = { streams: discovered.streams.filter((s) => s.supported_sync_modes.includes('incremental')) };
      assert.ok(
        forms.every((name) => catalog.streams.some((s) => s.name === name)),
        'every form table',
      );
      const state = json<AirbyteStateMessage[]>('integration_tests/abnormal_state.json');
      assert.deepEqual(
        state.map((s) => s.stream?.stream_descriptor.name).sort(),
        catalog.streams.map((s) => s.name).sort(),
      );
      const configured: ConfiguredAirbyteCatalog = {
        streams: catalog.streams.map((stream) => ({
          stream,
          sync_mode: 'incremental',
          destination_sync_mode: 'append_dedup',
          cursor_field: stream.default_cursor_field,
          primary_key: stream.source_defined_primary_key,
        })),
      };
      const catalogFile = writeFiles({ 'catalog.json': configured })['catalog.json']!;
      const run = await runCli(readWithState(files['config.json']!, catalogFile, files['state.json']!));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(traces(run.messages, 'ERROR'), []);
      assert.equal(records(run.messages).length, 0);
      assert.equal(emulator.stats().requests['list'] ?? 0, 0);
      assert.equal(emulator.stats().requests['detail'] ?? 0, 0);
    } finally {
      await emulator.stop();
    }
  });
});

describe('base_url: https, except loopback and the one test-only host', () => {
  // The spec's defaults filled in, as the runner does before parseConfig.
  const base = validateConfig(json('integration_tests/sample_config.json'), loadSpec());
  const cases: { name: string; baseUrl: string; testHost?: unknown; ok: boolean }[] = [
    { name: 'https to any host', baseUrl: 'https://approvals.example.com', ok: true },
    { name: 'http to 127.0.0.1', baseUrl: 'http://127.0.0.1:18555', ok: true },
    { name: 'http to localhost', baseUrl: 'http://localhost:18555', ok: true },
    { name: 'http to another host', baseUrl: 'http://host.docker.internal:18555', ok: false },
    {
      name: 'http to the test host',
      baseUrl: 'http://host.docker.internal:18555',
      testHost: 'host.docker.internal',
      ok: true,
    },
    {
      name: 'http to the test host, named in capitals',
      baseUrl: 'http://host.docker.internal:1',
      testHost: 'HOST.docker.internal',
      ok: true,
    },
    {
      name: 'http to a host other than the test host',
      baseUrl: 'http://open.feishu.cn',
      testHost: 'host.docker.internal',
      ok: false,
    },
    { name: 'http with an empty test host', baseUrl: 'http://open.feishu.cn', testHost: '', ok: false },
    {
      name: 'http with a test host that is no string',
      baseUrl: 'http://open.feishu.cn',
      testHost: ['open.feishu.cn'],
      ok: false,
    },
    {
      name: 'https to the test host',
      baseUrl: 'https://host.docker.internal',
      testHost: 'host.docker.internal',
      ok: true,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.ok ? 'accepted' : 'refused, naming base_url'}`, () => {
      const raw = {
        ...base,
        base_url: c.baseUrl,
        ...(c.testHost === undefined ? {} : { [TEST_ONLY_PLAIN_HTTP_HOST]: c.testHost }),
      };
      if (c.ok) assert.equal(parseConfig(raw).baseUrl, c.baseUrl);
      else
        assert.throws(
          () => parseConfig(raw),
          (e: unknown) => e instanceof ConfigError && /config\.base_url .*must use https/.test(e.message),
        );
    });
  }
});
