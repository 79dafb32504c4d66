import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { FeishuClient, RetriesExhaustedError } from '../src/feishu/client.js';
import { FeishuTransportError } from '../src/feishu/errors.js';
import { ConnectorError } from '../src/kit/errors.js';
import { WindowChain } from '../src/source/scan/window-chain.js';
import { readWindow } from '../src/source/scan/window-reader.js';

/**
 * Bodies the emulator never sends (a success without data, fields of the
 * wrong type, a page token that repeats), from a small server on 127.0.0.1.
 */
let server: Server;
let baseUrl: string;
/** The body each API path answers with. */
const bodies = new Map<string, unknown>();
const hits = new Map<string, number>();

before(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = path.endsWith('/tenant_access_token/internal')
      ? { code: 0, msg: 'ok', tenant_access_token: 't-1', expire: 7200 }
      : (bodies.get(path) ?? { code: 0, msg: 'ok', data: {} });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): FeishuClient {
  return new FeishuClient({
    baseUrl,
    appId: 'a',
    appSecret: 'b',
    requestsPerMinute: 100_000,
    maxRetries: 1,
    timeoutMs: 2_000,
    retryBaseMs: 1,
  });
}

const LIST = '/open-apis/approval/v4/instances';
const REQ = { approvalCode: 'A', startMs: 0, endMs: 1_000, pageSize: 10 };

/** The list path answers `body`: a broken answer, retried once, then given up (naming `field` when given). */
async function assertBrokenList(body: unknown, field?: RegExp): Promise<void> {
  bodies.set(LIST, body);
  hits.clear();
  const c = client();
  try {
    await assert.rejects(
      c.listInstanceCodes(REQ),
      (e: unknown) =>
        e instanceof RetriesExhaustedError &&
        e.last instanceof FeishuTransportError &&
        e.last.failure === 'body' &&
        (field === undefined || field.test(e.last.message)),
    );
    assert.equal(hits.get(LIST), 2, 'one retry');
  } finally {
    await c.close();
  }
}

describe('Feishu response bodies are narrowed, not cast', () => {
  it('a success without a data object is a broken answer: retried, never read as an empty page', async () => {
    await assertBrokenList({ code: 0, msg: 'ok' });
  });

  it('list: a number among the codes, or has_more not a boolean, is a broken answer (issue 17): retried, then the field is named', async () => {
    const broken: [unknown, RegExp][] = [
      [{ instance_code_list: ['X', 7, 'Y'], has_more: false }, /data\.instance_code_list\[1\] is the number 7/],
      [{ instance_code_list: ['X'], has_more: 'yes' }, /data\.has_more is the string "yes", expected a boolean/],
    ];
    for (const [data, field] of broken) {
      await assertBrokenList({ code: 0, msg: 'ok', data }, field);
    }
  });

  it('detail: fields of the wrong type become undefined, the instance code falls back to the one asked for, other fields stay', async () => {
    bodies.set(`${LIST}/I-1`, {
      code: 0,
      msg: 'ok',
      data: { instance_code: 5, status: 'APPROVED', start_time: 1700000000000, task_list: 'none', reverted: false },
    });
    const c = client();
    try {
      const detail = await c.getInstance('I-1');
      assert.equal(detail.instance_code, 'I-1');
      assert.equal(detail.status, 'APPROVED');
      assert.equal(detail.start_time, undefined);
      assert.equal(detail.task_list, undefined);
      assert.equal(detail['reverted'], false);
    } finally {
      bodies.delete(`${LIST}/I-1`);
      await c.close();
    }
  });

  it('the window reader stops when has_more comes with the same page_token again', async () => {
    bodies.set(LIST, { code: 0, msg: 'ok', data: { instance_code_list: ['X'], has_more: true, page_token: 'T' } });
    const c = client();
    const range = { startMs: 0, endMs: 1_000 };
    const node = new WindowChain('A', range, [range], undefined).nodes[0]!;
    try {
      await assert.rejects(
        readWindow(
          node,
          {
            pageSize: 10,
            listPage: (req, signal) => c.listInstanceCodes(req, { signal }),
            emit: () => undefined,
            splitParts: () => 1,
            enqueue: () => {},
            onPageTokenExpired: () => {},
          },
          AbortSignal.timeout(5_000),
        ),
        (e: unknown) =>
          e instanceof ConnectorError &&
          /paging approval code 'A' .*page_token already followed in this window/.test(e.message),
      );
    } finally {
      await c.close();
    }
  });
});
