import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceDetail } from '../src/feishu/types.js';
import type { JsonObject } from '../src/kit/protocol.js';
import {
  formFieldCount,
  formFieldRows,
  typedValue,
  type TypedValue,
} from '../src/source/streams/details/rows/form-fields.js';
import { taskRows } from '../src/source/streams/details/rows/tasks.js';
import { timelineRows } from '../src/source/streams/details/rows/timeline.js';
import { detailRecord } from '../src/source/streams/details/rows/detail-record.js';
import type { DetailRowContext } from '../src/source/streams/details/rows/detail-rows.js';

const WINDOW = { created_after: '2024-01-01T00:00:00.000Z', created_before: '2024-01-01T10:00:00.000Z' };

/** A row context whose reports are collected as `field: problem`. */
function context(): { ctx: DetailRowContext; reports: string[] } {
  const reports: string[] = [];
  return {
    reports,
    ctx: {
      approvalCode: 'APPROVAL',
      window: WINDOW,
      report: (field, _raw, problem) => reports.push(`${field}: ${problem}`),
    },
  };
}

const detail = (extra: Partial<InstanceDetail>): InstanceDetail => ({
  instance_code: 'INST',
  approval_code: 'APPROVAL',
  ...extra,
});

describe('typedValue: the column a widget value goes to', () => {
  const NONE: TypedValue = {
    value_text: null,
    value_number: null,
    value_date: null,
    value_end: null,
    value_json: null,
  };
  const cases: { type: string | null; value: unknown; expected: Partial<TypedValue>; reported?: string }[] = [
    { type: 'number', value: 12, expected: { value_number: 12 } },
    { type: 'amount', value: '1,234.50', expected: { value_number: 1234.5 } },
    { type: 'formula', value: ' -3e2 ', expected: { value_number: -300 } },
    { type: 'number', value: 'twelve', expected: { value_json: 'twelve' }, reported: 'value_number' },
    { type: 'amount', value: undefined, expected: {} },
    // The day picked, in the offset Feishu sent: in UTC these would read the day before (+08:00) or after (-05:00).
    { type: 'date', value: '2024-03-05T00:00:00+08:00', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '2024-03-05T09:30:00+08:00', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '2024-03-05T23:00:00-05:00', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '2024-03-05T00:00:00-05:00', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '2024-03-05T00:00:00Z', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '2024-03-05', expected: { value_date: '2024-03-05' } },
    { type: 'date', value: '1709602200000', expected: { value_date: '2024-03-05' } },
    {
      type: 'date',
      value: '2024-02-30T00:00:00+08:00',
      expected: { value_json: '2024-02-30T00:00:00+08:00' },
      reported: 'value_date',
    },
    {
      type: 'date',
      value: '2024-03-05T25:00:00+08:00',
      expected: { value_json: '2024-03-05T25:00:00+08:00' },
      reported: 'value_date',
    },
    { type: 'date', value: 'next tuesday', expected: { value_json: 'next tuesday' }, reported: 'value_date' },
    {
      type: 'dateInterval',
      value: { start: '2024-03-05T00:00:00+08:00', end: '2024-03-07T00:00:00+08:00', interval: 2 },
      expected: { value_date: '2024-03-05', value_end: '2024-03-07', value_number: 2 },
    },
    {
      type: 'dateInterval',
      value: { start: '2024-03-05T00:00:00-05:00', end: '2024-03-07T00:00:00-05:00', interval: 2 },
      expected: { value_date: '2024-03-05', value_end: '2024-03-07', value_number: 2 },
    },
    { type: 'dateInterval', value: 'soon', expected: { value_json: 'soon' }, reported: 'value_date' },
    {
      type: 'dateInterval',
      value: { start: 'x', end: '2024-03-07T00:00:00+08:00', interval: '1.5' },
      expected: {
        value_end: '2024-03-07',
        value_number: 1.5,
        value_json: { start: 'x', end: '2024-03-07T00:00:00+08:00', interval: '1.5' },
      },
      reported: 'value_date',
    },
    { type: 'input', value: 'Laptop', expected: { value_text: 'Laptop' } },
    { type: 'radioV2', value: 'Travel', expected: { value_text: 'Travel' } },
    { type: 'checkboxV2', value: ['a', 'b'], expected: { value_json: ['a', 'b'] } },
    { type: 'contact', value: ['u1'], expected: { value_json: ['u1'] } },
    {
      type: 'telephone',
      value: { countryCode: '+86', nationalNumber: '1' },
      expected: { value_json: { countryCode: '+86', nationalNumber: '1' } },
    },
    { type: 'brandNewWidget', value: { x: 1 }, expected: { value_json: { x: 1 } } },
    { type: 'brandNewWidget', value: 'text', expected: { value_text: 'text', value_json: 'text' } },
    { type: null, value: 7, expected: { value_json: 7 } },
    { type: 'input', value: undefined, expected: {} },
  ];
  for (const c of cases) {
    it(`${c.type} ${JSON.stringify(c.value)}`, () => {
      const reports: string[] = [];
      const out = typedValue(c.type, c.value, (field) => reports.push(field), 'w');
      assert.deepEqual(out, { ...NONE, ...c.expected });
      assert.deepEqual(reports, c.reported ? [c.reported] : []);
    });
  }
});

