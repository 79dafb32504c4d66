/**
 * The emulator's task search (POST /open-apis/approval/v4/tasks/search) as the notes document it:
 * page_size 5–200, filters by approval_code and task status, pages by token, leaves revoked
 * instances out and answers as of the search index's lag (queryLagMs). The last test is the
 * evidence behind fetching every PENDING instance in the status recheck instead of only those the
 * task search says moved: a move made within the lag is in the detail, not in the search.
 * Over real HTTP; admin moves at chosen moments, no sleeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeishuEmulator } from '../emulator/index.js';
import { emulatorToken as token, instanceDetailBody } from './helpers/emulator-token.js';
import { startSpanAgo } from './helpers/small-emulator.js';

const SEARCH_PATH = '/open-apis/approval/v4/tasks/search';
const HOUR = 3_600_000;

type Obj = Record<string, unknown>;

async function search(
  emu: FeishuEmulator,
  tok: string,
  body: Obj,
  query = '',
): Promise<{ code: number; msg: string; data: Obj }> {
  const res = await fetch(`${emu.baseUrl}${SEARCH_PATH}${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { code: number; msg: string; data: Obj };
}

/** Every task the search lists, page after page. */
async function searchAll(emu: FeishuEmulator, tok: string, body: Obj, pageSize = 50): Promise<Obj[]> {
  const out: Obj[] = [];
  let pageToken = '';
  for (;;) {
    const res = await search(emu, tok, body, `?page_size=${pageSize}${pageToken ? `&page_token=${pageToken}` : ''}`);
    assert.equal(res.code, 0, res.msg);
    out.push(...(res.data['task_list'] as Obj[]));
    if (!res.data['has_more']) return out;
    pageToken = res.data['page_token'] as string;
  }
}

async function detail(emu: FeishuEmulator, tok: string, code: string): Promise<Obj> {
  return (await instanceDetailBody(emu, tok, code)).data;
}

const taskOf = (item: Obj): Obj => item['task'] as Obj;
const instanceOf = (item: Obj): Obj => item['instance'] as Obj;

describe('Emulator task search', () => {
  test('documented shape, page sizes 5-200, filters, paging, order, revoked instances left out', async () => {
    const now = Date.now();
    const emu = await startSpanAgo(now, 48 * HOUR, HOUR, { codeCount: 2, instancesPerCode: 40, pendingRatio: 0.3 });
    try {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      for (const size of ['4', '201'])
        assert.equal((await search(emu, tok, { approval_code: code }, `?page_size=${size}`)).code, 1390001, size);
      assert.equal((await search(emu, tok, {})).code, 1390001, 'one filter at least');
      assert.equal((await search(emu, tok, { approval_code: code, task_status: 'SOMETIMES' })).code, 1390001);

      const all = await searchAll(emu, tok, { approval_code: code }, 7);
      const first = await search(emu, tok, { approval_code: code });
      assert.equal(first.data['count'], all.length);
      assert.equal((first.data['task_list'] as Obj[]).length, 10, 'default page size 10');
      assert.deepEqual(Object.keys(all[0] as Obj).sort(), ['approval', 'group', 'instance', 'task']);
      assert.ok(all.every((i) => (i['approval'] as Obj)['code'] === code));
      // Default order: start time descending.
      const starts = all.map((i) => Number(taskOf(i)['start_time']));
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => b - a),
      );
      // The same tasks as the details, for every instance of the code.
      const expected = new Set<string>();
      for (const t of emu.truth(code))
        for (const task of (await detail(emu, tok, t.instanceCode))['task_list'] as Obj[])
          expected.add(task['id'] as string);
      assert.deepEqual(new Set(all.map((i) => taskOf(i)['task_id'])), expected);

      const pending = await searchAll(emu, tok, { approval_code: code, task_status: 'PENDING' });
      assert.ok(
        pending.length > 0 &&
          pending.every((i) => taskOf(i)['status'] === 'pending' && instanceOf(i)['status'] === 'pending'),
      );

      const approved = emu.statuses(code).find((s) => s.status === 'APPROVED')!.instanceCode;
      emu.revokeInstance(approved);
      const after = await searchAll(emu, tok, { approval_code: code });
      assert.ok(!after.some((i) => instanceOf(i)['code'] === approved), 'a revoked instance is left out');
    } finally {
      await emu.stop();
    }
  });

  test('it lags: a move made within the lag shows in the detail, not in the search (why the recheck fetches every PENDING instance)', async () => {
    const now = Date.now();
    const lagMs = 10 * 60_000;
    const emu = await startSpanAgo(now, 3 * HOUR, HOUR, {
      codeCount: 1,
      instancesPerCode: 60,
      pendingRatio: 0.6,
      queryLagMs: lagMs,
    });
    try {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      // Hold every PENDING instance where it is, a while before the lag.
      for (const s of emu.statuses()) if (s.status === 'PENDING') emu.advanceInstance(s.instanceCode, now - 3 * lagMs);
      const movable = emu
        .statuses()
        .filter((s) => s.status === 'PENDING')
        .map((s) => s.instanceCode);
      assert.ok(movable.length >= 4, `${movable.length} pending`);
      const [early, late] = [movable.slice(0, 2), movable.slice(2, 4)];
      for (const c of early) emu.advanceInstance(c, now - 2 * lagMs); // older than the lag
      for (const c of late) emu.advanceInstance(c, Date.now()); // within the lag
      const searched = await searchAll(emu, tok, { approval_code: code, task_status: 'PENDING' });
      const pendingTaskIds = new Set(searched.map((i) => taskOf(i)['task_id']));
      const seenBySearch = (d: Obj): boolean =>
        (d['task_list'] as Obj[]).filter((t) => t['status'] === 'PENDING').every((t) => pendingTaskIds.has(t['id']));
      for (const c of early) {
        const d = await detail(emu, tok, c);
        if (d['status'] === 'PENDING') assert.ok(seenBySearch(d), `${c}: a move older than the lag is in the search`);
      }
      let missed = 0;
      for (const c of late) {
        const d = await detail(emu, tok, c);
        if (d['status'] === 'PENDING' && !seenBySearch(d)) missed++;
      }
      assert.ok(missed >= 1, 'a move within the lag: the detail has the new PENDING task, the search does not');
    } finally {
      await emu.stop();
    }
  });
});
