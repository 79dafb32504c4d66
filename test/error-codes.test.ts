/**
 * Issue 14 point 4, error codes as documented: what the connector tells the person for each code
 * (a table over toConnectorError), the tenant token refreshed once after 99991663 (a small HTTP
 * server that rejects the first token), and `check` against the emulator for a deleted definition
 * (1390016) and a missing scope (1390009).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import { FeishuClient, RetriesExhaustedError } from '../src/feishu/client.js';
import { FeishuApiError } from '../src/feishu/errors.js';
import { DEFAULT_SERVER_WAIT_LIMITS, ServerWaitLimitError } from '../src/feishu/server-waits.js';
import type { AirbyteConnectionStatus, AirbyteMessage } from '../src/kit/protocol.js';
import { toConnectorError } from '../src/source/sync/errors.js';
import { instanceCodes, logs, writeFiles } from '../harness/index.js';
import { assertSameSet, sync, truthCodes } from './helpers/sync.js';
import { runCli } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';

const DETAIL = 'GET /open-apis/approval/v4/instances/I-1';
const QUERY = 'POST /open-apis/approval/v4/instances/query';
const APPROVAL = 'GET /open-apis/approval/v4/approvals/A-1';
const TOKEN = 'POST /open-apis/auth/v3/tenant_access_token/internal';
const api = (code: number, endpoint: string, http = 400) => new FeishuApiError(code, 'msg', http, 'LOGID', endpoint);
const STREAMS = ['approval_instances', 'approval_instance_details'];
/** Wording that would blame the tenant token. */
const BLAMES_TENANT_TOKEN = /rejected the tenant access token|tenant access token (is |was )?(invalid|expired)/i;

describe('what each documented code tells the person', () => {
  const cases: Array<{
    name: string;
    error: FeishuApiError;
    approvalCode?: string;
    type: string;
    says: RegExp[];
    never?: RegExp;
  }> = [
    {
      name: '10014 app secret invalid',
      error: api(10014, TOKEN),
      type: 'config_error',
      says: [/config\.app_secret/, /10014/],
    },
    {
      name: '10015 wrong app_secret, like 10014',
      error: api(10015, TOKEN),
      type: 'config_error',
      says: [/config\.app_secret/, /10015/],
    },
    {
      name: '99991663 still rejected after a new token',
      error: api(99991663, DETAIL),
      type: 'config_error',
      says: [/config\.base_url/, /99991663/, /LOGID/],
    },
    {
      name: '99991677 is a user-token code',
      error: api(99991677, DETAIL),
      type: 'system_error',
      says: [/user access tokens/, /log id/],
      never: BLAMES_TENANT_TOKEN,
    },
    {
      name: '99991679 is a user-token code and names the scope',
      error: api(99991679, DETAIL),
      type: 'config_error',
      says: [/approval:approval:readonly/, /user/],
      never: BLAMES_TENANT_TOKEN,
    },
    {
      name: '1390009 on the detail API names its scope',
      error: api(1390009, DETAIL, 403),
      type: 'config_error',
      says: [/Grant approval:approval:readonly /],
    },
    {
      name: '1390009 on the bulk query names its own scope',
      error: api(1390009, QUERY, 403),
      type: 'config_error',
      says: [/Grant approval:approval\.list:readonly /],
    },
    {
      name: '99991672 names the scope',
      error: api(99991672, APPROVAL),
      type: 'config_error',
      says: [/Grant approval:approval:readonly /],
    },
    {
      name: '1390016 names the approval code and says deleted',
      error: api(1390016, APPROVAL),
      approvalCode: 'A-1',
      type: 'config_error',
      says: [/'A-1'/, /was deleted/, /1390016/],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const error = toConnectorError(c.error, { approvalCode: c.approvalCode });
      assert.equal(error.failureType, c.type);
      for (const part of c.says) assert.match(error.message, part);
      if (c.never) assert.doesNotMatch(error.message, c.never);
    });
  }
});

describe('retries or server waits run out: the message names the budget of that endpoint', () => {
  const cases: Array<[string, string]> = [
    ['GET /open-apis/approval/v4/instances', 'requests_per_minute'],
    ['GET /open-apis/approval/v4/instances/:code', 'detail_requests_per_minute'],
    ['POST /open-apis/approval/v4/instances/query', 'query_requests_per_minute'],
    ['GET /open-apis/approval/v4/approvals/:code', 'approval_requests_per_minute'],
  ];
  for (const [endpoint, field] of cases) {
    it(`${endpoint}: ${field}`, () => {
      const error = toConnectorError(new RetriesExhaustedError(endpoint, 9, api(99991400, endpoint, 429)));
      assert.match(error.message, new RegExp(`or lower ${field}\\.$`));
      const waits = toConnectorError(
        new ServerWaitLimitError(endpoint, 30_000, 900_000, DEFAULT_SERVER_WAIT_LIMITS, 'LOGID'),
      );
      assert.match(waits.message, new RegExp(`lower ${field} when other tools share the app`));
    });
  }
});

