/**
 * The emulator's per-code forms over real HTTP: each code's definition serves its own form
 * (form-templates.ts), every widget type in each of the first two, awkward names in the second;
 * each instance's form follows its code's form as of its creation; the admin API adds and removes
 * widgets (new instances follow, older ones keep theirs) and a definition can be made unreadable
 * (1390009 through deniedDefinitions, 1390016 by deleting it); the definition endpoint keeps its
 * own 100/min limit on the emulator's clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FORM_WIDGETS,
  HOSTILE_FORM,
  LEAVE_FORM,
  ManualClock,
  type FeishuEmulator,
  type WidgetDefinition,
  type EmulatorOptions,
} from '../emulator/index.js';
import { emulatorToken, instanceDetailBody } from './helpers/emulator-token.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

type Obj = Record<string, unknown>;

const SPAN_START = Date.UTC(2024, 0, 1);
const SPAN_END = SPAN_START + 5 * 86_400_000;
const EVERY_TYPE = [
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
  'telephone',
  'fieldList',
];

function withEmulator(
  options: Partial<EmulatorOptions>,
  body: (emu: FeishuEmulator, tok: string) => Promise<void>,
  clock?: ManualClock,
): Promise<void> {
  return withStartedEmulator(
    { spanStartMs: SPAN_START, spanEndMs: SPAN_END, ...options },
    async (emu) => body(emu, await emulatorToken(emu)),
    clock,
  );
}

async function definition(emu: FeishuEmulator, tok: string, code: string): Promise<{ code: number; data?: Obj }> {
  const res = await fetch(`${emu.baseUrl}/open-apis/approval/v4/approvals/${code}`, {
    headers: { Authorization: `Bearer ${tok}` },
  });
  return (await res.json()) as { code: number; data?: Obj };
}

async function definitionWidgets(emu: FeishuEmulator, tok: string, code: string): Promise<Obj[]> {
  const body = await definition(emu, tok, code);
  assert.equal(body.code, 0, JSON.stringify(body));
  return JSON.parse(body.data!['form'] as string) as Obj[];
}

async function instanceForm(emu: FeishuEmulator, tok: string, instanceCode: string): Promise<Obj[]> {
  const body = await instanceDetailBody(emu, tok, instanceCode);
  assert.equal(body.code, 0, JSON.stringify(body));
  return JSON.parse(body.data['form'] as string) as Obj[];
}

async function admin(emu: FeishuEmulator, method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await fetch(`${emu.baseUrl}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, ...((await res.json()) as Obj) };
}

/** What an instance's widget repeats of its definition: id, custom_id when it has one, name, type. */
const identity = (w: Obj): unknown[] => [w['id'], w['custom_id'], w['name'], w['type']];

