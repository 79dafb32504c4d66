/**
 * Tests of the embedded Feishu Open API emulator, over real HTTP (global fetch) against an
 * in-process instance on a free 127.0.0.1 port. Each test owns and stops its own emulator, so the
 * suite runs its tests concurrently to stay well under 20 s.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FeishuEmulator, ManualClock, type EmulatorOptions, type InstanceTruth } from '../emulator/index.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

const HOUR = 3_600_000;
/** A fixed, hour-aligned span so ranges and edge instances are predictable. */
const SPAN_START = Date.UTC(2024, 0, 1, 0, 0, 0);
const SPAN_END = SPAN_START + 48 * HOUR;
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  if ((res.headers.get('content-type') ?? '').includes('application/json'))
    body = JSON.parse(text) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, text, body };
}

function postJson(url: string, payload: unknown): Promise<Reply> {
  return call(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  });
}

async function token(emu: FeishuEmulator): Promise<string> {
  const reply = await postJson(emu.baseUrl + TOKEN_PATH, {
    app_id: emu.options.appId,
    app_secret: emu.options.appSecret,
  });
  assert.equal(reply.body['code'], 0);
  return reply.body['tenant_access_token'] as string;
}

function get(emu: FeishuEmulator, path: string, tok?: string): Promise<Reply> {
  return call(emu.baseUrl + path, tok === undefined ? {} : { headers: { Authorization: `Bearer ${tok}` } });
}

interface ListData {
  instance_code_list: string[];
  page_token?: string;
  has_more: boolean;
}

function listPath(code: string, start: number, end: number, pageSize?: number, pageToken?: string): string {
  const q = new URLSearchParams({ approval_code: code, start_time: String(start), end_time: String(end) });
  if (pageSize !== undefined) q.set('page_size', String(pageSize));
  if (pageToken) q.set('page_token', pageToken);
  return `/open-apis/approval/v4/instances?${q.toString()}`;
}

/** Follows page tokens to the end; returns every code in the order served. */
async function listAll(
  emu: FeishuEmulator,
  tok: string,
  code: string,
  start: number,
  end: number,
  pageSize = 100,
): Promise<string[]> {
  const out: string[] = [];
  let pageToken = '';
  for (;;) {
    const reply = await get(emu, listPath(code, start, end, pageSize, pageToken), tok);
    assert.equal(reply.status, 200, reply.text);
    const data = reply.body['data'] as ListData;
    assert.ok(data.instance_code_list.length <= pageSize);
    out.push(...data.instance_code_list);
    if (!data.has_more) {
      assert.ok(!('page_token' in data), 'no page_token when has_more is false');
      return out;
    }
    assert.ok((data.page_token ?? '').length > 0);
    pageToken = data.page_token as string;
  }
}

function codesIn(truth: InstanceTruth[], keep: (t: number) => boolean): string[] {
  return truth.filter((t) => keep(t.createTimeMs)).map((t) => t.instanceCode);
}

function withEmulator(
  options: Partial<EmulatorOptions>,
  body: (emu: FeishuEmulator) => Promise<void>,
  clock?: ManualClock,
): Promise<void> {
  return withStartedEmulator({ spanStartMs: SPAN_START, spanEndMs: SPAN_END, ...options }, body, clock);
}