/** A Feishu stand-in whose approval endpoint rejects every token but the ones listed as good. */
async function tokenServer(
  goodFrom: number,
): Promise<{ server: Server; baseUrl: string; tokensIssued: () => number; rejected: () => number }> {
  let issued = 0;
  let rejected = 0;
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/open-apis/auth/'))
        return reply(200, { code: 0, msg: 'ok', tenant_access_token: `t-${++issued}`, expire: 7200 });
      const n = Number(/Bearer t-(\d+)/.exec(req.headers.authorization ?? '')?.[1]);
      if (!(n >= goodFrom)) {
        rejected++;
        return reply(400, { code: 99991663, msg: 'Invalid access token for authorization.' });
      }
      reply(200, { code: 0, msg: 'ok', data: { approval_name: 'Leave', status: 'ACTIVE' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    tokensIssued: () => issued,
    rejected: () => rejected,
  };
}

describe('99991663: a new tenant token, then one more try', () => {
  const clientFor = (baseUrl: string) =>
    new FeishuClient({
      baseUrl,
      appId: 'cli_a',
      appSecret: 's',
      requestsPerMinute: 1000,
      maxRetries: 3,
      timeoutMs: 5000,
      retryBaseMs: 5,
    });

  it('the second token is accepted: the call succeeds after one refresh', async () => {
    const stand = await tokenServer(2);
    const client = clientFor(stand.baseUrl);
    try {
      const definition = await client.getApproval('A-1');
      assert.equal(definition.approval_name, 'Leave');
      assert.deepEqual([stand.tokensIssued(), stand.rejected(), client.counters.retries], [2, 1, 0]);
    } finally {
      await client.close();
      stand.server.close();
    }
  });

  it('a new token rejected again fails at once, without retries or a third token', async () => {
    const stand = await tokenServer(Number.POSITIVE_INFINITY);
    const client = clientFor(stand.baseUrl);
    try {
      await assert.rejects(
        client.getApproval('A-1'),
        (e: unknown) => e instanceof FeishuApiError && e.code === 99991663,
      );
      assert.deepEqual([stand.tokensIssued(), stand.rejected()], [2, 2]);
    } finally {
      await client.close();
      stand.server.close();
    }
  });
});

function connectionStatus(messages: AirbyteMessage[]): AirbyteConnectionStatus {
  const found = messages.flatMap((m) => (m.type === 'CONNECTION_STATUS' ? [m.connectionStatus] : []));
  assert.equal(found.length, 1);
  return found[0]!;
}

describe('check against the emulator at its documented limits', () => {
  const emulator = emulatorForSuite({ seed: 14, codeCount: 2, instancesPerCode: 5 });

  it('a deleted definition is named, with the code; its history stays readable, so check passes', async () => {
    const [kept, gone] = emulator().approvalCodes as [string, string];
    emulator().deleteDefinition(gone);
    const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
    const result = await runCli(['check', '--config', files['config.json']!]);
    const status = connectionStatus(result.messages);
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message ?? '',
      new RegExp(`'${gone}' in config\\.approval_codes was deleted \\(Feishu code 1390016\\)`),
    );
    assert.ok(!(status.message ?? '').includes(kept));
    assert.ok(logs(result.messages).some((l) => l.level === 'WARN' && l.message.includes(gone)));
  });

  it('no permission (1390009) on the definition API names the scope to grant and the one stream it costs', async () => {
    emulator().configure({ deniedEndpoints: ['approval'] });
    try {
      const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
      const status = connectionStatus((await runCli(['check', '--config', files['config.json']!])).messages);
      // Only approval_definitions needs it: the approval streams still sync (test/check-scopes.test.ts has every scope).
      assert.equal(status.status, 'SUCCEEDED');
      assert.match(
        status.message ?? '',
        /Missing scope approval:approval:readonly \(definition API refused, Feishu code 1390009\): the approval_definitions stream fails/,
      );
    } finally {
      emulator().configure({ deniedEndpoints: [] });
    }
  });
});

describe('a read with a deleted definition', () => {
  // Rate limits off: the deleted definition is the subject here, not the list limit's 100/min
  // (144 windows at that pace took a minute; the documented limits have test/slow/).
  const emulator = emulatorForSuite({
    seed: 14,
    codeCount: 2,
    instancesPerCode: 5,
    listRateLimit: null,
    approvalRateLimit: null,
    detailRateLimit: null,
    queryRateLimit: null,
  });

  it('a read of both streams still delivers every instance of a deleted definition', async () => {
    const gone = emulator().approvalCodes[1]!;
    emulator().deleteDefinition(gone);
    const result = await sync(emulator(), { streams: STREAMS });
    for (const stream of STREAMS) assertSameSet(instanceCodes(result.messages, stream), truthCodes(emulator()), stream);
    assert.ok(
      instanceCodes(result.messages, STREAMS[1]).some((code) =>
        emulator()
          .truth(gone)
          .some((t) => t.instanceCode === code),
      ),
    );
  });
});