describe('formFieldRows', () => {
  const form = [
    { id: 'widget1', custom_id: 'title', name: 'Title', type: 'input', value: 'Trip' },
    { id: 'widget4', custom_id: 'amount', name: 'Amount', type: 'amount', value: 12.5, ext: { currency: 'CNY' } },
    {
      id: 'widget13',
      custom_id: 'items',
      name: 'Items',
      type: 'fieldList',
      value: [
        [
          { id: 'widget131', name: 'Item', type: 'input', value: 'Taxi' },
          { id: 'widget132', name: 'Item amount', type: 'amount', value: 3 },
        ],
        [
          { id: 'widget131', name: 'Item', type: 'input', value: 'Hotel' },
          { id: 'widget132', name: 'Item amount', type: 'amount', value: '9.5' },
        ],
      ],
    },
  ];

  it('one row per widget and per child of each list row, with paths, parents, rows and the window', () => {
    const { ctx, reports } = context();
    const rows = formFieldRows(detail({ form: JSON.stringify(form) }), ctx);
    assert.deepEqual(
      rows.map((r) => [r['field_index'], r['field_path'], r['parent_widget_id'], r['row_index']]),
      [
        [0, 'widget1', null, null],
        [1, 'widget4', null, null],
        [2, 'widget13', null, null],
        [3, 'widget13[0].widget131', 'widget13', 0],
        [4, 'widget13[0].widget132', 'widget13', 0],
        [5, 'widget13[1].widget131', 'widget13', 1],
        [6, 'widget13[1].widget132', 'widget13', 1],
      ],
    );
    assert.equal(formFieldCount(JSON.stringify(form)), rows.length, 'the count the digest keeps');
    assert.deepEqual(
      rows.map((r) => r['value_number'] ?? r['value_text']),
      ['Trip', 12.5, null, 'Taxi', 3, 'Hotel', 9.5],
    );
    assert.deepEqual(rows[2]!['value_json'], form[2]!.value, 'the list widget keeps its rows as JSON');
    assert.deepEqual(rows[1]!['widget_extra'], { ext: { currency: 'CNY' } });
    assert.equal(rows[0]!['widget_extra'], null);
    assert.ok(
      rows.every(
        (r) =>
          r['instance_code'] === 'INST' &&
          r['approval_code'] === 'APPROVAL' &&
          r['created_before'] === WINDOW.created_before,
      ),
    );
    assert.deepEqual(reports, []);
  });

  const broken: { name: string; form: string | undefined; reported: RegExp }[] = [
    { name: 'not JSON', form: '{"id": nope', reported: /^form: is not valid JSON/ },
    { name: 'too deep', form: '['.repeat(10_000) + ']'.repeat(10_000), reported: /^form: nests deeper than 32 levels/ },
    { name: 'missing', form: undefined, reported: /^form: is missing/ },
    { name: 'not a list', form: '{"a":1}', reported: /^form: is not a list of widgets/ },
  ];
  for (const b of broken) {
    it(`a form ${b.name} yields no rows and one report`, () => {
      const { ctx, reports } = context();
      assert.deepEqual(formFieldRows(detail({ form: b.form }), ctx), []);
      assert.equal(reports.length, 1);
      assert.match(reports[0]!, b.reported);
    });
  }

  it('a widget without an id gets its position as id; a non-object widget is skipped and reported', () => {
    const { ctx, reports } = context();
    const rows = formFieldRows(detail({ form: JSON.stringify([{ type: 'input', value: 'x' }, 42]) }), ctx);
    assert.deepEqual(
      rows.map((r) => r['field_path']),
      ['#0'],
    );
    assert.equal(reports.length, 1);
  });
});

