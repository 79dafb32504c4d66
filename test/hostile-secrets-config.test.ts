/**
 * Issue 17 through the real CLI: no secret in any output although the server echoes its request
 * (app_id, app_secret, the token); credentials inside base_url are a config error that never
 * prints them; config hygiene (repeated approval codes, GLOBAL and LEGACY states, a cursor in
 * the future).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeishuEmulator } from '../emulator/index.js';
import { catalog, cursors, hourFloor, HOUR_MS, logs, records, writeFiles } from '../harness/index.js';
import type { AirbyteMessage, AirbyteStateMessage } from '../src/kit/protocol.js';
import { runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { QUICK, read, readWhile, theErrorTrace } from './helpers/hostile.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';

const ACCESS_TOKEN = /\bt-[0-9a-f]{16,}/;

function connectionStatus(messages: AirbyteMessage[]) {
  const found = messages.flatMap((m) => (m.type === 'CONNECTION_STATUS' ? [m.connectionStatus] : []));
  assert.equal(found.length, 1);
  return found[0]!;
}

async function command(name: 'check' | 'discover', config: Record<string, unknown>): Promise<RunResult> {
  const files = writeFiles({ 'config.json': config });
  return runCli([name, '--config', files['config.json']!]);
}

describe('a server that echoes its request: no app_id, app_secret or token in any command', () => {
  const emulator = emulatorForSuite({
    seed: 21,
    codeCount: 1,
    instancesPerCode: 5,
    hostileEchoRequest: true,
    listRateLimit: null,
  });

  function assertNoSecret(run: RunResult, ...secrets: string[]): void {
    for (const secret of [emulator().options.appId, emulator().options.appSecret, ...secrets])
      assert.ok(!run.stdout.includes(secret), `'${secret}' printed`);
    assert.doesNotMatch(run.stdout, ACCESS_TOKEN, 'no access token');
  }

  it('check with a wrong app_secret: the echoed token request is masked', async () => {
    const wrong = 'wrong-secret-17e5a9';
    const run = await command('check', emulatorConfig(emulator(), { ...QUICK, app_secret: wrong }));
    const status = connectionStatus(run.messages);
    assert.equal(status.status, 'FAILED');
    assert.match(
      status.message ?? '',
      /request was POST \/open-apis\/auth\/v3\/tenant_access_token\/internal .*body: .*\*\*\*\*/,
    );
    assertNoSecret(run, wrong);
  });

  it('check and read while every API call fails: the echoed Authorization header is masked', async () => {
    emulator().configure({ faultRate: 0.999 });
    try {
      const check = await command('check', emulatorConfig(emulator(), QUICK));
      assert.match(connectionStatus(check.messages).message ?? '', /Authorization: Bearer \*\*\*\*/);
      assertNoSecret(check);
      const run = await read(emulator());
      assert.match(theErrorTrace(run).message, /Authorization: Bearer \*\*\*\*/);
      assertNoSecret(run);
    } finally {
      emulator().configure({ faultRate: 0 });
    }
  });

  it('discover prints no secret either', async () => {
    const run = await command('discover', emulatorConfig(emulator(), QUICK));
    assert.equal(run.code, 0);
    assertNoSecret(run);
  });
});

describe('credentials inside base_url: a config error that never prints them', () => {
  const password = 'hunter2-pw-7f3c';
  const urls = [
    `http://admin:${password}@127.0.0.1:9`,
    `https://admin:${password}@open.feishu.cn`,
    `ftp://admin:${password}@example.com`,
    `admin:${password}@open.feishu.cn`,
  ];
  const base = { app_id: 'cli_17', app_secret: 'secret-17-abcdef', approval_codes: ['A'], start_date: '2024-01-01' };

  for (const url of urls) {
    it(url.replace(password, '<password>'), async () => {
      const check = await command('check', { ...base, base_url: url });
      const status = connectionStatus(check.messages);
      assert.equal(status.status, 'FAILED');
      assert.match(status.message ?? '', /config\.base_url/);
      assert.ok(!check.stdout.includes(password), check.stdout);
      const files = writeFiles({ 'config.json': { ...base, base_url: url }, 'catalog.json': catalog() });
      const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
      assert.equal(theErrorTrace(run).failure_type, 'config_error');
      assert.ok(!run.stdout.includes(password), run.stdout);
    });
  }
});

