/**
 * The emulator's bulk query (POST /open-apis/approval/v4/instances/query) and the status changes
 * after final (revoke, delete in both modes, PENDING -> final, deleted definition, denied
 * permission), over real HTTP through the admin API, as the connector's tests will drive them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, type EmulatorOptions, type FeishuEmulator } from '../emulator/index.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

const DAY = 86_400_000;
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const QUERY_PATH = '/open-apis/approval/v4/instances/query';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function call(emu: FeishuEmulator, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(emu.baseUrl + path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function token(emu: FeishuEmulator): Promise<string> {
  const r = await call(emu, TOKEN_PATH, {
    method: 'POST',
    body: JSON.stringify({ app_id: emu.options.appId, app_secret: emu.options.appSecret }),
  });
  return r.body['tenant_access_token'] as string;
}

function admin(emu: FeishuEmulator, path: string, method: string, body?: unknown): Promise<Reply> {
  return call(emu, `/_emulator${path}`, body === undefined ? { method } : { method, body: JSON.stringify(body) });
}

interface QueryItem {
  approval: { code: string; name: string };
  group: Record<string, unknown>;
  instance: {
    code: string;
    user_id: string;
    start_time: string;
    end_time: string;
    status: string;
    title: string;
    serial_id: string;
    external_id: string;
    extra: string;
    link: Record<string, string>;
  };
}
interface QueryData {
  count: number;
  instance_list: QueryItem[];
  page_token?: string;
  has_more: boolean;
}

function query(
  emu: FeishuEmulator,
  tok: string,
  body: Record<string, unknown>,
  params: Record<string, string> = {},
): Promise<Reply> {
  const q = new URLSearchParams(params).toString();
  return call(emu, `${QUERY_PATH}${q ? `?${q}` : ''}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
}

/** Follows page tokens; checks that page_token is absent exactly when has_more is false. */
async function queryAll(
  emu: FeishuEmulator,
  tok: string,
  body: Record<string, unknown>,
  pageSize = 200,
): Promise<{ items: QueryItem[]; pages: QueryData[] }> {
  const items: QueryItem[] = [];
  const pages: QueryData[] = [];
  let pageToken = '';
  for (;;) {
    const r = await query(
      emu,
      tok,
      body,
      pageToken ? { page_size: String(pageSize), page_token: pageToken } : { page_size: String(pageSize) },
    );
    assert.equal(r.body['code'], 0, JSON.stringify(r.body));
    const data = r.body['data'] as QueryData;
    pages.push(data);
    assert.ok(data.instance_list.length <= pageSize);
    items.push(...data.instance_list);
    if (!data.has_more) {
      assert.ok(!('page_token' in data), 'no page_token when has_more is false');
      return { items, pages };
    }
    assert.ok((data.page_token ?? '').length > 0);
    pageToken = data.page_token as string;
  }
}

async function detail(emu: FeishuEmulator, tok: string, code: string): Promise<Reply> {
  return call(emu, `/open-apis/approval/v4/instances/${code}`, { headers: { Authorization: `Bearer ${tok}` } });
}

function withEmulator(
  options: Partial<EmulatorOptions>,
  body: (emu: FeishuEmulator, tok: string) => Promise<void>,
  clock?: ManualClock,
): Promise<void> {
  const now = clock?.now() ?? Date.now();
  const unlimited = { listRateLimit: null, detailRateLimit: null, queryRateLimit: null };
  return withStartedEmulator(
    { spanStartMs: now - 20 * DAY, spanEndMs: now - 60_000, ...unlimited, ...options },
    async (emu) => body(emu, await token(emu)),
    clock,
  );
}

