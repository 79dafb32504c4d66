/**
 * Issue 25 §4 and §5: config errors say what to type. The https error tells the user to use
 * https and names no test-only switch; a date typed wrong is answered with the forms accepted,
 * not a regular expression; an unknown config key gets one WARN naming the key it most likely
 * meant, in check, discover and read alike.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalog, logs, REPO_ROOT, traces, writeFiles } from '../harness/index.js';
import { runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';

const TEST_ONLY_KEY = 'test_only_plain_http_host';

/** What check says (its FAILED message) and what discover and read say (their TRACE ERROR), for one config. */
async function answers(config: unknown): Promise<{ runs: RunResult[]; messages: string[] }> {
  const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental', ['approval_instances']) });
  const runs = [
    await runCli(['check', '--config', files['config.json']!]),
    await runCli(['discover', '--config', files['config.json']!]),
    await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]),
  ];
  const messages = runs.flatMap((run) =>
    run.messages.flatMap((m) =>
      m.type === 'CONNECTION_STATUS'
        ? [m.connectionStatus.message ?? '']
        : m.type === 'TRACE' && m.trace.type === 'ERROR'
          ? [m.trace.error!.message]
          : [],
    ),
  );
  return { runs, messages };
}

describe('config messages say what to type', () => {
  const emulator = emulatorForSuite({ seed: 25, codeCount: 1, instancesPerCode: 20, listRateLimit: null });

  it('plain http to a remote host: "use https", and no output anywhere names the test-only key', async () => {
    for (const base_url of ['http://open.feishu.cn', 'http://host.docker.internal:18555', 'ftp://open.feishu.cn']) {
      const { runs, messages } = await answers(emulatorConfig(emulator(), { base_url }));
      assert.equal(messages.length, 3, `${base_url}: check, discover and read each refuse it`);
      for (const message of messages) {
        assert.match(message, /config\.base_url .* must use https/);
        assert.match(message, /https:\/\//, 'says what to type');
      }
      for (const run of runs) {
        assert.ok(!run.stdout.includes(TEST_ONLY_KEY) && !run.stderr.includes(TEST_ONLY_KEY), run.stdout);
        assert.doesNotMatch(run.stdout + run.stderr, /test.only/i);
      }
    }
  });

  it('no message in src/ is built from the test-only key: it is read, never shown', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) files.push(join(dir, entry.name));
      }
    };
    walk(join(REPO_ROOT, 'src'));
    const shown = files.filter((file) => /\$\{TEST_ONLY_PLAIN_HTTP_HOST\}/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(shown, []);
    // The key's name itself is written once, where the constant is defined.
    const named = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes(TEST_ONLY_KEY))
        .map((line) => `${file}: ${line.trim()}`),
    );
    assert.equal(named.length, 1, named.join('\n'));
    assert.match(named[0]!, /export const TEST_ONLY_PLAIN_HTTP_HOST = 'test_only_plain_http_host';/);
  });

  const dateCases: { field: string; value: string; says: RegExp }[] = [
    { field: 'start_date', value: 'last tuesday', says: /config\.start_date 'last tuesday' must be written as/ },
    { field: 'start_date', value: '2024/01/01', says: /config\.start_date '2024\/01\/01' must be written as/ },
    { field: 'start_date', value: '2024-01-01T00:00:00+08:00', says: /config\.start_date '.*' must be written as/ },
    { field: 'end_date', value: '01-02-2024', says: /config\.end_date '01-02-2024' must be written as/ },
    { field: 'start_date', value: '2024-02-31', says: /config\.start_date '2024-02-31' is not a real date or time/ },
    { field: 'end_date', value: '2024-13-01T00:00:00Z', says: /config\.end_date '.*' is not a real date or time/ },
  ];
  for (const { field, value, says } of dateCases) {
    it(`${field} '${value}': the forms accepted, not a pattern`, async () => {
      const { messages } = await answers(emulatorConfig(emulator(), { start_date: '2024-01-01', [field]: value }));
      assert.equal(messages.length, 3);
      for (const message of messages) {
        assert.match(message, says);
        assert.match(message, /YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ/);
        assert.doesNotMatch(message, /pattern|\^\[0-9\]|\{4\}/, 'no regular expression');
      }
    });
  }

  it('unknown keys: one WARN in check, discover and read, naming the key each most likely meant', async () => {
    const config = { ...emulatorConfig(emulator()), endDate: '2030-01-01', lookback_minute: 30, colour: 'blue' };
    const { runs } = await answers(config);
    for (const run of runs) {
      const warns = logs(run.messages).filter((l) => l.level === 'WARN' && /does not know/.test(l.message));
      assert.equal(warns.length, 1, 'one WARN');
      assert.match(warns[0]!.message, /'endDate' \(did you mean 'end_date'\?\)/);
      assert.match(warns[0]!.message, /'lookback_minute' \(did you mean 'lookback_minutes'\?\)/);
      assert.match(warns[0]!.message, /'colour'(?! \()/, 'a key with nothing close is named without a guess');
      assert.equal(traces(run.messages, 'ERROR').length, 0, 'an unknown key is not an error');
    }
  });

  it('a required field typed under another name: the error says which key was meant', async () => {
    const { start_date, ...rest } = emulatorConfig(emulator());
    const { messages } = await answers({ ...rest, startDate: start_date });
    assert.equal(messages.length, 3);
    for (const message of messages) {
      assert.match(message, /config\.start_date is required/);
      assert.match(message, /'startDate' \(did you mean 'start_date'\?\)/);
    }
  });

  it('known keys, and the test-only key the acceptance configs carry, draw no WARN', async () => {
    for (const config of [
      emulatorConfig(emulator()),
      { ...emulatorConfig(emulator()), [TEST_ONLY_KEY]: 'host.docker.internal' },
    ]) {
      const files = writeFiles({ 'config.json': config });
      const run = await runCli(['discover', '--config', files['config.json']!]);
      assert.equal(run.code, 0);
      assert.deepEqual(
        logs(run.messages).filter((l) => l.level === 'WARN'),
        [],
      );
      assert.ok(!run.stdout.includes(TEST_ONLY_KEY));
    }
  });
});