describe('taskRows', () => {
  const task = (id: string, start: string, end: string, extra: JsonObject = {}): JsonObject => ({
    id,
    user_id: 'u',
    open_id: 'ou',
    status: end === '0' ? 'PENDING' : 'APPROVED',
    node_id: 'n',
    node_name: 'Manager',
    custom_node_id: 'manager',
    type: 'AND',
    start_time: start,
    end_time: end,
    ...extra,
  });
  const cases: {
    name: string;
    list: unknown[] | undefined;
    expected: [number, string | null, string | null, string | null, number | null][];
    reports: number;
  }[] = [
    {
      name: 'closed task: times and duration',
      list: [task('t1', '1704067200000', '1704070800500')],
      expected: [[0, 't1', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.500Z', 3600.5]],
      reports: 0,
    },
    {
      name: 'open task: null end and duration',
      list: [task('t2', '1704067200000', '0')],
      expected: [[0, 't2', '2024-01-01T00:00:00.000Z', null, null]],
      reports: 0,
    },
    {
      name: 'impossible start: null start, reported',
      list: [task('t3', '99999999999999999', '1704070800000')],
      expected: [[0, 't3', null, '2024-01-01T01:00:00.000Z', null]],
      reports: 1,
    },
    {
      name: 'end before start: null duration, reported',
      list: [task('t4', '1704070800000', '1704067200000')],
      expected: [[0, 't4', '2024-01-01T01:00:00.000Z', '2024-01-01T00:00:00.000Z', null]],
      reports: 1,
    },
    {
      name: 'no id: kept, task_id null (the key is the position); junk skipped, its index unused',
      list: ['junk', task('', '1', '0')],
      expected: [[1, null, '1970-01-01T00:00:00.001Z', null, null]],
      reports: 1,
    },
    { name: 'missing task_list: none, reported', list: undefined, expected: [], reports: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { ctx, reports } = context();
      const rows = taskRows(detail({ task_list: c.list }), ctx);
      assert.deepEqual(
        rows.map((r) => [r['task_index'], r['task_id'], r['start_time'], r['end_time'], r['duration_seconds']]),
        c.expected,
      );
      for (const row of rows) assert.equal(row['_ab_cdc_deleted_at'], null);
      assert.equal(reports.length, c.reports, reports.join('; '));
    });
  }
});

describe('timelineRows', () => {
  it("seq is the position in Feishu's timeline (no sort), ext parsed, lists kept", () => {
    const { ctx, reports } = context();
    const timeline = [
      {
        type: 'PASS',
        create_time: '1704070800000',
        user_id: 'u',
        open_id: 'ou',
        task_id: 't1',
        node_key: 'manager',
        comment: 'OK',
        ext: '{}',
      },
      { type: 'START', create_time: '1704067200000', user_id: 'u', open_id: 'ou', ext: '' },
      {
        type: 'CC',
        create_time: '1704067200000',
        user_id: 'u',
        open_id: 'ou',
        user_id_list: ['a'],
        open_id_list: ['oa'],
        ext: '{"user_id_list":["a"]}',
      },
      {
        type: 'ODD',
        create_time: 'abc',
        user_id: 'u',
        open_id: 'ou',
        ext: 'not json',
        cc_user_list: [JSON.parse('['.repeat(50) + ']'.repeat(50)) as unknown],
      },
    ];
    const rows = timelineRows(detail({ timeline }), ctx);
    assert.deepEqual(
      rows.map((r) => [r['seq'], r['type'], r['create_time']]),
      [
        [0, 'PASS', '2024-01-01T01:00:00.000Z'],
        [1, 'START', '2024-01-01T00:00:00.000Z'],
        [2, 'CC', '2024-01-01T00:00:00.000Z'],
        [3, 'ODD', null],
      ],
    );
    assert.deepEqual(
      rows.map((r) => r['ext']),
      [{}, null, { user_id_list: ['a'] }, null],
    );
    assert.deepEqual(rows[2]!['open_id_list'], ['oa']);
    assert.equal(rows[1]!['user_id_list'], null);
    assert.equal(rows[3]!['cc_user_list'], null, 'a list nested too deep to write is null');
    assert.deepEqual(
      reports.map((r) => r.split(':')[0]),
      ['create_time', 'cc_user_list', 'ext'],
    );
  });
});

describe('detailRecord: odd values become null with a report, never a throw', () => {
  const healthy: Partial<InstanceDetail> = {
    status: 'APPROVED',
    start_time: '1704067200000',
    end_time: '1704070800000',
    form: '[]',
    task_list: [],
    timeline: [],
  };
  const cases: { name: string; change: Partial<InstanceDetail>; field: string; value: unknown; reported: RegExp[] }[] =
    [
      {
        name: 'huge start_time',
        change: { start_time: '99999999999999999' },
        field: 'start_time',
        value: null,
        reported: [/^start_time: is outside/],
      },
      {
        name: 'text start_time',
        change: { start_time: 'abc' },
        field: 'start_time',
        value: null,
        reported: [/^start_time: is not a Unix time/],
      },
      {
        name: 'deep form',
        change: { form: '['.repeat(10_000) + ']'.repeat(10_000) },
        field: 'form_parsed',
        value: null,
        reported: [/^form_parsed: nests deeper/],
      },
      {
        name: 'form not JSON',
        change: { form: '{"id": nope' },
        field: 'form',
        value: '{"id": nope',
        reported: [/^form_parsed: is not valid JSON/],
      },
      {
        name: 'unknown status kept as sent',
        change: { status: 'SUSPENDED' },
        field: 'status',
        value: 'SUSPENDED',
        reported: [/^status: is not one Feishu documents/],
      },
      {
        name: 'status missing',
        change: { status: undefined },
        field: 'status',
        value: null,
        reported: [/^status: is missing/],
      },
      {
        name: 'deep task_list',
        change: { task_list: [JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown] },
        field: 'task_list',
        value: null,
        reported: [/^task_list: nests deeper/],
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const { ctx, reports } = context();
      const record = detailRecord(detail({ ...healthy, ...c.change }), ctx);
      assert.deepEqual(record[c.field], c.value);
      assert.equal(reports.length, c.reported.length, reports.join('; '));
      c.reported.forEach((re, i) => assert.match(reports[i]!, re));
      assert.doesNotThrow(() => JSON.stringify(record));
    });
  }

  it('a detail reduced to its codes: the codes, nulls, a report per missing field', () => {
    const { ctx, reports } = context();
    const record = detailRecord({ instance_code: 'INST' }, ctx);
    assert.deepEqual(
      [record['instance_code'], record['approval_code'], record['status'], record['start_time'], record['form_parsed']],
      ['INST', 'APPROVAL', null, null, null],
    );
    assert.deepEqual(
      reports.map((r) => r.split(':')[0]),
      ['status', 'start_time', 'end_time', 'form'],
    );
  });
});

