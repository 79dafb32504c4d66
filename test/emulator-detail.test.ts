/**
 * The emulator's instance detail record in the documented shapes: typed form widgets (numbers as
 * numbers, list widgets with child rows, an unknown widget type), the definition's form listing
 * the same widgets, tasks, comments and timeline items (all 16 types known, `ext` a JSON string),
 * user_id only with the employee-id scope, and determinism from the seed. Over real HTTP.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FORM_WIDGETS, type EmulatorOptions, type FeishuEmulator } from '../emulator/index.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const SPAN_START = Date.UTC(2024, 0, 1);
const SPAN_END = SPAN_START + 20 * 86_400_000;
const TIMELINE_TYPES = [
  'START',
  'PASS',
  'REJECT',
  'AUTO_PASS',
  'AUTO_REJECT',
  'REMOVE_REPEAT',
  'TRANSFER',
  'ADD_APPROVER_BEFORE',
  'ADD_APPROVER',
  'ADD_APPROVER_AFTER',
  'DELETE_APPROVER',
  'ROLLBACK_SELECTED',
  'ROLLBACK',
  'CANCEL',
  'DELETE',
  'CC',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

type Obj = Record<string, unknown>;

async function token(emu: FeishuEmulator): Promise<string> {
  const res = await fetch(emu.baseUrl + TOKEN_PATH, {
    method: 'POST',
    body: JSON.stringify({ app_id: emu.options.appId, app_secret: emu.options.appSecret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}

async function getData(emu: FeishuEmulator, tok: string, path: string): Promise<Obj> {
  const res = await fetch(emu.baseUrl + path, { headers: { Authorization: `Bearer ${tok}` } });
  const body = (await res.json()) as { code: number; data: Obj };
  assert.equal(body.code, 0, JSON.stringify(body));
  return body.data;
}

/** Details in truth order, 16 requests at a time (hundreds of sockets at once cost more than the details). */
async function details(emu: FeishuEmulator, tok: string, count = Number.POSITIVE_INFINITY): Promise<Obj[]> {
  const codes = emu
    .truth()
    .slice(0, count)
    .map((t) => t.instanceCode);
  const out: Obj[] = [];
  for (let i = 0; i < codes.length; i += 16) {
    out.push(
      ...(await Promise.all(
        codes.slice(i, i + 16).map((c) => getData(emu, tok, `/open-apis/approval/v4/instances/${c}`)),
      )),
    );
  }
  return out;
}

function withEmulator(
  options: Partial<EmulatorOptions>,
  body: (emu: FeishuEmulator, tok: string) => Promise<void>,
): Promise<void> {
  return withStartedEmulator(
    { spanStartMs: SPAN_START, spanEndMs: SPAN_END, detailRateLimit: null, ...options },
    async (emu) => body(emu, await token(emu)),
  );
}

function checkWidgetValue(w: Obj, where: string): void {
  const value = w['value'];
  switch (w['type']) {
    case 'input':
    case 'textarea':
    case 'radioV2':
      assert.equal(typeof value, 'string', where);
      return;
    case 'number':
    case 'amount':
    case 'formula':
      assert.equal(typeof value, 'number', `${where}: numbers as numbers`);
      return;
    case 'date':
      assert.match(value as string, RFC3339, where);
      return;
    case 'dateInterval': {
      const v = value as Obj;
      assert.match(v['start'] as string, RFC3339, where);
      assert.match(v['end'] as string, RFC3339, where);
      assert.equal(typeof v['interval'], 'number', where);
      return;
    }
    case 'checkboxV2':
      assert.ok(Array.isArray(value) && value.every((x) => typeof x === 'string'), where);
      return;
    case 'contact':
      assert.ok(
        Array.isArray(value) && Array.isArray(w['open_ids']) && (w['open_ids'] as unknown[]).length === value.length,
        where,
      );
      return;
    case 'department':
      assert.ok(Array.isArray(value) && value.every((d: Obj) => typeof d['open_id'] === 'string'), where);
      return;
    case 'attachmentV2':
      assert.ok(Array.isArray(value) && typeof w['ext'] === 'string', where);
      return;
    case 'telephone':
      assert.equal(typeof (value as Obj)['nationalNumber'], 'string', where);
      return;
    default:
      assert.fail(`${where}: unexpected widget type ${String(w['type'])}`);
  }
}