describe('Emulator bulk query and status changes', { concurrency: true }, () => {
  test('query: every instance once, in creation order, statuses as the detail says, paging and shape', async () => {
    await withEmulator({ codeCount: 2, instancesPerCode: 450, pendingRatio: 0.3 }, async (emu, tok) => {
      const code = emu.approvalCodes[0] as string;
      const now = Date.now();
      const body = {
        approval_code: code,
        instance_status: 'ALL',
        instance_start_time_from: String(now - 25 * DAY),
        instance_start_time_to: String(now),
      };
      // Some PENDING instances finalise seconds after start: a status is right if it matches the
      // oracle just before or just after the query.
      const statusesBefore = new Map(emu.statuses(code).map((s) => [s.instanceCode, s.status]));
      const { items, pages } = await queryAll(emu, tok, body, 200);
      assert.equal(pages.length, 3);
      assert.deepEqual(
        pages.map((p) => p.instance_list.length),
        [200, 200, 50],
      );
      assert.ok(pages.every((p) => p.count === 450));
      assert.deepEqual(
        items.map((i) => i.instance.code),
        emu.truth(code).map((t) => t.instanceCode),
      );
      const truthStatus = new Map(emu.statuses(code).map((s) => [s.instanceCode, s.status]));
      const changed = (c: string): boolean => statusesBefore.get(c) !== truthStatus.get(c);
      for (const it of items) {
        assert.equal(it.approval.code, code);
        assert.equal(it.approval.name, 'Emulated approval 1');
        const expected = [statusesBefore.get(it.instance.code), truthStatus.get(it.instance.code)].map((x) =>
          (x ?? '').toLowerCase(),
        );
        assert.ok(expected.includes(it.instance.status), `${it.instance.status} vs ${expected.join()}`);
        assert.match(it.instance.user_id, /^ou_/); // user_id_type defaults to open_id
        for (const key of ['start_time', 'end_time', 'title', 'serial_id', 'external_id', 'extra', 'link'])
          assert.ok(key in it.instance, key);
      }
      // Status filters partition ALL (no revoked instances here).
      const byFilter = async (status: string): Promise<string[]> =>
        (await queryAll(emu, tok, { ...body, instance_status: status })).items.map((i) => i.instance.code);
      const parts = await Promise.all(['PENDING', 'APPROVED', 'REJECT', 'RECALL', 'DELETED'].map(byFilter));
      const statusesAfter = new Map(emu.statuses(code).map((s) => [s.instanceCode, s.status]));
      const moving = [...statusesAfter.keys()].filter(
        (c) => changed(c) || statusesAfter.get(c) !== truthStatus.get(c),
      ).length;
      assert.equal(new Set(parts.flat()).size, 450, 'the filters cover every instance');
      const total = parts.reduce((n, p) => n + p.length, 0);
      assert.ok(total >= 450 && total <= 450 + moving, `total ${total}, moving ${moving}`);
      assert.ok(
        (parts[0] as string[]).length > 0 && (parts[1] as string[]).length > 0 && (parts[2] as string[]).length > 0,
      );
      const detailStatus = (
        (await detail(emu, tok, (parts[2] as string[])[0] as string)).body['data'] as Record<string, unknown>
      )['status'];
      assert.equal(detailStatus, 'REJECTED');
      // Default page size 10; the time filter narrows; without an approval code every code is searched.
      const first = (await query(emu, tok, body)).body['data'] as QueryData;
      assert.equal(first.instance_list.length, 10);
      const all = await queryAll(emu, tok, {
        instance_start_time_from: String(now - 25 * DAY),
        instance_start_time_to: String(now),
      });
      assert.equal(all.items.length, 900);
      const starts = all.items.map((i) => Number(i.instance.start_time));
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
      );
      const mid = Number(items[100]?.instance.start_time);
      const narrow = await queryAll(emu, tok, {
        ...body,
        instance_start_time_from: String(mid),
        instance_start_time_to: String(mid + DAY),
      });
      assert.deepEqual(
        narrow.items.map((i) => i.instance.code),
        emu
          .truth(code)
          .filter((t) => t.createTimeMs >= mid && t.createTimeMs <= mid + DAY)
          .map((t) => t.instanceCode),
      );
    });
  });

  test('query validation: page size 5-200, both times or neither, 30-day span, status, code, token', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 50 }, async (emu, tok) => {
      const code = emu.approvalCodes[0] as string;
      const now = Date.now();
      const expect = async (
        body: Record<string, unknown>,
        params: Record<string, string>,
        status: number,
        bodyCode: number,
        msg?: RegExp,
      ): Promise<void> => {
        const r = await query(emu, tok, body, params);
        assert.deepEqual([r.status, r.body['code']], [status, bodyCode], JSON.stringify(body) + JSON.stringify(params));
        if (msg) assert.match(r.body['msg'] as string, msg);
      };
      const span = (days: number): Record<string, string> => ({
        instance_start_time_from: String(now - days * DAY),
        instance_start_time_to: String(now),
      });
      await expect({ approval_code: code, ...span(30) }, {}, 200, 0);
      await expect({ approval_code: code, ...span(30.001) }, {}, 400, 1390001, /30 days/);
      await expect({ approval_code: code, instance_start_time_from: String(now) }, {}, 400, 1390001, /go together/);
      await expect({ approval_code: code, instance_start_time_to: String(now) }, {}, 400, 1390001);
      await expect(
        { approval_code: code, instance_start_time_from: String(now), instance_start_time_to: String(now - 1) },
        {},
        400,
        1390001,
      );
      await expect(
        { approval_code: code, instance_start_time_from: 'yesterday', instance_start_time_to: String(now) },
        {},
        400,
        1390001,
      );
      await expect({ approval_code: code, instance_status: 'REVERTED' }, {}, 400, 1390001, /instance_status/);
      await expect({ approval_code: 'NOPE' }, {}, 400, 1390002);
      for (const size of ['4', '201', 'x'])
        await expect({ approval_code: code }, { page_size: size }, 400, 1390001, /page_size/);
      for (const size of ['5', '200']) await expect({ approval_code: code }, { page_size: size }, 200, 0);
      await expect({ approval_code: code }, { page_token: 'bogus' }, 400, 1390001, /page_token/);
      const first = (await query(emu, tok, { approval_code: code }, { page_size: '5' })).body['data'] as QueryData;
      assert.equal(first.has_more, true);
      await expect(
        { approval_code: code, instance_status: 'PENDING' },
        { page_size: '5', page_token: first.page_token as string },
        400,
        1390001,
        /does not belong/,
      );
      const bad = await call(emu, QUERY_PATH, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok}` },
        body: '{',
      });
      assert.equal(bad.body['code'], 1390001);
    });
  });

  test('revoke: APPROVED -> CANCELED with reverted fields; the query leaves it out, even mid-page', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 60, pendingRatio: 0 }, async (emu, tok) => {
      const code = emu.approvalCodes[0] as string;
      const approved = emu
        .statuses(code)
        .filter((s) => s.status === 'APPROVED')
        .map((s) => s.instanceCode);
      const victims = approved.slice(0, 3);
      const notApproved = emu.statuses(code).find((s) => s.status !== 'APPROVED')?.instanceCode as string;
      const before = (await detail(emu, tok, victims[0] as string)).body['data'] as Record<string, unknown>;
      assert.equal(before['reverted'], false);
      assert.ok(!('reverted_instance_code' in before));
      for (const v of victims) assert.equal((await admin(emu, `/instances/${v}/revoke`, 'POST')).status, 200);
      const refused = await admin(emu, `/instances/${notApproved}/revoke`, 'POST');
      assert.equal(refused.status, 400);
      assert.match(refused.body['msg'] as string, /only an APPROVED instance/);

      const after = (await detail(emu, tok, victims[0] as string)).body['data'] as Record<string, unknown>;
      assert.equal(after['status'], 'CANCELED');
      assert.equal(after['reverted'], true);
      assert.match(after['reverted_instance_code'] as string, /^[0-9A-F]{8}-[0-9A-F]{4}-/);
      assert.equal(after['end_time'], before['end_time']);
      const timeline = after['timeline'] as Array<Record<string, unknown>>;
      assert.equal(timeline[timeline.length - 1]?.['type'], 'CANCEL');
      assert.deepEqual(timeline.slice(0, -1), before['timeline']);

      const { items, pages } = await queryAll(emu, tok, { approval_code: code }, 20);
      const listed = items.map((i) => i.instance.code);
      for (const v of victims) assert.ok(!listed.includes(v), 'revoked left out');
      assert.equal(listed.length, 57);
      assert.ok(
        pages.some((p) => p.instance_list.length < 20 && p.has_more),
        'a short page that is not the last',
      );
      assert.equal(pages[0]?.count, 57);
      const withRevoked = await queryAll(emu, tok, { approval_code: code, with_revoked_instance: true }, 20);
      assert.equal(withRevoked.items.length, 60);
      assert.equal(withRevoked.items.find((i) => i.instance.code === victims[0])?.instance.status, 'canceled');
      const statuses = (await admin(emu, `/statuses?approval_code=${code}`, 'GET')).body['instances'] as Array<
        Record<string, unknown>
      >;
      assert.deepEqual(
        statuses.find((s) => s['instance_code'] === victims[0]),
        { instance_code: victims[0], status: 'CANCELED', end_time_ms: Number(before['end_time']), reverted: true },
      );
    });
  });

  test('delete: status mode keeps it readable as DELETED; gone mode answers 1390003', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 40, pendingRatio: 0 }, async (emu, tok) => {
      const code = emu.approvalCodes[0] as string;
      const [soft, hard] = emu.truth(code).map((t) => t.instanceCode) as [string, string];
      assert.equal((await admin(emu, `/instances/${soft}?mode=status`, 'DELETE')).status, 200);
      assert.equal((await admin(emu, `/instances/${hard}?mode=gone`, 'DELETE')).status, 200);
      assert.equal((await admin(emu, `/instances/${soft}?mode=sideways`, 'DELETE')).status, 400);
      assert.equal((await admin(emu, `/instances/${soft}?mode=status`, 'DELETE')).status, 400, 'already deleted');
      const d = (await detail(emu, tok, soft)).body['data'] as Record<string, unknown>;
      assert.equal(d['status'], 'DELETED');
      assert.notEqual(d['end_time'], '0');
      const timeline = d['timeline'] as Array<Record<string, unknown>>;
      assert.equal(timeline[timeline.length - 1]?.['type'], 'DELETE');
      const gone = await detail(emu, tok, hard);
      assert.deepEqual([gone.status, gone.body['code']], [400, 1390003]);
      const deleted = await queryAll(emu, tok, { approval_code: code, instance_status: 'DELETED' });
      assert.deepEqual(
        deleted.items.map((i) => [i.instance.code, i.instance.status]),
        [[soft, 'deleted']],
      );
      const all = (await queryAll(emu, tok, { approval_code: code })).items.map((i) => i.instance.code);
      assert.equal(all.length, 39);
      assert.ok(!all.includes(hard));
      assert.ok(
        emu.truth(code).some((t) => t.instanceCode === soft),
        'a DELETED instance stays in the truth (and the list)',
      );
      // A PENDING instance deleted: its open tasks close and the timeline ends with DELETE.
      const open = emu.truth(code)[5]?.instanceCode as string;
      emu.setInstanceStatus(open, 'PENDING');
      assert.ok(
        ((await detail(emu, tok, open)).body['data'] as { task_list: Array<Record<string, unknown>> }).task_list.some(
          (t) => t['status'] === 'PENDING',
        ),
      );
      emu.deleteInstance(open, 'status');
      const closed = (await detail(emu, tok, open)).body['data'] as {
        status: string;
        end_time: string;
        task_list: Array<Record<string, unknown>>;
        timeline: Array<Record<string, unknown>>;
      };
      assert.equal(closed.status, 'DELETED');
      assert.notEqual(closed.end_time, '0');
      assert.ok(closed.task_list.every((t) => t['status'] !== 'PENDING' && t['end_time'] !== '0'));
      assert.deepEqual(closed.timeline.filter((e) => e['type'] === 'DELETE').length, 1);
      assert.equal(closed.timeline[closed.timeline.length - 1]?.['type'], 'DELETE');
    });
  });

  test('PENDING -> final through the admin API; the lagging query sees it only later', async () => {
    // The emulator's clock moves only when the test says so: the lag's edges are exact.
    const clock = new ManualClock();
    await withEmulator(
      { codeCount: 1, instancesPerCode: 40, pendingRatio: 1, queryLagMs: 400 },
      async (emu, tok) => {
        const code = emu.approvalCodes[0] as string;
        // "Soon" pending instances finalise 1-5 s after start; the others stay PENDING for hours, so
        // from 5.5 s on the PENDING ones stay so for the whole test.
        clock.advance(5500);
        const pending = emu
          .statuses(code)
          .filter((s) => s.status === 'PENDING')
          .map((s) => s.instanceCode);
        const target = pending[0] as string;
        const before = (await detail(emu, tok, target)).body['data'] as Record<string, unknown>;
        assert.equal(before['end_time'], '0');
        const openTasks = (before['task_list'] as Array<Record<string, unknown>>).filter(
          (t) => t['status'] === 'PENDING',
        );
        assert.ok(openTasks.length > 0);
        assert.ok(openTasks.every((t) => t['end_time'] === '0'));
        assert.equal((await admin(emu, `/instances/${target}/finish`, 'POST', { status: 'APPROVED' })).status, 200);
        assert.equal(
          (await admin(emu, `/instances/${target}/finish`, 'POST', { status: 'REJECTED' })).status,
          400,
          'no longer pending',
        );
        assert.equal(
          (await admin(emu, `/instances/${pending[1] as string}/finish`, 'POST', { status: 'PENDING' })).status,
          400,
        );
        const after = (await detail(emu, tok, target)).body['data'] as Record<string, unknown>;
        assert.equal(after['status'], 'APPROVED');
        const tasks = after['task_list'] as Array<Record<string, unknown>>;
        assert.ok(tasks.every((t) => t['status'] !== 'PENDING' && t['end_time'] !== '0'));
        // The same tasks (ids) as while pending, now closed.
        for (const t of before['task_list'] as Array<Record<string, unknown>>)
          assert.ok(
            tasks.some((u) => u['id'] === t['id']),
            `task ${String(t['id'])}`,
          );
        const statusInQuery = async (): Promise<string | undefined> => {
          const r = await query(emu, tok, { approval_code: code, instance_code: target });
          return (r.body['data'] as QueryData).instance_list[0]?.instance.status;
        };
        assert.equal(await statusInQuery(), 'pending', 'the query lags behind');
        clock.advance(399);
        assert.equal(await statusInQuery(), 'pending', 'still 1 ms short of the lag');
        clock.advance(1);
        assert.equal(await statusInQuery(), 'approved');
        // An instance added now is not in the lagging query yet; it is once the lag has passed.
        const [fresh] = emu.addInstances({ approvalCode: code, count: 1 });
        const seen = async (): Promise<number> =>
          (
            (await query(emu, tok, { approval_code: code, instance_code: fresh?.instanceCode })).body[
              'data'
            ] as QueryData
          ).instance_list.length;
        assert.equal(await seen(), 0);
        clock.advance(400);
        assert.equal(await seen(), 1);
      },
      clock,
    );
  });

  test('deleted definition answers 1390016 while list and query keep its history; denied detail answers 1390009', async () => {
    await withEmulator({ codeCount: 2, instancesPerCode: 30 }, async (emu, tok) => {
      const [code, other] = emu.approvalCodes as [string, string];
      const auth = { headers: { Authorization: `Bearer ${tok}` } };
      assert.equal((await admin(emu, `/approvals/${code}`, 'DELETE')).status, 200);
      assert.equal((await admin(emu, '/approvals/NOPE', 'DELETE')).status, 400);
      const def = await call(emu, `/open-apis/approval/v4/approvals/${code}`, auth);
      assert.deepEqual([def.status, def.body['code']], [400, 1390016]);
      assert.equal((await call(emu, `/open-apis/approval/v4/approvals/${other}`, auth)).body['code'], 0);
      const now = Date.now();
      const list = await call(
        emu,
        `/open-apis/approval/v4/instances?approval_code=${code}&start_time=${now - 10 * 3_600_000}&end_time=${now}`,
        auth,
      );
      assert.equal(list.body['code'], 0);
      assert.equal((await queryAll(emu, tok, { approval_code: code })).items.length, 30);

      const instance = emu.truth(other)[0]?.instanceCode as string;
      await admin(emu, '/config', 'POST', { deniedEndpoints: ['detail'] });
      const denied = await detail(emu, tok, instance);
      assert.deepEqual([denied.status, denied.body['code']], [403, 1390009]);
      assert.equal(list.status, 200);
      assert.equal(
        (await call(emu, `/open-apis/approval/v4/approvals/${other}`, auth)).body['code'],
        0,
        'other endpoints unaffected',
      );
      assert.equal((await admin(emu, '/config', 'POST', { deniedEndpoints: ['everything'] })).status, 400);
      await admin(emu, '/config', 'POST', { deniedEndpoints: [] });
      assert.equal((await detail(emu, tok, instance)).body['code'], 0);
    });
  });
});