/** Two codes of ten instances over the last 24 hours, the list limit off, for the describe block. */
function twoCodesOfTen(seed: number): () => FeishuEmulator {
  return emulatorForSuite({
    seed,
    codeCount: 2,
    instancesPerCode: 10,
    spanStartMs: hourFloor(Date.now()) - 24 * HOUR_MS,
    listRateLimit: null,
  });
}

describe('config hygiene', () => {
  const emulator = twoCodesOfTen(22);

  it('approval codes are trimmed and read once; a WARN names each repeated one', async () => {
    const [a, b] = emulator().approvalCodes as [string, string];
    const run = await read(emulator(), { config: { approval_codes: [` ${a}`, b, a, `${a} `, b] } });
    assert.equal(run.code, 0);
    assert.equal(run.codes.length, emulator().truth().length, 'each instance once');
    const warns = logs(run.messages).filter((l) => l.level === 'WARN' && /more than once/.test(l.message));
    assert.deepEqual(
      warns.map((w) => w.message).sort(),
      [a, b].map((c) => `config.approval_codes names '${c}' more than once; it is read once.`).sort(),
    );
  });

  it('a GLOBAL state is converted: its stream states are the cursors', async () => {
    const first = await read(emulator());
    const stream = first.lastState!.stream!;
    const global: AirbyteStateMessage = { type: 'GLOBAL', global: { shared_state: {}, stream_states: [stream] } };
    const resumed = await read(emulator(), { state: [global], config: { lookback_minutes: 0 } });
    assert.equal(resumed.code, 0);
    assert.equal(resumed.codes.length, 0, 'nothing before the converted cursors is read again');
    assert.deepEqual(Object.keys(cursors(resumed.lastState)).sort(), Object.keys(cursors(first.lastState)).sort());
    assert.equal(resumed.lastState?.type, 'STREAM', 'the state written back is per stream');
  });

  it('a LEGACY state is refused as a config error naming the shape expected', async () => {
    const legacy = { type: 'LEGACY', data: { approval_instances: { created_before: '2024-01-01T00:00:00Z' } } };
    const run = await read(emulator(), { state: [legacy as AirbyteStateMessage] });
    const error = theErrorTrace(run);
    assert.equal(error.failure_type, 'config_error');
    assert.match(error.message, /LEGACY state message.*expects per-stream STATE messages: \[\{"type":"STREAM"/);
    assert.equal(run.codes.length, 0);
  });

  it('a cursor in the future reads nothing, with a WARN naming the code; the cursor is kept', async () => {
    const [a, b] = emulator().approvalCodes as [string, string];
    const future = '2099-01-01T00:00:00.000Z';
    const first = await read(emulator());
    assert.equal(first.code, 0);
    const blob = {
      cursor_groups: [
        { created_before: cursors(first.lastState)[b]!, approval_codes: [b] },
        { created_before: future, approval_codes: [a] },
      ],
    };
    const state: AirbyteStateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'approval_instances' }, stream_state: blob },
    };
    const run = await read(emulator(), { state: [state], config: { lookback_minutes: 0 } });
    assert.equal(run.code, 0);
    assert.deepEqual(
      records(run.messages).filter((r) => r.data['approval_code'] === a),
      [],
      'nothing read for the code with the future cursor',
    );
    const warns = logs(run.messages).filter((l) => l.level === 'WARN' && l.message.includes('is in the future'));
    assert.equal(warns.length, 1);
    assert.match(
      warns[0]!.message,
      new RegExp(`cursor ${future.replace(/\./g, '\\.')} is in the future .*approval code '${a}'`),
    );
    assert.equal(cursors(run.lastState)[a], future);
  });
});

describe('hostile list switches scoped to one code leave the others readable', () => {
  const emulator = twoCodesOfTen(23);

  it('the broken code gets no cursor: its windows were never all read', async () => {
    const [broken] = emulator().approvalCodes as [string, string];
    const run = await readWhile(
      emulator(),
      { hostileListNullCodes: true, hostileListScope: [broken] },
      { config: { max_concurrency: 1 } },
    );
    assert.match(theErrorTrace(run).message, new RegExp(`approval code '${broken}'`));
    const saved = cursors(run.lastState);
    assert.equal(saved[broken], undefined, 'no cursor for the code whose pages were never read');
  });
});
