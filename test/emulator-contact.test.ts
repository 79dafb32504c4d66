/**
 * The emulator's contact API (GET /contact/v3/users/batch and /departments/batch) as the notes
 * document it, read through FeishuClient.batchGetUsers / batchGetDepartments: every person and
 * department its approvals name is in the directory with a name, users outside the contact range
 * are left out, at most 50 ids a call, 1,000/min and 50/s per endpoint on the emulator's clock, and
 * each missing contact scope answered 99991672 naming it. Over real HTTP, no sleeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CONTACT_SCOPES,
  ManualClock,
  startEmulator,
  type ContactScope,
  type FeishuEmulator,
} from '../emulator/index.js';
import { departmentAt, DEPARTMENT_COUNT, USER_COUNT, userAt } from '../emulator/directory.js';
import type { FeishuClient } from '../src/feishu/client.js';
import { FeishuApiError, missingScopeOf } from '../src/feishu/errors.js';
import { detailIds } from './helpers/contact-ids.js';
import { clientFor } from './helpers/emulator-client.js';
import { emulatorToken, instanceDetailBody } from './helpers/emulator-token.js';

type Obj = Record<string, unknown>;
const HOUR = 3_600_000;

function fastClient(emu: FeishuEmulator): FeishuClient {
  return clientFor(emu, { requestsPerMinute: 100, maxRetries: 0, retryBaseMs: 1, timeoutMs: 5_000 });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe('Emulator contact API', () => {
  let emu: FeishuEmulator;
  let client: FeishuClient;
  before(async () => {
    const now = Date.now();
    emu = await startEmulator({ seed: 3, codeCount: 1, instancesPerCode: 30, spanStartMs: now - 48 * HOUR });
    client = fastClient(emu);
  });
  after(async () => {
    await client.close();
    await emu.stop();
  });

  test('every person and department the approvals name has a name, except users outside the contact range', async () => {
    const tok = await emulatorToken(emu);
    const users = new Set<string>();
    const departments = new Set<string>();
    for (const truth of emu.truth()) {
      const ids = detailIds((await instanceDetailBody(emu, tok, truth.instanceCode)).data);
      ids.users.forEach((id) => users.add(id));
      ids.departments.forEach((id) => departments.add(id));
    }
    assert.ok(users.size > 50 && departments.size > 5, `${users.size} users, ${departments.size} departments`);
    const got = new Map<string, Obj>();
    for (const batch of chunks([...users], 50))
      for (const u of await client.batchGetUsers(batch)) got.set(u.open_id, u);
    const outside = [...users].filter((id) => emu.contactUser(id)?.inContactRange === false);
    assert.ok(outside.length > 0, 'the default contact range leaves some users out');
    for (const id of users) {
      const truth = emu.contactUser(id);
      assert.ok(truth, `${id} is one of the tenant's users`);
      if (!truth.inContactRange) assert.equal(got.has(id), false, `${id} is outside the contact range`);
      else {
        assert.equal(got.get(id)?.['name'], truth.name);
        assert.ok((truth.name ?? '').length > 0);
        assert.equal(got.get(id)?.['user_id'], '', 'no user_id without contact:user.employee_id:readonly');
        assert.deepEqual(got.get(id)?.['department_ids'], truth.department_ids);
      }
    }
    const answered = await client.batchGetDepartments([...departments].slice(0, 50));
    assert.equal(answered.length, Math.min(50, departments.size));
    for (const d of answered) {
      assert.equal(d.name, emu.contactDepartment(d.open_department_id)?.name);
      assert.match(d.parent_department_id ?? '', /^(0|od-[0-9a-f]{32})$/);
    }
    assert.equal(emu.stats().requests['users'], Math.ceil(users.size / 50));
  });

  test('ids are checked: at most 50 a call, unknown ids left out, a rename shows at once', async () => {
    await assert.rejects(client.batchGetUsers(Array.from({ length: 51 }, (_, i) => `ou_${i}`)), RangeError);
    await assert.rejects(client.batchGetDepartments([]), RangeError);
    const tok = await emulatorToken(emu);
    const ids = Array.from({ length: 51 }, (_, i) => `user_ids=ou_${i}`).join('&');
    const res = await fetch(`${emu.baseUrl}/open-apis/contact/v3/users/batch?${ids}`, {
      headers: { Authorization: `Bearer ${tok}` },
    });
    assert.equal(((await res.json()) as Obj)['code'], 99992402);
    assert.deepEqual(await client.batchGetUsers(['ou_nobody']), []);
    const applicant = (await instanceDetailBody(emu, tok, emu.truth()[0]!.instanceCode)).data['open_id'] as string;
    const renamed = await fetch(`${emu.baseUrl}/_emulator/users/${applicant}/rename`, {
      method: 'POST',
      body: JSON.stringify({ name: '新名字' }),
    });
    assert.equal(renamed.status, 200);
    emu.configure({ contactOutOfRangeRatio: 0 });
    assert.equal((await client.batchGetUsers([applicant]))[0]?.name, '新名字');
    emu.configure({ contactOutOfRangeRatio: 0.1 });
  });

  test('each missing contact scope answers 99991672 naming it; the field scopes empty their fields', async () => {
    const tok = await emulatorToken(emu);
    const applicant = (await instanceDetailBody(emu, tok, emu.truth()[1]!.instanceCode)).data;
    const user = applicant['open_id'] as string;
    const department = applicant['department_id'] as string;
    emu.configure({ contactOutOfRangeRatio: 0 });
    const outcome = async (call: Promise<unknown>): Promise<string> => {
      try {
        await call;
        return 'ok';
      } catch (error) {
        assert.ok(error instanceof FeishuApiError, String(error));
        assert.equal(error.code, 99991672);
        return missingScopeOf(error);
      }
    };
    const cases: Array<[ContactScope, string, string]> = [
      ['contact:contact.base:readonly', 'contact:contact.base:readonly', 'contact:contact.base:readonly'],
      ['contact:user.base:readonly', 'contact:user.base:readonly', 'ok'],
      ['contact:department.base:readonly', 'ok', 'contact:department.base:readonly'],
      ['contact:user.department:readonly', 'ok', 'ok'],
    ];
    assert.equal(cases.length, CONTACT_SCOPES.length);
    for (const [denied, users, departments] of cases) {
      emu.configure({ deniedScopes: [denied] });
      assert.equal(await outcome(client.batchGetUsers([user])), users, `users without ${denied}`);
      assert.equal(
        await outcome(client.batchGetDepartments([department])),
        departments,
        `departments without ${denied}`,
      );
    }
    emu.configure({ deniedScopes: ['contact:user.department:readonly'], employeeIdScope: true });
    const [got] = await client.batchGetUsers([user]);
    assert.deepEqual(got?.department_ids, []);
    assert.equal(got?.user_id, emu.contactUser(user)?.user_id);
    emu.configure({ deniedScopes: [], employeeIdScope: false, contactOutOfRangeRatio: 0.1 });
  });
});

describe('Emulator contact directory', () => {
  test('every user and department has ids of its own and a name', () => {
    const users = Array.from({ length: USER_COUNT }, (_, i) => userAt(i));
    const departments = Array.from({ length: DEPARTMENT_COUNT }, (_, i) => departmentAt(i));
    for (const key of ['open_id', 'union_id', 'user_id'] as const)
      assert.equal(new Set(users.map((u) => u[key])).size, USER_COUNT, key);
    assert.equal(new Set(departments.map((d) => d.open_department_id)).size, DEPARTMENT_COUNT);
    assert.ok(users.every((u) => /^ou_[0-9a-f]{32}$/.test(u.open_id) && u.name !== '' && u.department_ids.length > 0));
    const known = new Set(departments.map((d) => d.open_department_id));
    assert.ok(users.every((u) => u.department_ids.every((d) => known.has(d))));
    assert.ok(departments.every((d) => d.parent_department_id === '0' || known.has(d.parent_department_id)));
  });
});

describe('Emulator contact limits, on its clock', () => {
  test('1,000/min and 50/s per endpoint, each counted apart', async () => {
    const clock = new ManualClock(Date.now());
    const emu = await startEmulator({ seed: 4, codeCount: 1, instancesPerCode: 1 }, 0, { clock });
    try {
      const tok = await emulatorToken(emu);
      const call = async (path: string, query: string): Promise<number> => {
        const res = await fetch(`${emu.baseUrl}/open-apis/contact/v3/${path}/batch?${query}`, {
          headers: { Authorization: `Bearer ${tok}` },
        });
        return ((await res.json()) as { code: number }).code;
      };
      const users = (): Promise<number> => call('users', 'user_ids=ou_x');
      const departments = (): Promise<number> => call('departments', 'department_ids=od-x');
      const codes: number[] = [];
      for (let second = 0; second < 21; second++) {
        for (let i = 0; i < 50; i++) codes.push(await users());
        codes.push(await users());
        clock.advance(1000);
      }
      // 50 admitted in each of the first 20 seconds (1,000 in the minute), then the minute is full.
      assert.equal(codes.filter((c) => c === 0).length, 1000);
      assert.equal(codes.filter((c) => c === 99991400).length, 21 + 50);
      assert.equal(await departments(), 0, 'the departments endpoint has its own limit');
      clock.advance(60_000);
      assert.equal(await users(), 0);
    } finally {
      await emu.stop();
    }
  });
});
