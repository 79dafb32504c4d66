/**
 * Issue 12 point 6: check's CONNECTION_STATUS FAILED message passes the Emitter's redactor, also
 * when the server echoes a secret back in its `msg`. A small proxy in front of the emulator plays
 * such a server: it appends the request's Authorization header and body to every error's msg.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { text } from 'node:stream/consumers';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import { runCli } from './helpers/connector.js';
import { writeFiles } from '../harness/index.js';
import { emulatorConfig } from './helpers/fixtures.js';

async function startEchoingProxy(upstream: string): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const body = await text(req);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.headers.authorization) headers['authorization'] = req.headers.authorization;
      const answer = await fetch(upstream + req.url, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? body : undefined,
      });
      const envelope = (await answer.json()) as { code: number; msg: string };
      if (envelope.code !== 0) envelope.msg += `; you sent: ${req.headers.authorization ?? ''} ${body}`;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(envelope));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

function connectionStatus(messages: AirbyteMessage[]) {
  const found = messages.flatMap((m) => (m.type === 'CONNECTION_STATUS' ? [m.connectionStatus] : []));
  assert.equal(found.length, 1);
  return found[0]!;
}

describe("check's FAILED message is masked", () => {
  let emulator: FeishuEmulator;
  let proxy: { server: Server; baseUrl: string };
  before(async () => {
    emulator = await startEmulator({ seed: 5, codeCount: 1, instancesPerCode: 5 });
    proxy = await startEchoingProxy(emulator.baseUrl);
  });
  after(async () => {
    proxy.server.close();
    await emulator.stop();
  });

  it('a wrong app_secret echoed by the server', async () => {
    const wrongSecret = 'wrong-secret-4f9a2c';
    const files = writeFiles({
      'config.json': emulatorConfig(emulator, { base_url: proxy.baseUrl, app_secret: wrongSecret }),
    });
    const result = await runCli(['check', '--config', files['config.json']!]);
    assert.equal(result.code, 0);
    const status = connectionStatus(result.messages);
    assert.equal(status.status, 'FAILED');
    assert.match(status.message ?? '', /config\.app_secret.*10014.*you sent: .*\*\*\*\*/);
    assert.ok(!result.stdout.includes(wrongSecret), status.message);
    assert.ok(!result.stdout.includes(emulator.options.appId), 'app_id masked too');
  });

  it('an access token echoed by the server', async () => {
    // Almost every API call fails with a transient error; check's few retries run out.
    emulator.configure({ faultRate: 0.99 });
    try {
      const files = writeFiles({ 'config.json': emulatorConfig(emulator, { base_url: proxy.baseUrl }) });
      const result = await runCli(['check', '--config', files['config.json']!]);
      const status = connectionStatus(result.messages);
      assert.equal(status.status, 'FAILED');
      assert.match(status.message ?? '', /1395001.*you sent: Bearer \*\*\*\*/);
      assert.doesNotMatch(result.stdout, /\bt-[0-9a-f]{8,}/i, 'no tenant access token in the output');
    } finally {
      emulator.configure({ faultRate: 0 });
    }
  });
});