describe('Emulator instance detail', { concurrency: true }, () => {
  test('form widgets: documented types and value shapes, list rows with children, same widgets as the definition', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 60 }, async (emu, tok) => {
      const definition = await getData(emu, tok, `/open-apis/approval/v4/approvals/${emu.approvalCodes[0] as string}`);
      const defWidgets = JSON.parse(definition['form'] as string) as Obj[];
      assert.deepEqual(defWidgets, JSON.parse(JSON.stringify(FORM_WIDGETS)));
      const types = new Set(defWidgets.map((w) => w['type']));
      for (const t of [
        'input',
        'textarea',
        'number',
        'amount',
        'formula',
        'date',
        'dateInterval',
        'radioV2',
        'checkboxV2',
        'contact',
        'department',
        'attachmentV2',
        'fieldList',
        'telephone',
      ]) {
        assert.ok(types.has(t), t);
      }
      const list = defWidgets.find((w) => w['type'] === 'fieldList') as Obj;
      const childIds = (list['children'] as Obj[]).map((c) => c['id']);
      for (const d of await details(emu, tok)) {
        const form = JSON.parse(d['form'] as string) as Obj[];
        assert.deepEqual(
          form.map((w) => [w['id'], w['custom_id'], w['name'], w['type']]),
          defWidgets.map((w) => [w['id'], w['custom_id'], w['name'], w['type']]),
        );
        for (const w of form) {
          if (w['type'] !== 'fieldList') {
            checkWidgetValue(w, `${d['instance_code'] as string}/${w['id'] as string}`);
            continue;
          }
          const rows = w['value'] as Obj[][];
          assert.ok(rows.length >= 1 && rows.length <= 3);
          let sum = 0;
          for (const row of rows) {
            assert.deepEqual(
              row.map((c) => c['id']),
              childIds,
            );
            for (const child of row) checkWidgetValue(child, `${w['id'] as string}.${child['id'] as string}`);
            sum += (row.find((c) => c['type'] === 'amount')?.['value'] as number) ?? 0;
          }
          // The formula is the rows' total (rounded to cents).
          assert.equal(form.find((x) => x['type'] === 'formula')?.['value'], Math.round(sum * 100) / 100);
        }
      }
    });
  });

  test('tasks, comments and timeline: documented fields and types, ext JSON, time order; extra record fields', async () => {
    await withEmulator({ codeCount: 2, instancesPerCode: 250, pendingRatio: 0.2 }, async (emu, tok) => {
      const all = await details(emu, tok);
      const seenTypes = new Set<string>();
      const taskStatuses = new Set<string>();
      let modified = 0;
      for (const d of all) {
        assert.equal(d['reverted'], false);
        if ('modified_instance_code' in d) {
          modified++;
          assert.match(d['modified_instance_code'] as string, /^[0-9A-F]{8}-/);
        }
        const start = Number(d['start_time']);
        const tasks = d['task_list'] as Obj[];
        assert.ok(tasks.length >= 1);
        for (const t of tasks) {
          assert.deepEqual(Object.keys(t).sort(), [
            'custom_node_id',
            'end_time',
            'id',
            'node_id',
            'node_name',
            'open_id',
            'start_time',
            'status',
            'type',
            'user_id',
          ]);
          assert.ok(['AND', 'OR', 'SEQUENTIAL', 'AUTO_PASS', 'AUTO_REJECT'].includes(t['type'] as string));
          taskStatuses.add(t['status'] as string);
          assert.ok(Number(t['start_time']) >= start);
          assert.equal(t['end_time'] === '0', t['status'] === 'PENDING');
        }
        assert.equal(new Set(tasks.map((t) => t['id'])).size, tasks.length, 'task ids are unique');
        const timeline = d['timeline'] as Obj[];
        assert.equal(timeline[0]?.['type'], 'START');
        let last = 0;
        for (const e of timeline) {
          assert.ok(TIMELINE_TYPES.includes(e['type'] as string), String(e['type']));
          seenTypes.add(e['type'] as string);
          const ext = JSON.parse(e['ext'] as string) as unknown;
          assert.ok(typeof ext === 'object' && ext !== null && !Array.isArray(ext));
          assert.ok(Number(e['create_time']) >= last, 'time order');
          last = Number(e['create_time']);
          if (e['task_id'] !== undefined)
            assert.ok(
              tasks.some((t) => t['id'] === e['task_id']),
              'task_id names a task',
            );
          if (e['type'] === 'CC') assert.ok(Array.isArray(e['cc_user_list']) && Array.isArray(e['open_id_list']));
        }
        for (const c of d['comment_list'] as Obj[])
          assert.deepEqual(Object.keys(c).sort(), ['comment', 'create_time', 'id', 'open_id', 'user_id']);
        const status = d['status'] as string;
        const closing: Record<string, string[]> = {
          APPROVED: ['PASS', 'AUTO_PASS'],
          REJECTED: ['REJECT', 'AUTO_REJECT'],
          CANCELED: ['CANCEL'],
        };
        if (closing[status])
          assert.ok(
            closing[status]?.includes(timeline[timeline.length - 1]?.['type'] as string),
            `${status} ends with ${String(timeline[timeline.length - 1]?.['type'])}`,
          );
        if (status === 'PENDING') assert.ok(tasks.some((t) => t['status'] === 'PENDING'));
      }
      for (const t of [
        'START',
        'PASS',
        'REJECT',
        'AUTO_PASS',
        'AUTO_REJECT',
        'TRANSFER',
        'ADD_APPROVER',
        'ROLLBACK',
        'CANCEL',
        'CC',
      ])
        assert.ok(seenTypes.has(t), `timeline type ${t} occurs`);
      for (const s of ['PENDING', 'APPROVED', 'REJECTED', 'TRANSFERRED', 'DONE'])
        assert.ok(taskStatuses.has(s), `task status ${s} occurs`);
      assert.ok(modified > 0 && modified < all.length / 5, `modified ${modified}`);
    });
  });

  test('user_id is empty unless the app has the employee-id scope', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 80, pendingRatio: 0 }, async (emu, tok) => {
      const userIds = (d: Obj): string[] => [
        d['user_id'] as string,
        ...(d['task_list'] as Obj[])
          .filter((t) => t['type'] !== 'AUTO_PASS' && t['type'] !== 'AUTO_REJECT')
          .map((t) => t['user_id'] as string),
        ...(d['comment_list'] as Obj[]).map((c) => c['user_id'] as string),
        ...(d['timeline'] as Obj[]).filter((e) => e['open_id'] !== '').map((e) => e['user_id'] as string),
        ...(d['timeline'] as Obj[]).flatMap((e) => {
          const ext = JSON.parse(e['ext'] as string) as { user_id?: string; user_id_list?: string[] };
          return [
            ...(ext.user_id === undefined ? [] : [ext.user_id]),
            ...(ext.user_id_list ?? []),
            ...((e['user_id_list'] as string[] | undefined) ?? []),
          ];
        }),
      ];
      const without = await details(emu, tok);
      assert.ok(without.every((d) => userIds(d).every((u) => u === '')));
      assert.ok(without.every((d) => /^ou_/.test(d['open_id'] as string)));
      emu.configure({ employeeIdScope: true });
      const withScope = await details(emu, tok);
      assert.ok(withScope.every((d) => userIds(d).every((u) => /^[0-9a-f]{8}$/.test(u))));
      assert.ok(
        withScope.some((d) => (d['timeline'] as Obj[]).some((e) => (e['ext'] as string).includes('user_id'))),
        'some ext names users',
      );
      assert.deepEqual(
        withScope.map((d) => d['open_id']),
        without.map((d) => d['open_id']),
      );
    });
  });

  test('the same seed gives the same details', async () => {
    const options = { seed: 77, codeCount: 1, instancesPerCode: 40, pendingRatio: 0 };
    const stable = (d: Obj): unknown => ({
      form: d['form'],
      serial: d['serial_number'],
      open_id: d['open_id'],
      tasks: (d['task_list'] as Obj[]).map((t) => [t['id'], t['open_id'], t['node_id'], t['type'], t['status']]),
      timeline: (d['timeline'] as Obj[]).map((e) => [e['type'], e['open_id'], e['ext']]),
    });
    const runs: unknown[][] = [];
    for (let i = 0; i < 2; i++)
      await withEmulator(options, async (emu, tok) => void runs.push((await details(emu, tok)).map(stable)));
    assert.deepEqual(runs[0], runs[1]);
    await withEmulator({ ...options, seed: 78 }, async (emu, tok) =>
      assert.notDeepEqual((await details(emu, tok)).map(stable), runs[0]),
    );
  });
});
