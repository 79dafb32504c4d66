/**
 * The pure parts of users and departments, by tables of cases: the ids a detail names
 * (referencedIds), the rows made of the contact API's objects (odd values null, never a throw),
 * the narrowing of the batch answers, the scope a 99991672 names, and the contact budgets of the config.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeishuApiError, missingScopeOf } from '../src/feishu/errors.js';
import { narrowDepartmentBatch, narrowUserBatch, ResponseShapeError } from '../src/feishu/narrow.js';
import { validateConfig } from '../src/kit/inputs.js';
import { parseConfig } from '../src/source/config/config.js';
import { loadSpec } from '../src/source/spec.js';
import type { InstanceDetail } from '../src/feishu/types.js';
import { departmentRow, userRow } from '../src/source/streams/contacts/contact-rows.js';
import { referencedIds } from '../src/source/streams/contacts/referenced-ids.js';

const detail = (fields: Partial<InstanceDetail>): InstanceDetail => ({ instance_code: 'I1', ...fields });
const form = (widgets: unknown): string => JSON.stringify(widgets);

describe('referencedIds', () => {
  const cases: Array<[string, InstanceDetail, { users: string[]; departments: string[] }]> = [
    ['nothing named', detail({}), { users: [], departments: [] }],
    [
      'applicant and their department',
      detail({ open_id: 'ou_a', department_id: 'od-1' }),
      { users: ['ou_a'], departments: ['od-1'] },
    ],
    [
      'tasks, comments, timeline people, lists and cc, each id once; automatic tasks name nobody',
      detail({
        open_id: 'ou_a',
        task_list: [{ open_id: 'ou_b' }, { open_id: '' }, { open_id: 'ou_a' }],
        comment_list: [{ open_id: 'ou_c' }],
        timeline: [
          { open_id: 'ou_a', open_id_list: ['ou_d', 'ou_b'] },
          { open_id: 'ou_b', cc_user_list: [{ open_id: 'ou_e', user_id: '' }] },
        ],
      }),
      { users: ['ou_a', 'ou_b', 'ou_c', 'ou_d', 'ou_e'], departments: [] },
    ],
    [
      'contact and department widgets, inside field lists too',
      detail({
        form: form([
          { type: 'contact', value: ['u1'], open_ids: ['ou_w'] },
          { type: 'department', value: [{ name: 'Finance', open_id: 'od-w' }] },
          { type: 'fieldList', value: [[{ type: 'contact', value: [], open_ids: ['ou_x'] }]] },
          { type: 'input', value: 'ou_not_an_id_field' },
        ]),
      }),
      { users: ['ou_w', 'ou_x'], departments: ['od-w'] },
    ],
    [
      'odd values skipped, never thrown',
      detail({
        open_id: 42 as unknown as string,
        department_id: '  ',
        task_list: [null, 'x', { open_id: { id: 1 } }],
        timeline: [{ open_id_list: 'ou_z', cc_user_list: [7] }],
        form: '{not json',
      }),
      { users: [], departments: [] },
    ],
    [
      'a form that is not a list',
      detail({ form: form({ type: 'contact', open_ids: ['ou_q'] }) }),
      { users: [], departments: [] },
    ],
    ['an id too long to be one', detail({ open_id: `ou_${'x'.repeat(200)}` }), { users: [], departments: [] }],
  ];
  for (const [name, input, expected] of cases)
    it(name, () => {
      const got = referencedIds(input);
      assert.deepEqual({ users: got.users.sort(), departments: got.departments.sort() }, expected);
    });
});

describe('contact rows', () => {
  const at = '2026-12-06T00:00:00.000Z';
  const cases: Array<[string, () => Record<string, unknown>, Record<string, unknown>]> = [
    [
      'a user: documented fields typed, the rest null, the cursor and _ab_cdc_deleted_at set',
      () =>
        userRow(
          {
            open_id: 'ou_a',
            name: '王伟',
            department_ids: ['od-1', 5 as unknown as string],
            join_time: '1700000000',
            is_tenant_manager: 'yes',
            status: { is_resigned: false },
            mobile: '+86 1',
          },
          at,
        ),
      {
        open_id: 'ou_a',
        name: '王伟',
        department_ids: ['od-1'],
        join_time: 1700000000,
        is_tenant_manager: null,
        status: { is_resigned: false },
        email: null,
        synced_at: at,
        _ab_cdc_deleted_at: null,
      },
    ],
    [
      'a department: parent "0" kept, member_count typed',
      () =>
        departmentRow(
          { open_department_id: 'od-1', name: 'Finance', parent_department_id: '0', member_count: 12.5 },
          at,
        ),
      {
        open_department_id: 'od-1',
        name: 'Finance',
        parent_department_id: '0',
        member_count: null,
        synced_at: at,
        _ab_cdc_deleted_at: null,
      },
    ],
  ];
  for (const [name, make, expected] of cases)
    it(name, () => {
      const row = make();
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(row[key], value, key);
      assert.equal('mobile' in row, false, 'an undeclared field is not copied');
    });
});

describe('narrowing the batch answers', () => {
  const cases: Array<[string, Record<string, unknown>, string[] | 'refused']> = [
    ['items absent: nothing found', {}, []],
    ['items not a list: a broken answer', { items: 'x' }, 'refused'],
    ['an item without its id is dropped', { items: [{ name: 'x' }, { open_id: 'ou_a' }, 3] }, ['ou_a']],
  ];
  for (const [name, data, expected] of cases)
    it(name, () => {
      if (expected === 'refused') assert.throws(() => narrowUserBatch(data), ResponseShapeError);
      else
        assert.deepEqual(
          narrowUserBatch(data).map((u) => u.open_id),
          expected,
        );
    });
  it('departments keep their id and every other field', () => {
    const [d] = narrowDepartmentBatch({ items: [{ open_department_id: 'od-1', name: 7, extra: 'kept' }] });
    assert.deepEqual(d, {
      open_department_id: 'od-1',
      extra: 'kept',
      name: undefined,
      department_id: undefined,
      parent_department_id: undefined,
    });
  });
});

describe('missingScopeOf', () => {
  const error = (msg: string, endpoint: string) => new FeishuApiError(99991672, msg, 400, undefined, endpoint);
  const cases: Array<[string, string, string, string]> = [
    [
      'the scope Feishu names',
      'Access denied. One of the following scopes is required: [contact:user.base:readonly]. 应用尚未开通…',
      'GET /open-apis/contact/v3/users/batch',
      'contact:user.base:readonly',
    ],
    [
      'several scopes: any of them',
      'Access denied. One of the following scopes is required: [contact:contact.base:readonly, contact:contact:readonly_as_app].',
      'GET /open-apis/contact/v3/departments/batch',
      'contact:contact.base:readonly or contact:contact:readonly_as_app',
    ],
    [
      'no scope in the msg: the endpoint says',
      'no permission',
      'GET /open-apis/contact/v3/departments/batch',
      'contact:department.base:readonly and contact:contact.base:readonly',
    ],
    ['an approval endpoint', 'no permission', 'GET /open-apis/approval/v4/instances', 'approval:approval:readonly'],
  ];
  for (const [name, msg, endpoint, expected] of cases)
    it(name, () => assert.equal(missingScopeOf(error(msg, endpoint)), expected));
});

describe('the contact budgets of the config', () => {
  const base = { app_id: 'a', app_secret: 's', approval_codes: ['C'], start_date: '2024-01-01' };
  const cases: Array<[string, Record<string, unknown>, { perMinute: number; perSecond: number }]> = [
    ['the documented limits by default', {}, { perMinute: 1000, perSecond: 50 }],
    [
      'one setting pair, each endpoint its own budget',
      { contact_requests_per_minute: 600, contact_requests_per_second: 10 },
      { perMinute: 600, perSecond: 10 },
    ],
  ];
  for (const [name, fields, expected] of cases)
    it(name, () => {
      const config = parseConfig(validateConfig({ ...base, ...fields }, loadSpec()));
      assert.deepEqual(config.limits.users, expected);
      assert.deepEqual(config.limits.departments, expected);
      assert.notEqual(config.limits.users, config.limits.departments);
    });
});
