import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceDetail } from '../src/feishu/types.js';
import type { JsonObject } from '../src/kit/protocol.js';
import { formColumns, type FormWidget } from '../src/source/streams/forms/form-columns.js';
import { formRow } from '../src/source/streams/forms/form-rows.js';
import { digestOfCodes } from '../src/source/streams/details/recheck/digest-state.js';
import { codeHash } from '../src/source/values/hashes.js';

const w = (id: string, type: string, customId: string, children: FormWidget[] = []): FormWidget => ({
  id,
  customId,
  name: customId,
  type,
  children,
});

const WIDGETS: FormWidget[] = [
  w('n', 'amount', 'amount'),
  w('d', 'date', 'day'),
  w('i', 'dateInterval', 'trip'),
  w('t', 'radioV2', 'choice'),
  w('c', 'checkboxV2', 'tags'),
  w('p', 'department', 'dept'),
  w('a', 'attachmentV2', 'files'),
  w('x', 'someNewWidget', 'other'),
  w('l', 'fieldList', 'items', [w('ln', 'amount', 'item_amount'), w('ld', 'date', 'item_day')]),
];
const COLUMNS = formColumns(WIDGETS);
const WINDOW = { created_after: '2026-01-01T00:00:00.000Z', created_before: '2026-01-01T10:00:00.000Z' };

function rowOf(values: Record<string, unknown>, declared?: string[]): { row: JsonObject; reports: string[] } {
  const form = JSON.stringify(Object.entries(values).map(([id, value]) => ({ id, value })));
  const detail: InstanceDetail = { instance_code: 'I1', approval_code: 'A', status: 'APPROVED', form, start_time: '0' };
  const reports: string[] = [];
  const report = (field: string, _raw: unknown, problem: string, where?: string): void =>
    void reports.push(`${field}${where ? ` ${where}` : ''}: ${problem}`);
  return { row: formRow(detail, COLUMNS, { approvalCode: 'A', window: WINDOW, report }, declared), reports };
}

describe('formRow: each column its widget’s value, typed; a misfit null, kept in _raw and reported', () => {
  const cases: { name: string; values: Record<string, unknown>; cells: JsonObject; raw: JsonObject | null }[] = [
    { name: 'a number, and a numeric string', values: { n: '1,250.50' }, cells: { amount: 1250.5 }, raw: null },
    { name: 'not a number', values: { n: 'twelve' }, cells: { amount: null }, raw: { amount: 'twelve' } },
    {
      name: 'a date keeps its calendar day (+08:00 midnight is not the UTC day before)',
      values: { d: '2024-05-01T00:00:00+08:00' },
      cells: { day: '2024-05-01' },
      raw: null,
    },
    { name: 'not a date', values: { d: 'soon' }, cells: { day: null }, raw: { day: 'soon' } },
    {
      name: 'a date interval: two days',
      values: { i: { start: '2024-05-01T00:00:00+08:00', end: '2024-05-03T00:00:00+08:00', interval: 2 } },
      cells: { trip_start: '2024-05-01', trip_end: '2024-05-03' },
      raw: null,
    },
    {
      name: 'a date interval that is not one: both columns null',
      values: { i: 'May' },
      cells: { trip_start: null, trip_end: null },
      raw: { trip_start: 'May', trip_end: 'May' },
    },
    { name: 'a choice', values: { t: 'Travel' }, cells: { choice: 'Travel' }, raw: null },
    { name: 'a choice that is not a string', values: { t: 3 }, cells: { choice: null }, raw: { choice: 3 } },
    { name: 'choices', values: { c: ['a', 'b'] }, cells: { tags: ['a', 'b'] }, raw: null },
    { name: 'choices not all strings', values: { c: ['a', 1] }, cells: { tags: null }, raw: { tags: ['a', 1] } },
    {
      name: 'departments: a list as sent',
      values: { p: [{ name: 'D' }] },
      cells: { dept: [{ name: 'D' }] },
      raw: null,
    },
    { name: 'attachments: JSON as sent', values: { a: ['u1'] }, cells: { files: ['u1'] }, raw: null },
    { name: 'an unknown widget type: JSON', values: { x: { any: 1 } }, cells: { other: { any: 1 } }, raw: null },
    {
      name: 'a list widget: row objects typed the same way; a misfit named by row',
      values: {
        l: [
          [
            { id: 'ln', value: 3 },
            { id: 'ld', value: '2024-05-01T00:00:00+08:00' },
          ],
          [{ id: 'ln', value: 'x' }],
        ],
      },
      cells: {
        items: [
          { item_amount: 3, item_day: '2024-05-01' },
          { item_amount: null, item_day: null },
        ],
      },
      raw: { 'items[1].item_amount': 'x' },
    },
    { name: 'a widget the instance lacks: null', values: {}, cells: { amount: null, items: null }, raw: null },
  ];
  for (const c of cases)
    it(c.name, () => {
      const { row, reports } = rowOf(c.values);
      for (const [column, value] of Object.entries(c.cells)) assert.deepEqual(row[column], value, column);
      assert.deepEqual(row['_raw'], c.raw);
      // One report per misfit, under the column's name (ValueIssues: one WARN per column and sync).
      assert.equal(reports.length, c.raw ? Object.keys(c.raw).length : 0, reports.join('; '));
    });

  it('the frame: keys, facts, window, _ab_cdc_deleted_at null', () => {
    const { row } = rowOf({ n: 1 });
    assert.deepEqual(
      [row['approval_code'], row['instance_code'], row['status'], row['start_time'], row['created_before']],
      ['A', 'I1', 'APPROVED', null, WINDOW.created_before],
    );
    assert.equal(row['_ab_cdc_deleted_at'], null);
  });

  it('with the catalog’s columns: only those, a column the definition no longer has null', () => {
    const { row } = rowOf({ n: 1, d: '2024-05-01' }, ['instance_code', 'amount', 'removed_widget', '_raw']);
    assert.equal(row['amount'], 1);
    assert.equal(row['removed_widget'], null);
    assert.equal('day' in row, false);
    assert.equal(row['instance_code'], 'I1');
  });

  it('an unreadable form: every column null, one report', () => {
    const detail: InstanceDetail = { instance_code: 'I1', form: '{nope' };
    const reports: string[] = [];
    const row = formRow(detail, COLUMNS, { approvalCode: 'A', window: WINDOW, report: (f) => void reports.push(f) });
    assert.equal(row['amount'], null);
    assert.deepEqual(reports, ['form']);
  });
});

describe('digestOfCodes keeps a form table’s STATE to its code', () => {
  const field = { version: 3, base_minute: 7, partitions: { [codeHash('A')]: 'a', [codeHash('B')]: 'b' } };
  const cases: { name: string; input: unknown; codes: string[]; expected: unknown }[] = [
    {
      name: 'hashed partitions',
      input: field,
      codes: ['A'],
      expected: { version: 3, base_minute: 7, partitions: { [codeHash('A')]: 'a' } },
    },
    {
      name: 'partitions by code',
      input: { version: 3, base_minute: 7, codes: { A: 'a', B: 'b' } },
      codes: ['B'],
      expected: { version: 3, base_minute: 7, codes: { B: 'b' } },
    },
    { name: 'another version: as it is', input: { version: 9, x: 1 }, codes: ['A'], expected: { version: 9, x: 1 } },
    { name: 'none', input: undefined, codes: ['A'], expected: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(digestOfCodes(c.input, c.codes), c.expected));
});
