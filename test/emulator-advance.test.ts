/**
 * The emulator's admin move (POST /_emulator/instances/:code/advance): a PENDING instance moves on
 * to its next approval node the way Feishu's data would (the open tasks end APPROVED or DONE with
 * a PASS event, the next node's tasks start PENDING, earlier tasks and events unchanged), and from
 * its last node it ends APPROVED. Over real HTTP; the moves are made at chosen moments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeishuEmulator } from '../emulator/index.js';
import { emulatorToken as token, instanceDetailBody } from './helpers/emulator-token.js';
import { startSpanAgo } from './helpers/small-emulator.js';

const DAY_MS = 86_400_000;

type Obj = Record<string, unknown>;

async function detail(emu: FeishuEmulator, tok: string, code: string): Promise<Obj> {
  const body = await instanceDetailBody(emu, tok, code);
  assert.equal(body.code, 0, JSON.stringify(body));
  return body.data;
}

async function advance(emu: FeishuEmulator, code: string, atMs: number): Promise<{ status: number; body: Obj }> {
  const res = await fetch(`${emu.baseUrl}/_emulator/instances/${code}/advance`, {
    method: 'POST',
    body: JSON.stringify({ at_ms: atMs }),
  });
  return { status: res.status, body: (await res.json()) as Obj };
}

const tasksOf = (d: Obj): Obj[] => d['task_list'] as Obj[];
const timelineOf = (d: Obj): Obj[] => d['timeline'] as Obj[];

describe('Emulator: moving a PENDING instance on by hand', () => {
  test('each move closes the open node (APPROVED/DONE, PASS events) and opens the next; the last one approves; only appends', async () => {
    const now = Date.now();
    const emu = await startSpanAgo(now, 10 * DAY_MS, DAY_MS, {
      codeCount: 1,
      instancesPerCode: 60,
      pendingRatio: 1,
      detailRateLimit: null,
    });
    try {
      const tok = await token(emu);
      const pending = emu
        .statuses()
        .filter((s) => s.status === 'PENDING')
        .slice(0, 25);
      assert.ok(pending.length >= 20, `${pending.length} pending`);
      // Moves at chosen moments: a minute apart, all before now, so nothing depends on timing.
      let at = now - 3_600_000;
      let finished = 0;
      let movedOn = 0;
      for (const { instanceCode: code } of pending) {
        let before = await detail(emu, tok, code);
        assert.equal(before['status'], 'PENDING');
        for (let step = 0; step < 5; step++) {
          at += 60_000;
          const res = await advance(emu, code, at);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const after = await detail(emu, tok, code);
          assert.equal(after['status'], res.body['status']);
          const [t0, t1] = [tasksOf(before), tasksOf(after)];
          // Tasks: the same ids in the same order, then the next node's; closed ones unchanged.
          assert.deepEqual(
            t1.slice(0, t0.length).map((t) => t['id']),
            t0.map((t) => t['id']),
            code,
          );
          for (const [i, t] of t0.entries()) {
            const now1 = t1[i] as Obj;
            if (t['status'] !== 'PENDING') assert.deepEqual(now1, t, code);
            else {
              assert.ok(['APPROVED', 'DONE'].includes(now1['status'] as string), `${code}: ${String(now1['status'])}`);
              assert.equal(now1['end_time'], String(at));
            }
          }
          // Timeline: the earlier events unchanged, then a PASS (or AUTO_PASS) per approving task.
          const [e0, e1] = [timelineOf(before), timelineOf(after)];
          assert.deepEqual(e1.slice(0, e0.length), e0, code);
          const added = e1.slice(e0.length);
          const approved = t1
            .filter((t, i) => t0[i]?.['status'] === 'PENDING' && t['status'] === 'APPROVED')
            .map((t) => t['id']);
          assert.deepEqual(
            added.map((e) => e['task_id']),
            approved,
            code,
          );
          assert.ok(
            added.every((e) => (e['type'] === 'PASS' || e['type'] === 'AUTO_PASS') && e['create_time'] === String(at)),
            code,
          );
          const opened = t1.slice(t0.length);
          if (after['status'] === 'APPROVED') {
            assert.equal(opened.length, 0);
            assert.equal(after['end_time'], String(at));
            assert.ok(t1.every((t) => t['status'] !== 'PENDING'));
            finished++;
            const again = await advance(emu, code, at + 1);
            assert.equal(again.status, 400);
            assert.match(String(again.body['msg']), /only a PENDING instance can move on/);
            break;
          }
          movedOn++;
          assert.equal(after['status'], 'PENDING');
          assert.equal(after['end_time'], '0');
          assert.ok(
            opened.length >= 1 &&
              opened.every((t) => t['status'] === 'PENDING' && t['end_time'] === '0' && t['start_time'] === String(at)),
            code,
          );
          assert.equal(new Set(opened.map((t) => t['node_id'])).size, 1);
          assert.notEqual(opened[0]?.['node_id'], t0[t0.length - 1]?.['node_id']);
          before = after;
        }
        assert.equal(
          before['status'] === 'APPROVED' || (await detail(emu, tok, code))['status'] === 'APPROVED',
          true,
          `${code} ends within 3 moves`,
        );
      }
      assert.equal(finished, pending.length);
      assert.ok(movedOn > 0, 'some instances had a next node');
      // The status oracle and the bulk query's truth agree with the detail.
      const statuses = new Map(emu.statuses().map((s) => [s.instanceCode, s.status]));
      for (const { instanceCode } of pending) assert.equal(statuses.get(instanceCode), 'APPROVED');
    } finally {
      await emu.stop();
    }
  });

  test('a final instance cannot move on; an unknown one is a 400 too', async () => {
    const now = Date.now();
    const emu = await startSpanAgo(now, 10 * DAY_MS, DAY_MS, { codeCount: 1, instancesPerCode: 20, pendingRatio: 0 });
    try {
      const code = emu.truth()[0]?.instanceCode as string;
      const res = await advance(emu, code, now);
      assert.equal(res.status, 400);
      assert.match(String(res.body['msg']), /only a PENDING instance can move on/);
      assert.equal((await advance(emu, 'nope', now)).status, 400);
    } finally {
      await emu.stop();
    }
  });
});