describe('Feishu emulator', { concurrency: true }, () => {
  test('token endpoint: success, same token, errors, expiry and refresh', async () => {
    // The emulator's clock stands still unless advanced: the TTL's quarters are exact.
    const clock = new ManualClock();
    await withEmulator(
      { tokenTtlSec: 3, instancesPerCode: 10 },
      async (emu) => {
        const url = emu.baseUrl + TOKEN_PATH;
        const first = await postJson(url, { app_id: emu.options.appId, app_secret: emu.options.appSecret });
        assert.equal(first.status, 200);
        assert.equal(first.body['code'], 0);
        assert.equal(first.body['msg'], 'ok');
        assert.match(first.body['tenant_access_token'] as string, /^t-[0-9a-f]+$/);
        assert.equal(first.body['expire'], 3);
        assert.match(first.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
        assert.ok(first.headers.get('x-tt-logid'));
        const tok = first.body['tenant_access_token'] as string;

        // More than a quarter of the TTL (750 ms) left: the same token comes back, with what is left.
        clock.advance(2200);
        const again = await postJson(url, { app_id: emu.options.appId, app_secret: emu.options.appSecret });
        assert.equal(again.body['tenant_access_token'], tok);
        assert.equal(again.body['expire'], 0, '800 ms left: whole seconds, rounded down');

        const badId = await postJson(url, { app_id: 'nope', app_secret: emu.options.appSecret });
        assert.deepEqual([badId.status, badId.body['code']], [400, 10003]);
        const badSecret = await postJson(url, { app_id: emu.options.appId, app_secret: 'wrong' });
        assert.deepEqual([badSecret.status, badSecret.body['code']], [400, 10014]);
        const noBody = await call(url, { method: 'POST' });
        assert.deepEqual([noBody.status, noBody.body['code']], [400, 10003]);

        const code = emu.approvalCodes[0] as string;
        const path = listPath(code, SPAN_START, SPAN_START + HOUR);
        assert.equal((await get(emu, path)).body['code'], 99991661);
        assert.equal((await get(emu, path, 't-unknown')).body['code'], 99991663);
        assert.equal((await get(emu, path, tok)).body['code'], 0);

        // Under a quarter of the TTL (750 ms) left: a new token, while the old one stays valid.
        clock.advance(150);
        const fresh = (await postJson(url, { app_id: emu.options.appId, app_secret: emu.options.appSecret })).body;
        assert.notEqual(fresh['tenant_access_token'], tok);
        assert.equal(fresh['expire'], 3);
        clock.advance(649);
        assert.equal((await get(emu, path, tok)).body['code'], 0, 'the old token is valid up to its last millisecond');
        assert.equal((await get(emu, path, fresh['tenant_access_token'] as string)).body['code'], 0);
        clock.advance(1);
        const expired = await get(emu, path, tok);
        assert.deepEqual([expired.status, expired.body['code']], [400, 99991663]);
        assert.equal(emu.stats().tokensIssued, 2);
      },
      clock,
    );
  });

  test('expireAllTokens makes every issued token answer 99991663', async () => {
    await withEmulator({ instancesPerCode: 5 }, async (emu) => {
      const tok = await token(emu);
      const path = `/open-apis/approval/v4/approvals/${emu.approvalCodes[0] as string}`;
      assert.equal((await get(emu, path, tok)).body['code'], 0);
      emu.expireAllTokens();
      assert.equal((await get(emu, path, tok)).body['code'], 99991663);
      const next = await token(emu);
      assert.notEqual(next, tok);
      assert.equal((await get(emu, path, next)).body['code'], 0);
    });
  });

  test('list paging covers the truth of a range exactly once, in order', async () => {
    await withEmulator({ instancesPerCode: 3000, edgeInstancesEveryMs: HOUR, listRateLimit: null }, async (emu) => {
      const tok = await token(emu);
      for (const code of emu.approvalCodes) {
        const truth = emu.truth(code);
        assert.equal(truth.length, 3000 + 49); // 49 round hours in [start, start + 48 h]
        const start = SPAN_START + 5 * HOUR + 1234;
        const end = start + 10 * HOUR;
        const got = await listAll(emu, tok, code, start, end, 37);
        assert.deepEqual(
          got,
          codesIn(truth, (t) => t >= start && t <= end),
        );
        assert.equal(new Set(got).size, got.length);
      }
      // Truth is sorted by createTimeMs, then instanceCode.
      const all = emu.truth();
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1] as InstanceTruth;
        const b = all[i] as InstanceTruth;
        assert.ok(
          a.createTimeMs < b.createTimeMs || (a.createTimeMs === b.createTimeMs && a.instanceCode < b.instanceCode),
        );
      }
    });
  });

  test('bound semantics with instances exactly on start and end', async () => {
    await withEmulator({ instancesPerCode: 200, edgeInstancesEveryMs: HOUR, listRateLimit: null }, async (emu) => {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      const truth = emu.truth(code);
      const start = SPAN_START + 10 * HOUR;
      const end = start + 10 * HOUR;
      const atStart = truth.filter((t) => t.createTimeMs === start).map((t) => t.instanceCode);
      const atEnd = truth.filter((t) => t.createTimeMs === end).map((t) => t.instanceCode);
      assert.ok(atStart.length >= 1 && atEnd.length >= 1);

      const expected = {
        inclusive: codesIn(truth, (t) => t >= start && t <= end),
        end_exclusive: codesIn(truth, (t) => t >= start && t < end),
        start_exclusive: codesIn(truth, (t) => t > start && t <= end),
      } as const;
      for (const bounds of ['inclusive', 'end_exclusive', 'start_exclusive'] as const) {
        emu.configure({ bounds });
        const got = await listAll(emu, tok, code, start, end);
        assert.deepEqual(got, expected[bounds], bounds);
        assert.equal(
          atStart.every((c) => got.includes(c)),
          bounds !== 'start_exclusive',
          `${bounds} start`,
        );
        assert.equal(
          atEnd.every((c) => got.includes(c)),
          bounds !== 'end_exclusive',
          `${bounds} end`,
        );
      }
      // A zero-width inclusive range returns exactly the instances on that millisecond.
      emu.configure({ bounds: 'inclusive' });
      assert.deepEqual(await listAll(emu, tok, code, start, start), atStart);
    });
  });

  test('list validation: 10-hour cap, params, unknown code, page tokens', async () => {
    await withEmulator({ instancesPerCode: 500, listRateLimit: null }, async (emu) => {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      const expectCode = async (path: string, status: number, bodyCode: number, msg?: RegExp): Promise<void> => {
        const r = await get(emu, path, tok);
        assert.equal(r.status, status, path);
        assert.equal(r.body['code'], bodyCode, path);
        if (msg) assert.match(r.body['msg'] as string, msg);
      };
      await expectCode(listPath(code, SPAN_START, SPAN_START + 10 * HOUR), 200, 0);
      await expectCode(listPath(code, SPAN_START, SPAN_START + 10 * HOUR + 1), 400, 1390001, /^param is invalid/);
      await expectCode(listPath(code, SPAN_START + 5, SPAN_START), 400, 1390001);
      await expectCode(
        `/open-apis/approval/v4/instances?approval_code=${code}&end_time=${SPAN_START}`,
        400,
        1390001,
        /start_time/,
      );
      await expectCode(
        `/open-apis/approval/v4/instances?approval_code=${code}&start_time=abc&end_time=${SPAN_START}`,
        400,
        1390001,
      );
      await expectCode(listPath(code, SPAN_START, SPAN_START + HOUR, 0), 400, 1390001);
      await expectCode(listPath(code, SPAN_START, SPAN_START + HOUR, 101), 400, 1390001);
      await expectCode(listPath(code, SPAN_START, SPAN_START + HOUR, 100), 200, 0);
      await expectCode(listPath('NOT-A-CODE', SPAN_START, SPAN_START + HOUR), 400, 1390002, /approval code not found/);
      await expectCode(listPath(code, SPAN_START, SPAN_START + HOUR, 10, 'bogus'), 400, 1390001, /page_token/);

      // A page token belongs to its query.
      const first = (await get(emu, listPath(code, SPAN_START, SPAN_START + 10 * HOUR, 5), tok)).body[
        'data'
      ] as ListData;
      assert.equal(first.has_more, true);
      await expectCode(listPath(code, SPAN_START, SPAN_START + 9 * HOUR, 5, first.page_token), 400, 1390001);
      // The same token twice yields the same page (safe retries).
      const a = (await get(emu, listPath(code, SPAN_START, SPAN_START + 10 * HOUR, 5, first.page_token), tok)).body[
        'data'
      ] as ListData;
      const b = (await get(emu, listPath(code, SPAN_START, SPAN_START + 10 * HOUR, 5, first.page_token), tok)).body[
        'data'
      ] as ListData;
      assert.deepEqual(a.instance_code_list, b.instance_code_list);
    });
  });

  test('page tokens expire after pageTokenTtlMs', async () => {
    const clock = new ManualClock();
    await withEmulator(
      { instancesPerCode: 500, pageTokenTtlMs: 60_000, listRateLimit: null },
      async (emu) => {
        const tok = await token(emu);
        const code = emu.approvalCodes[0] as string;
        const path = (pt?: string): string => listPath(code, SPAN_START, SPAN_START + 10 * HOUR, 5, pt);
        const first = (await get(emu, path(), tok)).body['data'] as ListData;
        assert.equal(first.has_more, true);
        assert.equal((await get(emu, path(first.page_token), tok)).body['code'], 0);
        // Expiry is judged at look-up time on the emulator's clock: valid for exactly the TTL.
        clock.advance(60_000);
        assert.equal((await get(emu, path(first.page_token), tok)).body['code'], 0, 'still valid at the TTL');
        clock.advance(1);
        const late = await get(emu, path(first.page_token), tok);
        assert.equal(late.status, 400);
        assert.equal(late.body['code'], 1390001);
        assert.equal(late.body['msg'], 'param is invalid: page_token expired');
        // A fresh scroll works again.
        assert.equal((await get(emu, path(), tok)).body['code'], 0);
      },
      clock,
    );
  });

  test('rate limit answers 429 99991400 with x-ogw-ratelimit headers', async () => {
    await withEmulator({ instancesPerCode: 50, listRateLimit: { limit: 5, windowMs: 60_000 } }, async (emu) => {
      const tok = await token(emu);
      const path = listPath(emu.approvalCodes[0] as string, SPAN_START, SPAN_START + HOUR);
      const replies: Reply[] = [];
      for (let i = 0; i < 12; i++) replies.push(await get(emu, path, tok));
      const limited = replies.filter((r) => r.status === 429);
      // A sliding minute: only 5 of the burst pass.
      assert.equal(limited.length, 7);
      for (const r of limited) {
        assert.equal(r.body['code'], 99991400);
        assert.equal(r.headers.get('x-ogw-ratelimit-limit'), '5');
        const reset = Number(r.headers.get('x-ogw-ratelimit-reset'));
        assert.ok(Number.isInteger(reset) && reset >= 1 && reset <= 60, `reset ${reset}`);
      }
      const stats = emu.stats();
      assert.equal(stats.rateLimited, limited.length);
      assert.equal(stats.requests['list'], 12);
      assert.equal(stats.listRequestTimes.length, 12);
      // The detail endpoint has its own budget.
      const detail = await get(
        emu,
        `/open-apis/approval/v4/instances/${(emu.truth()[0] as InstanceTruth).instanceCode}`,
        tok,
      );
      assert.equal(detail.body['code'], 0);
    });
  });

  test('fault rates are close to the configured ones', async () => {
    await withEmulator(
      { instancesPerCode: 5, faultRate: 0.2, htmlFaultRate: 0.1, approvalRateLimit: null },
      async (emu) => {
        const tok = await token(emu);
        const path = `/open-apis/approval/v4/approvals/${emu.approvalCodes[0] as string}`;
        const n = 1000;
        const replies: Reply[] = [];
        for (let i = 0; i < n; i += 50) {
          replies.push(...(await Promise.all(Array.from({ length: 50 }, () => get(emu, path, tok)))));
        }
        const faults = replies.filter((r) => r.status === 400 && r.body['code'] === 1395001);
        const html = replies.filter((r) => r.status === 502);
        assert.ok(Math.abs(faults.length / n - 0.2) < 0.05, `faults ${faults.length}`);
        assert.ok(Math.abs(html.length / n - 0.1) < 0.04, `html ${html.length}`);
        assert.equal(faults[0]?.body['msg'], 'There have been some errors. Please try again later');
        assert.match(html[0]?.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(html[0]?.text, '<html><body><h1>502 Bad Gateway</h1></body></html>');
        assert.ok(html[0]?.headers.get('x-tt-logid'));
        assert.equal(faults.length + html.length + replies.filter((r) => r.body['code'] === 0).length, n);
        const stats = emu.stats();
        assert.equal(stats.responsesByCode['html502'], html.length);
        assert.equal(stats.responsesByCode['1395001'], faults.length);
        // The token endpoint never faults.
        for (let i = 0; i < 30; i++) assert.equal(typeof (await token(emu)), 'string');
        // With latency, concurrent requests overlap and the peak is recorded.
        emu.configure({ faultRate: 0, htmlFaultRate: 0, latencyMs: 50 });
        await Promise.all(Array.from({ length: 10 }, () => get(emu, path, tok)));
        assert.ok(emu.stats().maxInFlight >= 2);
      },
    );
  });

  test('late indexing: an added instance is listed only after its index delay', async () => {
    const clock = new ManualClock();
    await withEmulator(
      { instancesPerCode: 10, listRateLimit: null },
      async (emu) => {
        const tok = await token(emu);
        const code = emu.approvalCodes[1] as string;
        const [added] = emu.addInstances({ approvalCode: code, count: 1, indexDelayMs: 1000 });
        assert.ok(added);
        assert.equal(added.indexedAtMs, added.createTimeMs + 1000);
        assert.ok(emu.truth(code).some((t) => t.instanceCode === added.instanceCode));
        const range = (): [number, number] => [added.createTimeMs - HOUR, added.createTimeMs + 1000];
        assert.ok(!(await listAll(emu, tok, code, ...range())).includes(added.instanceCode), 'not yet indexed');
        // The detail endpoint sees it at once.
        const detail = await get(emu, `/open-apis/approval/v4/instances/${added.instanceCode}`, tok);
        assert.equal(detail.body['code'], 0);
        clock.advance(added.indexedAtMs - 1 - clock.now());
        assert.ok(
          !(await listAll(emu, tok, code, ...range())).includes(added.instanceCode),
          'not indexed 1 ms before its time',
        );
        clock.advance(1);
        assert.ok((await listAll(emu, tok, code, ...range())).includes(added.instanceCode), 'indexed at its time');
      },
      clock,
    );
  });

  test('exhausted quota answers 429 99991403 everywhere, token included', async () => {
    await withEmulator({ instancesPerCode: 5 }, async (emu) => {
      const tok = await token(emu);
      emu.configure({ quotaExhausted: true });
      const t = await postJson(emu.baseUrl + TOKEN_PATH, {
        app_id: emu.options.appId,
        app_secret: emu.options.appSecret,
      });
      assert.deepEqual([t.status, t.body['code']], [429, 99991403]);
      const l = await get(emu, listPath(emu.approvalCodes[0] as string, SPAN_START, SPAN_START + HOUR), tok);
      assert.deepEqual([l.status, l.body['code']], [429, 99991403]);
      assert.match(l.body['msg'] as string, /quota/);
      emu.configure({ quotaExhausted: false });
      assert.equal(
        (await get(emu, listPath(emu.approvalCodes[0] as string, SPAN_START, SPAN_START + HOUR), tok)).body['code'],
        0,
      );
    });
  });

  test('approval definition endpoint', async () => {
    await withEmulator({ instancesPerCode: 5 }, async (emu) => {
      const tok = await token(emu);
      const code = emu.approvalCodes[1] as string;
      const ok = await get(emu, `/open-apis/approval/v4/approvals/${code}`, tok);
      const data = ok.body['data'] as Record<string, unknown>;
      assert.deepEqual([ok.body['code'], ok.body['msg']], [0, 'success']);
      // As documented: approval_name, status, form, node_list, viewers; no approval_code.
      assert.deepEqual(Object.keys(data).sort(), ['approval_name', 'form', 'node_list', 'status', 'viewers']);
      assert.deepEqual([data['approval_name'], data['status']], ['Emulated approval 2', 'ACTIVE']);
      const form = JSON.parse(data['form'] as string) as Array<Record<string, unknown>>;
      assert.ok(form.some((w) => w['type'] === 'fieldList' && Array.isArray(w['children'])));
      const nodes = data['node_list'] as Array<Record<string, unknown>>;
      for (const node of nodes) {
        for (const key of ['name', 'need_approver', 'node_id', 'custom_node_id', 'node_type', 'approver_chosen_multi'])
          assert.ok(key in node, key);
      }
      const missing = await get(emu, '/open-apis/approval/v4/approvals/NOPE', tok);
      assert.deepEqual([missing.status, missing.body['code']], [400, 1390002]);
      const unknownPath = await get(emu, '/open-apis/nothing/here', tok);
      assert.deepEqual([unknownPath.status, unknownPath.body], [404, { code: 404, msg: 'not found' }]);
      assert.ok(unknownPath.headers.get('x-tt-logid'));
      assert.notEqual(ok.headers.get('x-tt-logid'), unknownPath.headers.get('x-tt-logid'));
    });
  });

  test('instance detail shape, status model and setInstanceStatus', async () => {
    // The status anchor is set in start(), at the clock's time t0; "soon" instances finalise 1-5 s after it.
    const clock = new ManualClock();
    const t0 = clock.now();
    await withEmulator(
      { instancesPerCode: 40, pendingRatio: 1, codeCount: 1, detailRateLimit: null },
      async (emu) => {
        const tok = await token(emu);
        const truth = emu.truth();
        const detailOf = async (code: string): Promise<Record<string, unknown>> => {
          const r = await get(emu, `/open-apis/approval/v4/instances/${code}`, tok);
          assert.equal(r.body['code'], 0, r.text);
          return r.body['data'] as Record<string, unknown>;
        };
        const first = truth[0] as InstanceTruth;
        const d = await detailOf(first.instanceCode);
        assert.equal(d['approval_code'], first.approvalCode);
        assert.equal(d['approval_name'], 'Emulated approval 1');
        assert.equal(d['instance_code'], first.instanceCode);
        assert.equal(d['start_time'], String(first.createTimeMs));
        for (const key of ['serial_number', 'user_id', 'open_id', 'department_id', 'uuid'])
          assert.equal(typeof d[key], 'string', key);
        const form = JSON.parse(d['form'] as string) as Array<Record<string, unknown>>;
        assert.ok(Array.isArray(form) && form.length > 0);
        assert.deepEqual(Object.keys(form[0] ?? {}).sort(), ['custom_id', 'id', 'name', 'type', 'value']);
        assert.ok(Array.isArray(d['task_list']) && Array.isArray(d['comment_list']) && Array.isArray(d['timeline']));
        const task = (d['task_list'] as Array<Record<string, unknown>>)[0] ?? {};
        for (const key of ['id', 'user_id', 'open_id', 'status', 'node_id', 'node_name', 'start_time', 'end_time'])
          assert.ok(key in task, key);
        assert.equal((d['timeline'] as Array<Record<string, unknown>>)[0]?.['type'], 'START');

        // pendingRatio 1: everything starts PENDING; some finalise within seconds, others stay.
        const statuses = async (): Promise<string[]> =>
          Promise.all(truth.map(async (t) => (await detailOf(t.instanceCode))['status'] as string));
        const finalCount = (list: string[]): number => list.filter((s) => s !== 'PENDING').length;
        assert.equal(finalCount(await statuses()), 0, 'all PENDING at the anchor');
        clock.advance(999);
        assert.equal(finalCount(await statuses()), 0, 'none final within the first second');
        clock.advance(t0 + 5000 - clock.now());
        const after = await statuses();
        assert.ok(finalCount(after) > 0, 'some instance is final within 5 s');
        assert.ok(
          after.some((s) => s === 'PENDING'),
          'some instance stays pending for hours',
        );
        const finalised = truth[after.findIndex((s) => s !== 'PENDING')] as InstanceTruth;
        const fd = await detailOf(finalised.instanceCode);
        assert.notEqual(fd['end_time'], '0');
        assert.ok(Number(fd['end_time']) >= finalised.createTimeMs);
        assert.ok(['APPROVED', 'REJECTED', 'CANCELED'].includes(fd['status'] as string));

        // Changes of one instance are kept a millisecond apart at least: the clock moves between them.
        const target = truth[5] as InstanceTruth;
        emu.setInstanceStatus(target.instanceCode, 'PENDING');
        assert.deepEqual(
          [(await detailOf(target.instanceCode))['status'], (await detailOf(target.instanceCode))['end_time']],
          ['PENDING', '0'],
        );
        clock.advance(1);
        emu.setInstanceStatus(target.instanceCode, 'APPROVED');
        clock.advance(1);
        const approved = await detailOf(target.instanceCode);
        assert.equal(approved['status'], 'APPROVED');
        assert.notEqual(approved['end_time'], '0');
        assert.ok((approved['timeline'] as Array<Record<string, unknown>>).some((e) => e['type'] === 'PASS'));
        emu.setInstanceStatus(target.instanceCode, 'REJECTED');
        clock.advance(1);
        assert.equal((await detailOf(target.instanceCode))['status'], 'REJECTED');
      },
      clock,
    );
  });

  test('deleteInstance removes it from detail, list and truth', async () => {
    await withEmulator({ instancesPerCode: 300, listRateLimit: null }, async (emu) => {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      const victim = emu.truth(code)[100] as InstanceTruth;
      const start = victim.createTimeMs - HOUR;
      const end = victim.createTimeMs + HOUR;
      assert.ok((await listAll(emu, tok, code, start, end)).includes(victim.instanceCode));
      emu.deleteInstance(victim.instanceCode);
      const detail = await get(emu, `/open-apis/approval/v4/instances/${victim.instanceCode}`, tok);
      assert.deepEqual(
        [detail.status, detail.body['code'], detail.body['msg']],
        [400, 1390003, 'instance code not found'],
      );
      assert.ok(!(await listAll(emu, tok, code, start, end)).includes(victim.instanceCode));
      assert.ok(!emu.truth().some((t) => t.instanceCode === victim.instanceCode));
      assert.equal(emu.truth(code).length, 299);
      const unknown = await get(emu, '/open-apis/approval/v4/instances/00000000-0000-0000-0000-000000000000', tok);
      assert.equal(unknown.body['code'], 1390003);
    });
  });

  test('admin endpoints', async () => {
    await withEmulator({ instancesPerCode: 20, codeCount: 2 }, async (emu) => {
      const base = emu.baseUrl;
      const truth = await call(`${base}/_emulator/truth`);
      const rows = truth.body['instances'] as Array<Record<string, unknown>>;
      assert.equal(rows.length, 40);
      assert.deepEqual(Object.keys(rows[0] ?? {}).sort(), [
        'approval_code',
        'create_time_ms',
        'indexed_at_ms',
        'instance_code',
      ]);
      const code = emu.approvalCodes[1] as string;
      const one = await call(`${base}/_emulator/truth?approval_code=${code}`);
      assert.equal((one.body['instances'] as unknown[]).length, 20);

      const config = await postJson(`${base}/_emulator/config`, { latencyMs: 30, bounds: 'end_exclusive' });
      assert.equal(config.status, 200);
      assert.equal(config.body['latencyMs'], 30);
      assert.equal(config.body['bounds'], 'end_exclusive');
      assert.ok(!('appSecret' in config.body));
      assert.equal(emu.options.latencyMs, 30);
      assert.equal((await postJson(`${base}/_emulator/config`, { nope: 1 })).status, 400);
      assert.equal((await postJson(`${base}/_emulator/config`, { instancesPerCode: 5 })).status, 400);

      const added = await postJson(`${base}/_emulator/instances`, {
        approval_code: code,
        count: 3,
        created_from_ms: SPAN_START,
        created_to_ms: SPAN_START + 1000,
      });
      const addedRows = added.body['instances'] as Array<Record<string, unknown>>;
      assert.equal(addedRows.length, 3);
      assert.equal(emu.truth(code).length, 23);

      const tok = await token(emu);
      const started = Date.now();
      await get(emu, listPath(code, SPAN_START, SPAN_START + HOUR), tok);
      assert.ok(Date.now() - started >= 25, 'latency applied');
      const stats = await call(`${base}/_emulator/stats`);
      assert.equal((stats.body['requests'] as Record<string, number>)['list'], 1);
      assert.equal((stats.body['requests'] as Record<string, number>)['token'], 1);
      assert.ok(!('listRequestTimes' in stats.body));
      const withTimes = await call(`${base}/_emulator/stats?times=1`);
      assert.equal((withTimes.body['listRequestTimes'] as number[]).length, 1);
      assert.equal((await call(`${base}/_emulator/stats/reset`, { method: 'POST' })).status, 200);
      assert.deepEqual(emu.stats().requests, {});

      await call(`${base}/_emulator/tokens/expire`, { method: 'POST' });
      assert.equal((await get(emu, listPath(code, SPAN_START, SPAN_START + HOUR), tok)).body['code'], 99991663);
    });
  });

  test('the same seed gives the same data set', () => {
    const a = new FeishuEmulator({ spanStartMs: SPAN_START, spanEndMs: SPAN_END, instancesPerCode: 100 });
    const b = new FeishuEmulator({ spanStartMs: SPAN_START, spanEndMs: SPAN_END, instancesPerCode: 100 });
    const c = new FeishuEmulator({ spanStartMs: SPAN_START, spanEndMs: SPAN_END, instancesPerCode: 100, seed: 7 });
    assert.deepEqual(a.truth(), b.truth());
    assert.notDeepEqual(a.truth(), c.truth());
    assert.match(a.approvalCodes[0] as string, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.deepEqual(
      a.addInstances({
        approvalCode: a.approvalCodes[0] as string,
        count: 2,
        createdFromMs: SPAN_START,
        createdToMs: SPAN_END,
      }),
      b.addInstances({
        approvalCode: b.approvalCodes[0] as string,
        count: 2,
        createdFromMs: SPAN_START,
        createdToMs: SPAN_END,
      }),
    );
  });
});

/** Heavy and process-spawning tests run after the timing-sensitive ones, not alongside them. */
describe('Feishu emulator at scale and as a process', () => {
  test('one million instances are generated and served', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 1_000_000, listRateLimit: null }, async (emu) => {
      assert.equal(emu.instanceCount, 1_000_000);
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      const start = SPAN_START + 20 * HOUR;
      const got = await listAll(emu, tok, code, start, start + HOUR);
      const truth = emu.truth(code);
      assert.equal(truth.length, 1_000_000);
      assert.deepEqual(
        got,
        codesIn(truth, (t) => t >= start && t <= start + HOUR),
      );
      // Details are built on demand; the bulk query pages a 30-day span of a million instances.
      const detail = await get(emu, `/open-apis/approval/v4/instances/${got[0] as string}`, tok);
      assert.equal((detail.body['data'] as Record<string, unknown>)['instance_code'], got[0]);
      const query = await call(`${emu.baseUrl}/open-apis/approval/v4/instances/query?page_size=200`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok}` },
        body: JSON.stringify({
          approval_code: code,
          instance_start_time_from: String(start),
          instance_start_time_to: String(start + HOUR),
        }),
      });
      const data = query.body['data'] as { count: number; instance_list: Array<{ instance: { code: string } }> };
      assert.equal(data.count, got.length);
      assert.deepEqual(
        data.instance_list.map((i) => i.instance.code),
        got.slice(0, 200),
      );
    });
  });

  test('CLI prints one JSON line and exits 0 on SIGTERM', async () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator', 'cli.js');
    const child = spawn(process.execPath, [cli, '--instances', '50', '--codes', '3', '--seed', '9'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line) as Record<string, unknown>;
      assert.match(info['base_url'] as string, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info['app_id'], 'cli_emulator_app');
      assert.equal(typeof info['app_secret'], 'string');
      assert.equal((info['approval_codes'] as string[]).length, 3);
      assert.equal(info['instances'], 150);
      const t = await postJson(`${info['base_url'] as string}${TOKEN_PATH}`, {
        app_id: info['app_id'],
        app_secret: info['app_secret'],
      });
      assert.equal(t.body['code'], 0);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [exitCode] = (await exited) as [number | null];
      assert.equal(exitCode, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