describe('emulator: each approval code its own form', { concurrency: true }, () => {
  test('codes 1, 2, 3 serve the expense, awkwardly named and leave forms, then the cycle restarts; 1 and 2 each have every widget type', async () => {
    await withEmulator({ codeCount: 4, instancesPerCode: 1 }, async (emu, tok) => {
      const forms = await Promise.all(emu.approvalCodes.map((c) => definitionWidgets(emu, tok, c)));
      const plain = (ws: readonly WidgetDefinition[]): unknown => JSON.parse(JSON.stringify(ws));
      assert.deepEqual(forms, [plain(FORM_WIDGETS), plain(HOSTILE_FORM), plain(LEAVE_FORM), plain(FORM_WIDGETS)]);
      for (const form of forms.slice(0, 2))
        assert.deepEqual([...new Set(form.map((w) => w['type']))].sort(), [...EVERY_TYPE].sort());
      const custom = forms[1]!.map((w) => w['custom_id']);
      assert.ok(custom.includes(undefined) && custom.includes(''), 'widgets without a custom_id, absent and empty');
      for (const awkward of [
        'Trip Reason',
        '数量',
        'total-cny',
        '2nd choice',
        'cost.center',
        'status',
        'instance_code',
      ])
        assert.ok(custom.includes(awkward), awkward);
      assert.ok(custom.includes('amount') && custom.includes('Amount'), 'two custom_ids equal but for case');
      assert.ok(custom.includes('trip') && custom.includes('trip_start'), 'a date named like an interval column');
      assert.ok(
        custom.some((c) => typeof c === 'string' && c.length > 63),
        'a custom_id past 63 characters',
      );
      assert.ok(
        forms[1]!.some((w) => /[\u4e00-\u9fff]/.test(w['name'] as string)),
        'Chinese names',
      );
    });
  });

  test("every instance's form lists its code's widgets, list rows its list's children, with values of their type", async () => {
    await withEmulator({ codeCount: 3, instancesPerCode: 8 }, async (emu, tok) => {
      for (const code of emu.approvalCodes) {
        const defs = await definitionWidgets(emu, tok, code);
        for (const t of emu.truth(code)) {
          const form = await instanceForm(emu, tok, t.instanceCode);
          assert.deepEqual(form.map(identity), defs.map(identity), t.instanceCode);
          for (const [i, w] of form.entries()) {
            if (w['type'] !== 'fieldList') {
              assert.ok('value' in w, `${t.instanceCode} ${w['id'] as string}`);
              continue;
            }
            const children = (defs[i]!['children'] as Obj[]).map(identity);
            const rows = w['value'] as Obj[][];
            assert.ok(rows.length >= 1);
            for (const row of rows) assert.deepEqual(row.map(identity), children);
          }
          const amounts = form.filter((w) => w['type'] === 'amount' || w['type'] === 'number');
          assert.ok(amounts.every((w) => typeof w['value'] === 'number'));
        }
      }
    });
  });

  test('admin: a widget added reaches the definition at once and the instances added after it, never the older ones; a removed one leaves both the same way', async () => {
    await withEmulator({ codeCount: 2, instancesPerCode: 3 }, async (emu, tok) => {
      const [code, other] = emu.approvalCodes as [string, string];
      const old = emu.truth(code)[0]!.instanceCode;
      const oldForm = await instanceForm(emu, tok, old);
      const added = { id: 'widget99', custom_id: 'project', name: 'Project', type: 'input' };
      const answer = await admin(emu, 'POST', `/approvals/${code}/widgets`, added);
      assert.equal(answer['status'], 200, JSON.stringify(answer));
      assert.deepEqual((await definitionWidgets(emu, tok, code)).at(-1), {
        ...added,
        required: false,
        printable: true,
      });
      assert.deepEqual(await definitionWidgets(emu, tok, other), JSON.parse(JSON.stringify(HOSTILE_FORM)));

      const fresh = emu.addInstances({ approvalCode: code, count: 2 });
      for (const t of fresh) {
        const last = (await instanceForm(emu, tok, t.instanceCode)).at(-1)!;
        assert.deepEqual(identity(last), ['widget99', 'project', 'Project', 'input']);
        assert.equal(typeof last['value'], 'string');
      }
      assert.deepEqual(await instanceForm(emu, tok, old), oldForm, 'an older instance keeps its form');

      const removed = await admin(emu, 'DELETE', `/approvals/${code}/widgets/widget4`);
      assert.equal(removed['status'], 200, JSON.stringify(removed));
      const defs = await definitionWidgets(emu, tok, code);
      assert.ok(!defs.some((w) => w['id'] === 'widget4') && defs.some((w) => w['id'] === 'widget99'));
      const later = emu.addInstances({ approvalCode: code, count: 1 })[0]!;
      assert.deepEqual((await instanceForm(emu, tok, later.instanceCode)).map(identity), defs.map(identity));
      assert.ok((await instanceForm(emu, tok, fresh[0]!.instanceCode)).some((w) => w['id'] === 'widget4'));
      // A list widget's child goes the same way.
      await admin(emu, 'DELETE', `/approvals/${code}/widgets/widget133`);
      const list = (await definitionWidgets(emu, tok, code)).find((w) => w['type'] === 'fieldList')!;
      assert.deepEqual(
        (list['children'] as Obj[]).map((c) => c['id']),
        ['widget131', 'widget132'],
      );
    });
  });

  test('admin: a bad widget, a repeated id, an unknown widget or code answer 400 naming the problem', async () => {
    await withEmulator({ codeCount: 1, instancesPerCode: 1 }, async (emu) => {
      const code = emu.approvalCodes[0]!;
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', `/approvals/${code}/widgets`, { name: 'x', type: 'input' }, /widget\.id must be a non-empty string/],
        ['POST', `/approvals/${code}/widgets`, { id: 'w', name: 'x' }, /widget\.type/],
        ['POST', `/approvals/${code}/widgets`, { id: 'widget1', name: 'x', type: 'input' }, /'widget1' is already/],
        ['POST', `/approvals/${code}/widgets`, { id: 'w', type: 'input', children: [] }, /only a top-level fieldList/],
        ['POST', `/approvals/${code}/widgets`, { id: 'w', type: 'radioV2', option: ['a'] }, /option must be/],
        ['POST', '/approvals/NOPE/widgets', { id: 'w', type: 'input' }, /unknown approval code: NOPE/],
        ['DELETE', `/approvals/${code}/widgets/widget404`, undefined, /no widget 'widget404'/],
      ];
      for (const [method, path, body, message] of cases) {
        const answer = await admin(emu, method, path, body);
        assert.equal(answer['status'], 400, path);
        assert.match(answer['msg'] as string, message);
      }
    });
  });

  test('an unreadable definition: deniedDefinitions answers 1390009 for that code only, deleting it 1390016; its instances stay readable', async () => {
    await withEmulator({ codeCount: 3, instancesPerCode: 2 }, async (emu, tok) => {
      const [denied, deleted, fine] = emu.approvalCodes as [string, string, string];
      const config = await admin(emu, 'POST', '/config', { deniedDefinitions: [denied] });
      assert.deepEqual(config['deniedDefinitions'], [denied]);
      await admin(emu, 'DELETE', `/approvals/${deleted}`);
      assert.deepEqual(
        await Promise.all([denied, deleted, fine].map(async (c) => (await definition(emu, tok, c)).code)),
        [1390009, 1390016, 0],
      );
      for (const t of emu.truth(denied)) assert.equal((await instanceDetailBody(emu, tok, t.instanceCode)).code, 0);
      const bad = await admin(emu, 'POST', '/config', { deniedDefinitions: [''] });
      assert.match(bad['msg'] as string, /deniedDefinitions must be a list of approval codes/);
    });
  });

  test('the definition endpoint keeps its own 100/min on the emulator clock, apart from the list', async () => {
    const clock = new ManualClock(SPAN_END + 86_400_000);
    await withEmulator(
      { codeCount: 1, instancesPerCode: 1 },
      async (emu, tok) => {
        const code = emu.approvalCodes[0]!;
        const answers: number[] = [];
        for (let i = 0; i < 101; i++) answers.push((await definition(emu, tok, code)).code);
        assert.deepEqual(answers.slice(99), [0, 99991400]);
        assert.equal(answers.filter((c) => c === 0).length, 100);
        clock.advance(60_000);
        assert.equal((await definition(emu, tok, code)).code, 0, 'a minute on the emulator clock later');
      },
      clock,
    );
  });
});
