import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { validateConfig } from '../src/kit/inputs.js';
import { parseConfig, type FeishuApprovalConfig } from '../src/source/config/config.js';
import { loadSpec } from '../src/source/spec.js';
import { describeSyncShape } from '../src/source/plan/shape.js';
import { runCli } from './helpers/connector.js';
import { catalog, logs, writeFiles } from '../harness/index.js';
import { emulatorConfig } from './helpers/fixtures.js';

const H = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const NOW = Date.UTC(2024, 0, 11);
const SECRETS = { app_id: 'cli_shape_app_id', app_secret: 'shape-secret-value' };

function configOf(overrides: Record<string, unknown>): FeishuApprovalConfig {
  return parseConfig(
    validateConfig({ ...SECRETS, approval_codes: ['A', 'B'], start_date: '2024-01-01', ...overrides }, loadSpec()),
  );
}

describe('describeSyncShape', () => {
  const cases: {
    name: string;
    config: Record<string, unknown>;
    streams: Parameters<typeof describeSyncShape>[2];
    includes: string[];
    excludes?: string[];
  }[] = [
    {
      name: 'full refresh from start_date to now, with the default budgets',
      config: {},
      streams: [{ name: 'approval_instances', mode: 'full_refresh', saved: new Map() }],
      includes: [
        '2 approval code(s), created 2024-01-01T00:00:00.000Z to now (2024-01-11T00:00:00.000Z)',
        'windows of 10 h, lookback 10 min, page size 100',
        'list API 100 request(s)/min with 4 concurrent, detail API 1000/min and 50/s with 10 concurrent, bulk query API 1000/min and 50/s, 8 retries',
        'approval_instances (full_refresh): A (no cursor) from 2024-01-01T00:00:00.000Z, B (no cursor) from 2024-01-01T00:00:00.000Z.',
      ],
    },
    {
      name: 'a form table: its one code only',
      config: {},
      streams: [{ name: 'approval_form_b', mode: 'incremental', saved: new Map([['B', START + 2 * H]]), codes: ['B'] }],
      includes: ['approval_form_b (incremental): B (cursor 2024-01-01T02:00:00.000Z) from 2024-01-01T01:50:00.000Z.'],
      excludes: ['A (no cursor)'],
    },
    {
      name: 'incremental: each partition from its cursor less the lookback; a code without one from start_date; a cursor at end_date reads nothing',
      config: {
        approval_codes: ['A', 'B', 'C'],
        end_date: '2024-01-05T00:00:00Z',
        lookback_minutes: 30,
        requests_per_minute: 60,
        max_concurrency: 2,
        detail_requests_per_minute: 6000,
        detail_requests_per_second: 120,
      },
      streams: [
        { name: 'approval_instances', mode: 'incremental', saved: new Map([['A', START + 48 * H]]) },
        {
          name: 'approval_instance_details',
          mode: 'incremental',
          saved: new Map([
            ['A', START + 100 * H],
            ['B', START + 96 * H],
            ['C', START + 90 * H],
          ]),
        },
      ],
      includes: [
        'created 2024-01-01T00:00:00.000Z to 2024-01-05T00:00:00.000Z',
        'lookback 30 min',
        'list API 60 request(s)/min with 2 concurrent',
        'detail API 6000/min and 120/s with 10 concurrent',
        'approval_instances (incremental): A (cursor 2024-01-03T00:00:00.000Z) from 2024-01-02T23:30:00.000Z, B (no cursor) from 2024-01-01T00:00:00.000Z, C (no cursor) from 2024-01-01T00:00:00.000Z;',
        'approval_instance_details (incremental): A (cursor 2024-01-05T04:00:00.000Z) nothing to read, B (cursor 2024-01-05T00:00:00.000Z) nothing to read, C (cursor 2024-01-04T18:00:00.000Z) from 2024-01-04T17:30:00.000Z.',
      ],
    },
    {
      name: 'many codes: the first 20 listed, the rest counted',
      config: { approval_codes: Array.from({ length: 25 }, (_, i) => `C${i}`) },
      streams: [{ name: 'approval_instances', mode: 'full_refresh', saved: new Map() }],
      includes: ['25 approval code(s)', 'C19 (no cursor)', 'and 5 more code(s).'],
      excludes: ['C20 ('],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const line = describeSyncShape(configOf(c.config), NOW, c.streams);
      for (const part of c.includes) assert.ok(line.includes(part), `missing «${part}» in: ${line}`);
      for (const part of [...(c.excludes ?? []), SECRETS.app_id, SECRETS.app_secret])
        assert.ok(!line.includes(part), `«${part}» in: ${line}`);
    });
  }
});

describe('read opens with the sync shape', () => {
  let emulator: FeishuEmulator | undefined;
  after(() => emulator?.stop());

  it('the first INFO line names codes, range, budgets and cursors, and no secret', async () => {
    emulator = await startEmulator({ seed: 5, codeCount: 2, instancesPerCode: 20, listRateLimit: null });
    const files = writeFiles({ 'config.json': emulatorConfig(emulator), 'catalog.json': catalog('full_refresh') });
    const result = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(result.code, 0);
    const first = logs(result.messages).find((l) => l.level === 'INFO');
    assert.ok(first, 'an INFO line');
    assert.match(first.message, /^Sync shape: 2 approval code\(s\), created \S+ to now/);
    for (const code of emulator.approvalCodes)
      assert.ok(first.message.includes(`${code} (no cursor) from`), first.message);
    assert.ok(first.message.includes('list API 100000 request(s)/min with 8 concurrent'), first.message);
    for (const secret of [emulator.options.appId, emulator.options.appSecret])
      assert.ok(!result.stdout.includes(secret), 'no secret printed');
    assert.equal(logs(result.messages).filter((l) => l.message.startsWith('Sync shape')).length, 1, 'one shape line');
  });
});
