/**
 * Issue 25 item 3: a base_url that refuses every connection from a read's first request (a closed
 * port, a server that does not speak TLS) ends the read within a minute with a config_error naming
 * config.base_url; a connection lost after the host has answered stays a transient error. On the
 * mocked clock (helpers/virtual-clock.ts): the minute is the retry backoff's own time, exactly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { startEmulator } from '../emulator/index.js';
import { RetriesExhaustedError } from '../src/feishu/client.js';
import { FeishuTransportError } from '../src/feishu/errors.js';
import { toConnectorError } from '../src/source/sync/errors.js';
import { catalog, PRIMARY_KEYS, writeFiles } from '../harness/index.js';
import { freePort } from './helpers/free-port.js';
import { runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { theErrorTrace } from './helpers/hostile.js';
import { enableVirtualClock, onVirtualClock } from './helpers/virtual-clock.js';

const ALL_STREAMS = Object.keys(PRIMARY_KEYS);
const BASE = { app_id: 'cli_25', app_secret: 'secret-25-abcdef', approval_codes: ['A', 'B'], start_date: '2024-01-01' };

function readOf(config: Record<string, unknown>): string[] {
  const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('full_refresh', ALL_STREAMS) });
  return ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
}

/** The connector's default retries (max_retries 8, the first delay up to 1 s): the budget a user has. */
async function readOnVirtualClock(
  t: { mock: { timers: import('node:test').MockTimers } },
  args: string[],
): Promise<{ run: RunResult; elapsedMs: number }> {
  const { value, elapsedMs } = await onVirtualClock(t.mock.timers, () => runCli(args, { timeoutMs: 600_000 }));
  return { run: value, elapsedMs };
}

describe('a read against a base_url that never answers', () => {
  it('a closed port: config_error naming config.base_url within a minute, not "lower requests_per_minute"', async (t) => {
    enableVirtualClock(t.mock.timers);
    const port = await freePort();
    const { run, elapsedMs } = await readOnVirtualClock(t, readOf({ ...BASE, base_url: `http://127.0.0.1:${port}` }));
    const error = theErrorTrace(run);
    t.diagnostic(`ended after ${elapsedMs} ms: ${error.message}`);
    assert.ok(elapsedMs < 60_000, `the read ended after ${elapsedMs} ms`);
    assert.equal(error.failure_type, 'config_error');
    assert.match(
      error.message,
      new RegExp(`Cannot reach 127\\.0\\.0\\.1:${port} \\(from config\\.base_url\\): ECONNREFUSED`),
    );
    assert.doesNotMatch(error.message, /lower requests_per_minute|Feishu kept failing/);
  });

  it('a server that does not speak TLS: config_error naming config.base_url and the TLS failure', async (t) => {
    enableVirtualClock(t.mock.timers);
    const emulator = await startEmulator({ seed: 25, codeCount: 1, instancesPerCode: 1 });
    try {
      const https = emulator.baseUrl.replace('http://', 'https://');
      const { run, elapsedMs } = await readOnVirtualClock(t, readOf({ ...BASE, base_url: https }));
      const error = theErrorTrace(run);
      t.diagnostic(`ended after ${elapsedMs} ms: ${error.message}`);
      assert.ok(elapsedMs < 60_000, `the read ended after ${elapsedMs} ms`);
      assert.equal(error.failure_type, 'config_error');
      assert.match(error.message, /\(from config\.base_url\): TLS handshake failed \(ERR_SSL_WRONG_VERSION_NUMBER\)/);
      assert.equal(emulator.stats().requests['token'] ?? 0, 0, 'no request ever reached the server');
    } finally {
      await emulator.stop();
    }
  });
});

describe('a host that answered, then went away', () => {
  it('the connection lost mid-sync stays a transient error, with the full retry budget', async (t) => {
    enableVirtualClock(t.mock.timers);
    const emulator = await startEmulator({ seed: 26, codeCount: 2, instancesPerCode: 50 });
    // The emulator stops as soon as it has answered the first list request: every later connection is refused.
    const stopAfterList = ({ request }: { request: { path?: string } }): void => {
      if (request.path?.startsWith('/open-apis/approval/v4/instances?')) void emulator.stop();
    };
    diagnosticsChannel.subscribe('undici:request:trailers', stopAfterList as (message: unknown) => void);
    try {
      const config = emulatorConfig(emulator, { retry_initial_delay_ms: 1000, max_retries: 8 });
      const { run, elapsedMs } = await readOnVirtualClock(t, readOf(config));
      const error = theErrorTrace(run);
      t.diagnostic(`ended after ${elapsedMs} ms: ${error.message.slice(0, 600)}`);
      assert.equal(error.failure_type, 'transient_error');
      assert.match(error.message, /Feishu kept failing after 9 attempts .*ECONNREFUSED/);
      assert.match(error.message, /check the network between the connector and 127\.0\.0\.1:\d+ \(config\.base_url\)/);
      assert.doesNotMatch(error.message, /lower requests_per_minute/);
    } finally {
      diagnosticsChannel.unsubscribe('undici:request:trailers', stopAfterList as (message: unknown) => void);
      await emulator.stop();
    }
  });
});

describe('toConnectorError: a connection failure, by whether the host ever answered', () => {
  const cases: { detail: string; unreached: boolean; type: string; message: RegExp }[] = [
    {
      detail: 'ECONNREFUSED',
      unreached: true,
      type: 'config_error',
      message: /^Cannot reach h:443 \(from config\.base_url\): ECONNREFUSED, on every attempt/,
    },
    {
      detail: 'ENOTFOUND',
      unreached: true,
      type: 'config_error',
      message: /\(from config\.base_url\): ENOTFOUND.* Check config\.base_url/,
    },
    { detail: 'EAI_AGAIN', unreached: true, type: 'config_error', message: /\(from config\.base_url\): EAI_AGAIN/ },
    {
      detail: 'TLS handshake failed (CERT_HAS_EXPIRED)',
      unreached: true,
      type: 'config_error',
      message: /TLS handshake failed \(CERT_HAS_EXPIRED\)/,
    },
    {
      detail: 'ECONNREFUSED',
      unreached: false,
      type: 'transient_error',
      message:
        /^Feishu kept failing after 9 attempts .* Try again later; if it persists, check the network between the connector and h:443 \(config\.base_url\)\.$/,
    },
  ];
  for (const c of cases) {
    it(`${c.detail}, ${c.unreached ? 'never answered' : 'answered before'}: ${c.type}`, () => {
      const last = new FeishuTransportError('connect', 'h:443', c.detail);
      const error = toConnectorError(new RetriesExhaustedError('GET /x', 9, last, 20_000, c.unreached));
      assert.equal(error.failureType, c.type);
      assert.match(error.message, c.message);
      assert.doesNotMatch(error.message, /lower requests_per_minute/);
    });
  }
});