describe("absent ids are null, never ''", () => {
  const noScope: Partial<InstanceDetail> = {
    status: 'APPROVED',
    start_time: '1704067200000',
    end_time: '1704070800000',
    serial_number: '',
    user_id: '',
    open_id: 'ou_a',
    department_id: '',
    uuid: '',
    form: JSON.stringify([{ id: 'w1', custom_id: '', name: 'Title', type: 'input', value: 'x' }]),
    task_list: [
      {
        id: 't1',
        user_id: '',
        open_id: '',
        node_id: 'n1',
        custom_node_id: '',
        type: 'AUTO_PASS',
        status: 'APPROVED',
        start_time: '1',
        end_time: '2',
      },
    ],
    timeline: [
      {
        type: 'CC',
        create_time: '1',
        user_id: '',
        open_id: 'ou_a',
        user_id_list: ['', ''],
        open_id_list: ['ou_b', ''],
        task_id: '',
        node_key: '',
        cc_user_list: [{ user_id: '', cc_id: '7', open_id: 'ou_c' }],
      },
    ],
  };
  const cases: {
    name: string;
    rows: (d: InstanceDetail, ctx: DetailRowContext) => JsonObject[];
    fields: Record<string, unknown>;
  }[] = [
    {
      name: 'detail',
      rows: (d, ctx) => [detailRecord(d, ctx)],
      fields: { user_id: null, open_id: 'ou_a', department_id: null, uuid: null, serial_number: null },
    },
    {
      name: 'task of an automatic node',
      rows: taskRows,
      fields: { task_id: 't1', user_id: null, open_id: null, custom_node_id: null },
    },
    {
      name: 'timeline event',
      rows: timelineRows,
      fields: {
        user_id: null,
        open_id: 'ou_a',
        user_id_list: [null, null],
        open_id_list: ['ou_b', null],
        task_id: null,
        node_key: null,
        cc_user_list: [{ user_id: null, cc_id: '7', open_id: 'ou_c' }],
      },
    },
    { name: 'form field', rows: formFieldRows, fields: { widget_custom_id: null, field_index: 0 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { ctx } = context();
      const [row] = c.rows(detail(noScope), ctx);
      for (const [field, value] of Object.entries(c.fields)) assert.deepEqual(row![field], value, field);
      assert.equal(row!['_ab_cdc_deleted_at'], null);
    });
  }
});
