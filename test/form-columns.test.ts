import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FORM_TABLE_FIELDS,
  formColumns,
  formStreamName,
  formTableSchema,
  parseDefinitionForm,
  type FormWidget,
} from '../src/source/streams/forms/form-columns.js';
import { definitionForm } from '../emulator/form-widgets.js';

const w = (
  id: string,
  type: string | null,
  customId: string | null = null,
  name: string | null = null,
): FormWidget => ({
  id,
  customId,
  name,
  type,
  children: [],
});

const reports = (): { report: (f: string, raw: unknown, p: string, where?: string) => void; seen: string[] } => {
  const seen: string[] = [];
  return {
    seen,
    report: (field, _raw, problem, where) => seen.push(`${field}${where ? ` ${where}` : ''}: ${problem}`),
  };
};

describe('formStreamName: the code lower-cased, - as _', () => {
  const table: [string, string][] = [
    ['ABC-123', 'approval_form_abc_123'],
    ['7C468A54-8745-43E2-A42A-5DB0E7E8AD9B', 'approval_form_7c468a54_8745_43e2_a42a_5db0e7e8ad9b'],
    ['plain', 'approval_form_plain'],
  ];
  for (const [code, name] of table) it(`${code} → ${name}`, () => assert.equal(formStreamName(code), name));
});

describe('parseDefinitionForm reads the form safely', () => {
  const table: { name: string; form: unknown; ids: string[]; reported: number }[] = [
    {
      name: 'a JSON string',
      form: '[{"id":"a","type":"input"},{"id":"b","type":"number"}]',
      ids: ['a', 'b'],
      reported: 0,
    },
    { name: 'a parsed list', form: [{ id: 'a', type: 'input' }], ids: ['a'], reported: 0 },
    { name: 'absent', form: undefined, ids: [], reported: 0 },
    { name: 'empty string', form: '', ids: [], reported: 0 },
    { name: 'not JSON', form: '{nope', ids: [], reported: 1 },
    { name: 'not a list', form: '{"id":"a"}', ids: [], reported: 1 },
    { name: 'too deep', form: '['.repeat(40) + ']'.repeat(40), ids: [], reported: 1 },
    { name: 'a widget not an object', form: '[1,{"id":"a"}]', ids: ['a'], reported: 1 },
    { name: 'a widget without id', form: '[{"type":"input"},{"id":""},{"id":"a"}]', ids: ['a'], reported: 2 },
    { name: 'two widgets with one id', form: '[{"id":"a"},{"id":"a"}]', ids: ['a'], reported: 1 },
  ];
  for (const c of table)
    it(c.name, () => {
      const r = reports();
      const widgets = parseDefinitionForm(c.form, r.report);
      assert.deepEqual(
        widgets.map((x) => x.id),
        c.ids,
      );
      assert.equal(r.seen.length, c.reported, r.seen.join('; '));
    });

  it('reads custom_id, name, type and a list widget’s children (one level)', () => {
    const form = JSON.stringify([
      {
        id: 'l',
        custom_id: 'items',
        name: '明细',
        type: 'fieldList',
        children: [{ id: 'c', type: 'fieldList', children: [{ id: 'deep' }] }],
      },
      { id: 'x', custom_id: '', name: '', type: 'input', children: [{ id: 'ignored' }] },
    ]);
    assert.deepEqual(parseDefinitionForm(form), [
      {
        id: 'l',
        customId: 'items',
        name: '明细',
        type: 'fieldList',
        children: [{ id: 'c', customId: null, name: null, type: 'fieldList', children: [] }],
      },
      { id: 'x', customId: null, name: null, type: 'input', children: [] },
    ]);
  });
});

