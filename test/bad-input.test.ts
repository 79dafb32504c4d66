import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { catalog, traces, writeFiles } from '../harness/index.js';
import { readWithState, runChild, runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';

const APP_ID = 'cli_a9secretappid77';
const APP_SECRET = 'Sup3rSecretAppSecretValue';

/** Every output of every case lands here; the secrets test greps it all. */
const outputs: RunResult[] = [];

async function run(args: string[]): Promise<RunResult> {
  const result = await runCli(args);
  outputs.push(result);
  return result;
}

function assertNoLooseStackTrace(result: RunResult): void {
  for (const line of result.stdout.split('\n').filter(Boolean)) {
    const message = JSON.parse(line) as { type: string };
    if (message.type === 'TRACE' || message.type === 'LOG') continue;
    assert.doesNotMatch(line, /\n\s+at /, 'no stack trace outside a trace');
  }
  assert.doesNotMatch(result.stderr, /\bat .*\.js:\d+/, 'no stack trace on stderr');
}

async function expectConfigError(args: string[], mention: RegExp): Promise<void> {
  const result = await run(args);
  assert.notEqual(result.code, 0, 'exits non-zero');
  const errors = traces(result.messages, 'ERROR');
  assert.equal(errors.length, 1, 'exactly one TRACE ERROR');
  assert.equal(errors[0]!.error!.failure_type, 'config_error');
  assert.match(errors[0]!.error!.message, mention);
  assertNoLooseStackTrace(result);
}

async function expectCheckFailed(args: string[], mention: RegExp): Promise<void> {
  const result = await run(args);
  assert.equal(result.code, 0, 'check exits 0');
  const status = result.messages.find((m) => m.type === 'CONNECTION_STATUS') as
    { connectionStatus: { status: string; message: string } } | undefined;
  assert.equal(status?.connectionStatus.status, 'FAILED');
  assert.match(status.connectionStatus.message, mention);
  assertNoLooseStackTrace(result);
}

describe('bad input: check says FAILED, discover and read say config_error, each naming the culprit', () => {
  let emulator: FeishuEmulator;
  let good: Record<string, unknown>;
  before(async () => {
    emulator = await startEmulator({
      seed: 7,
      codeCount: 1,
      instancesPerCode: 50,
      appId: APP_ID,
      appSecret: APP_SECRET,
      listRateLimit: null,
    });
    good = emulatorConfig(emulator);
  });
  after(() => emulator.stop());

  const without = (key: string) => () => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
  const withValues = (values: Record<string, unknown>) => () => ({ ...good, ...values });
  const configCases: { name: string; config: () => unknown; mention: RegExp }[] = [
    { name: 'not JSON', config: () => '{"app_id": ', mention: /not valid JSON/ },
    { name: 'JSON but not an object', config: () => [1, 2, 3], mention: /JSON object/ },
    { name: 'app_id missing', config: without('app_id'), mention: /app_id is required/ },
    { name: 'app_secret missing', config: without('app_secret'), mention: /app_secret is required/ },
    { name: 'approval_codes missing', config: without('approval_codes'), mention: /approval_codes is required/ },
    { name: 'start_date missing', config: without('start_date'), mention: /start_date is required/ },
    {
      name: 'app_id of the wrong type',
      config: withValues({ app_id: 12345 }),
      mention: /config\.app_id must be string/,
    },
    {
      name: 'page_size of the wrong type',
      config: withValues({ page_size: '100' }),
      mention: /config\.page_size must be integer/,
    },
    {
      name: 'approval_codes not an array',
      config: withValues({ approval_codes: 'ABC' }),
      mention: /config\.approval_codes must be array/,
    },
    {
      name: 'approval_codes empty',
      config: withValues({ approval_codes: [] }),
      mention: /approval_codes must NOT have fewer than 1 items/,
    },
    // Duplicates are read once with a WARN (issue 17, test/hostile-secrets-config.test.ts); a blank code is refused.
    {
      name: 'approval_codes with a blank code',
      config: withValues({ approval_codes: ['A', '  '] }),
      mention: /config\.approval_codes\[1\] is blank/,
    },
    {
      name: 'start_date unparseable',
      config: withValues({ start_date: 'last tuesday' }),
      mention: /config\.start_date 'last tuesday' must be written as YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ/,
    },
    {
      name: 'start_date not a real date',
      config: withValues({ start_date: '2024-02-31T00:00:00Z' }),
      mention: /config\.start_date '2024-02-31T00:00:00Z' is not a real date or time: write it as YYYY-MM-DD/,
    },
    {
      name: 'start_date after end_date',
      config: withValues({ start_date: '2024-05-01', end_date: '2024-04-01' }),
      mention: /end_date '2024-04-01' must be after config\.start_date/,
    },
    {
      name: 'base_url not a URL',
      config: withValues({ base_url: 'open feishu' }),
      mention: /base_url 'open feishu' is not a URL/,
    },
    {
      name: 'base_url plain http to a remote host',
      config: withValues({ base_url: 'http://open.feishu.cn' }),
      mention: /base_url .* must use https/,
    },
    { name: 'page_size 0', config: withValues({ page_size: 0 }), mention: /config\.page_size must be >= 1/ },
    { name: 'page_size 101', config: withValues({ page_size: 101 }), mention: /config\.page_size must be <= 100/ },
    {
      name: 'window_hours 11',
      config: withValues({ window_hours: 11 }),
      mention: /config\.window_hours must be <= 10/,
    },
  ];

  it('config file missing', async () => {
    const missing = join(writeFiles({}).dir, 'nope.json');
    await expectCheckFailed(['check', '--config', missing], /config file .*nope\.json' does not exist/);
    await expectConfigError(['discover', '--config', missing], /config file .*nope\.json' does not exist/);
    const files = writeFiles({ 'catalog.json': catalog() });
    await expectConfigError(
      ['read', '--config', missing, '--catalog', files['catalog.json']!],
      /config file .*nope\.json' does not exist/,
    );
  });

  it('as the platform runs it, a real process: check exits 0 with FAILED, discover and read exit 1 with the one TRACE, stderr stays empty', async () => {
    const missing = join(writeFiles({}).dir, 'nope.json');
    const files = writeFiles({ 'catalog.json': catalog() });
    for (const [args, code] of [
      [['check', '--config', missing], 0],
      [['discover', '--config', missing], 1],
      [['read', '--config', missing, '--catalog', files['catalog.json']!], 1],
    ] as const) {
      const result = await runChild([...args]);
      outputs.push(result);
      assert.equal(result.code, code, `${args[0]} exits ${code}`);
      assert.equal(result.stderr, '', `${args[0]}: nothing on stderr`);
      assert.equal(result.messages.length, 1, `${args[0]}: one message`);
      assertNoLooseStackTrace(result);
    }
  });

  for (const c of configCases) {
    it(c.name, async () => {
      const files = writeFiles({ 'config.json': c.config(), 'catalog.json': catalog() });
      await expectCheckFailed(['check', '--config', files['config.json']!], c.mention);
      await expectConfigError(['discover', '--config', files['config.json']!], c.mention);
      await expectConfigError(
        ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!],
        c.mention,
      );
    });
  }

  const readCases: {
    name: string;
    files: () => Record<string, unknown>;
    args: (f: Record<string, string>) => string[];
    mention: RegExp;
  }[] = [
    {
      name: 'catalog missing',
      files: () => ({}),
      args: (f) => ['--catalog', join(f['dir']!, 'none.json')],
      mention: /catalog file .*none\.json' does not exist/,
    },
    {
      name: 'catalog malformed',
      files: () => ({ 'catalog.json': '{"streams": [' }),
      args: (f) => ['--catalog', f['catalog.json']!],
      mention: /catalog file .* is not valid JSON/,
    },
    {
      name: 'catalog of the wrong shape',
      files: () => ({ 'catalog.json': { streams: [{ sync_mode: 'sometimes' }] } }),
      args: (f) => ['--catalog', f['catalog.json']!],
      mention: /catalog file .* is not a configured catalog/,
    },
    {
      name: 'catalog naming an unknown stream',
      files: () => ({ 'catalog.json': catalog('full_refresh', ['approval_todos']) }),
      args: (f) => ['--catalog', f['catalog.json']!],
      mention: /unknown stream 'approval_todos'/,
    },
    {
      name: 'state not JSON',
      files: () => ({ 'catalog.json': catalog(), 'state.json': '[{' }),
      args: (f) => ['--catalog', f['catalog.json']!, '--state', f['state.json']!],
      mention: /state file .* is not valid JSON/,
    },
    {
      name: 'state not state messages',
      files: () => ({ 'catalog.json': catalog(), 'state.json': [42] }),
      args: (f) => ['--catalog', f['catalog.json']!, '--state', f['state.json']!],
      mention: /state file .* is malformed/,
    },
    {
      name: 'state with a bad cursor',
      files: () => ({
        'catalog.json': catalog('incremental'),
        'state.json': [
          {
            type: 'STREAM',
            stream: {
              stream_descriptor: { name: 'approval_instances' },
              stream_state: { cursor_groups: [{ created_before: 'soon', approval_codes: ['A'] }] },
            },
          },
        ],
      }),
      args: (f) => ['--catalog', f['catalog.json']!, '--state', f['state.json']!],
      mention: /state of stream 'approval_instances' is malformed/,
    },
  ];
  for (const c of readCases) {
    it(c.name, async () => {
      const files = writeFiles({ 'config.json': good, ...c.files() });
      await expectConfigError(['read', '--config', files['config.json']!, ...c.args(files)], c.mention);
    });
  }

  it('an empty state file ([]) is accepted', async () => {
    const files = writeFiles({ 'config.json': good, 'catalog.json': catalog('incremental'), 'state.json': [] });
    const result = await run(readWithState(files['config.json']!, files['catalog.json']!, files['state.json']!));
    assert.equal(result.code, 0);
  });

  it('unknown command or option: the usage and the problem on stderr, exit 2 (test/cli-usage.test.ts has more)', async () => {
    for (const [args, says] of [
      [['sync'], /Unknown argument: sync/],
      [['spec', '--verbose'], /Unknown argument/],
      [['discover'], /Missing required argument: config/],
      [[], /A command is required/],
    ] as const) {
      const result = await run([...args]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, says);
    }
  });

  it('a sync that fails at Feishu (quota exhausted) stops at once with a clear trace and no retry storm', async () => {
    emulator.configure({ quotaExhausted: true });
    emulator.resetStats();
    const files = writeFiles({ 'config.json': good, 'catalog.json': catalog() });
    const result = await run(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    emulator.configure({ quotaExhausted: false });
    assert.equal(result.code, 1);
    const error = traces(result.messages, 'ERROR')[0]!.error!;
    assert.match(error.message, /monthly Feishu API quota is exhausted/);
    assert.match(error.message, /99991403/);
    const total = Object.values(emulator.stats().requests).reduce((a, b) => a + b, 0);
    assert.ok(total <= 2, `no retry storm (${total} requests)`);
    const statuses = traces(result.messages, 'STREAM_STATUS').map((t) => t.stream_status!.status);
    assert.deepEqual(statuses, ['STARTED', 'INCOMPLETE']);
  });

  it('a passing sync and check, with tokens', async () => {
    const files = writeFiles({ 'config.json': good, 'catalog.json': catalog('incremental') });
    assert.equal(
      (
        await run([
          'read',
          '--config',
          files['config.json']!,
          '--catalog',
          files['catalog.json']!,
          '--log-level',
          'DEBUG',
        ])
      ).code,
      0,
    );
    await run(['check', '--config', files['config.json']!]);
    assert.ok((emulator.stats().requests['token'] ?? 0) > 0, 'tokens were fetched, so there was one to leak');
  });

  it('no secret and no access token appears in any output of any case above', () => {
    assert.ok(outputs.length > 60);
    for (const result of outputs) {
      for (const text of [result.stdout, result.stderr]) {
        assert.ok(!text.includes(APP_ID), 'app_id leaked');
        assert.ok(!text.includes(APP_SECRET), 'app_secret leaked');
        assert.doesNotMatch(text, /\bt-[0-9a-f]{8,}/i, 'a tenant access token leaked');
      }
    }
  });
});