describe('formColumns: naming', () => {
  const table: { name: string; widgets: FormWidget[]; names: string[] }[] = [
    { name: 'custom_id when it has one', widgets: [w('widget1', 'input', 'title')], names: ['title'] },
    { name: 'else the id', widgets: [w('widget16510608596030001', 'input')], names: ['widget16510608596030001'] },
    { name: 'upper case is mangled: suffixed', widgets: [w('a', 'input', 'Amount')], names: ['amount_39a6c2'] },
    {
      name: 'Amount and amount stay two columns',
      widgets: [w('a', 'number', 'amount'), w('b', 'number', 'Amount')],
      names: ['amount', 'amount_39a6c2'],
    },
    { name: 'non-ASCII', widgets: [w('a', 'input', '金额')], names: ['w_77f196'] },
    { name: 'accents folded', widgets: [w('a', 'input', 'Café total')], names: ['cafe_total_dabe39'] },
    { name: 'leading digit', widgets: [w('a', 'input', '1st')], names: ['w_1st_624f94'] },
    { name: 'leading underscore', widgets: [w('a', 'input', '_x')], names: ['x_4f1259'] },
    { name: 'a table column', widgets: [w('a', 'input', 'status')], names: ['status_bf0994'] },
    {
      name: 'a clash on a safe name: the later widget, by its id',
      widgets: [w('a', 'input', 'dup'), w('b', 'input', 'dup')],
      names: ['dup', 'dup_94c653'],
    },
    {
      name: 'date interval: two columns',
      widgets: [w('a', 'dateInterval', 'trip')],
      names: ['trip_start', 'trip_end'],
    },
    {
      name: 'a widget named as an interval column clashes',
      widgets: [w('a', 'dateInterval', 'trip'), w('b', 'input', 'trip_end')],
      names: ['trip_start', 'trip_end', 'trip_end_94c653'],
    },
  ];
  for (const c of table)
    it(c.name, () =>
      assert.deepEqual(
        formColumns(c.widgets).map((col) => col.name),
        c.names,
      ),
    );

  it('every name is safe, unique and short, whatever the widgets are called', () => {
    const odd = ['', ' ', '金额', 'A'.repeat(200), '9'.repeat(80), 'a-b', 'a b', 'a__b', 'instance_code', '_raw', 'x'];
    const widgets = odd.flatMap((name, i) => [w(`id${i}`, 'dateInterval', name || null), w(`jd${i}`, 'number', name)]);
    const names = formColumns(widgets).map((c) => c.name);
    assert.equal(new Set([...names, ...FORM_TABLE_FIELDS]).size, names.length + FORM_TABLE_FIELDS.length);
    for (const name of names) {
      assert.match(name, /^[a-z][a-z0-9_]*$/);
      assert.ok(name.length <= 63, name);
    }
  });

  it('is deterministic: the same form gives the same names', () => {
    const widgets = [w('a', 'input', 'Dup'), w('b', 'input', 'dup'), w('c', 'input', 'dup')];
    assert.deepEqual(formColumns(widgets), formColumns(widgets));
  });
});

describe('formColumns + formTableSchema: typing as approval_form_fields types values', () => {
  const nullable = (t: string): string[] => [t, 'null'];
  const table: { type: string | null; schema: Record<string, unknown> }[] = [
    { type: 'number', schema: { type: nullable('number') } },
    { type: 'amount', schema: { type: nullable('number') } },
    { type: 'formula', schema: { type: nullable('number') } },
    { type: 'date', schema: { type: nullable('string'), format: 'date' } },
    { type: 'input', schema: { type: nullable('string') } },
    { type: 'textarea', schema: { type: nullable('string') } },
    { type: 'radio', schema: { type: nullable('string') } },
    { type: 'radioV2', schema: { type: nullable('string') } },
    { type: 'checkbox', schema: { type: nullable('array'), items: { type: 'string' } } },
    { type: 'checkboxV2', schema: { type: nullable('array'), items: { type: 'string' } } },
    { type: 'contact', schema: { type: nullable('array'), items: { type: 'string' } } },
    { type: 'department', schema: { type: nullable('array'), items: {} } },
    { type: 'attachmentV2', schema: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] } },
    { type: 'telephone', schema: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] } },
    { type: 'someNewWidget', schema: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] } },
    { type: null, schema: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] } },
  ];
  for (const c of table)
    it(`${c.type} → ${JSON.stringify(c.schema)}`, () => {
      const schema = formTableSchema(formColumns([w('a', c.type, 'v', '名称')]));
      const props = schema['properties'] as Record<string, Record<string, unknown>>;
      assert.deepEqual(props['v'], { ...c.schema, title: '名称', description: '名称' });
    });

  it('a date interval: two calendar-day columns', () => {
    const props = formTableSchema(formColumns([w('a', 'dateInterval', 'trip', 'Trip')]))['properties'] as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(props['trip_start'], {
      type: ['string', 'null'],
      format: 'date',
      title: 'Trip (start)',
      description: 'Trip (start)',
    });
    assert.equal(props['trip_end']!['format'], 'date');
  });

  it('a list widget: an array of row objects typed the same way', () => {
    const list: FormWidget = {
      ...w('l', 'fieldList', 'items', 'Items'),
      children: [w('c1', 'amount', 'item_amount', 'Item amount'), w('c2', 'date', 'Item Date', 'Item date')],
    };
    const props = formTableSchema(formColumns([list]))['properties'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(props['items'], {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          item_amount: { type: ['number', 'null'], title: 'Item amount', description: 'Item amount' },
          item_date_d289ff: { type: ['string', 'null'], format: 'date', title: 'Item date', description: 'Item date' },
        },
      },
      title: 'Items',
      description: 'Items',
    });
  });

  it('the table columns around the widgets; open to added fields', () => {
    const schema = formTableSchema(formColumns(parseDefinitionForm(definitionForm())));
    assert.equal(schema['additionalProperties'], true);
    const names = Object.keys(schema['properties'] as object);
    assert.deepEqual(names.slice(0, 9), FORM_TABLE_FIELDS.slice(0, 9));
    assert.deepEqual(names.slice(-4), ['_raw', 'created_after', 'created_before', '_ab_cdc_deleted_at']);
    assert.deepEqual(names.slice(9, -4), [
      'title',
      'reason',
      'quantity',
      'amount',
      'total',
      'needed_on',
      'trip_start',
      'trip_end',
      'category',
      'tags',
      'colleagues',
      'cost_center',
      'receipts',
      'items',
      'phone',
    ]);
    assert.deepEqual(schema['required'], ['approval_code', 'instance_code', 'created_after', 'created_before']);
  });
});
