import type { JsonObject } from '../../../kit/protocol.js';
import { hash53 } from '../../values/hashes.js';
import { isProblem, parseJsonText } from '../../values/safe-parse.js';
import type { ReportIssue } from '../../values/value-issues.js';
import { DELETED_AT, DELETED_AT_FIELD, recordSchema, TIMESTAMP } from '../record-schema.js';
import { ANY_JSON, CALENDAR_DAY, NULLABLE_TIMESTAMP, STRINGS } from '../details/rows/row-schema.js';
import { LIST_WIDGET_TYPE, widgetKind, type ValueKind } from '../details/rows/widget-types.js';

/**
 * The column model of the form tables (issue 26), all pure: an approval
 * definition's form → its widgets → one column per top-level widget (two for
 * a date interval) → the stream's JSON schema. The typing is the one rule of
 * details/rows/widget-types.ts, which approval_form_fields follows too.
 *
 * Naming: the widget's custom_id, else its id. A name already safe in every
 * destination (lower snake case ASCII, a letter first, at most BASE_MAX
 * characters, not a table column) is kept; any other is made safe and gets
 * `_` plus 6 hex digits of the hash of the name it came from, so `Amount` and
 * `amount` stay two columns, and the same widget gets the same name at every
 * discover. A name taken already (by an earlier widget in form order, or by
 * a table column) gets the hash of the widget's id instead.
 */

/** One widget of a definition's form, as the column model needs it. */
export interface FormWidget {
  id: string;
  customId: string | null;
  /** The widget's own name (often Chinese): the column's title. */
  name: string | null;
  type: string | null;
  /** A list widget's (fieldList) child widgets; empty for any other. */
  children: FormWidget[];
}

/** A column's kind: the widget's value kind, a date interval split into its two days. */
export type ColumnKind = Exclude<ValueKind, 'days'> | 'days_start' | 'days_end';

/** One column of a form table (or, for a list widget's child, one field of its row objects). */
export interface FormColumn {
  name: string;
  widgetId: string;
  widgetType: string | null;
  kind: ColumnKind;
  title: string;
  /** A list widget's child columns (the fields of each row object); empty for any other. */
  children: FormColumn[];
}

/** Postgres truncates identifiers at 63 bytes, the tightest common destination; `_start` and a suffix fit after this. */
const BASE_MAX = 40;
const SAFE_NAME = /^[a-z][a-z0-9_]*$/;

/** The columns every form table has besides its widgets' (formTableSchema), so no widget may take their names. */
export const FORM_TABLE_FIELDS: readonly string[] = [
  'approval_code',
  'instance_code',
  'serial_number',
  'status',
  'user_id',
  'open_id',
  'department_id',
  'start_time',
  'end_time',
  '_raw',
  'created_after',
  'created_before',
  DELETED_AT_FIELD,
];

/** The stream of an approval code's form: stable when the definition is renamed. */
export function formStreamName(approvalCode: string): string {
  return `approval_form_${approvalCode.toLowerCase().replaceAll('-', '_')}`;
}

/**
 * The widgets of a definition's `form` (a JSON string of widgets; an already
 * parsed list is read too). What cannot be read is reported and left out:
 * the form when it is not a list, a widget that is not an object or has no
 * id (its values could not be matched), a second widget with the same id.
 */
export function parseDefinitionForm(form: unknown, report: ReportIssue = () => {}): FormWidget[] {
  const parsed = typeof form === 'string' ? parseJsonText(form) : { value: form ?? null };
  if (isProblem(parsed)) {
    report('form', form, `${parsed.problem}; no form columns`);
    return [];
  }
  if (parsed.value === null) return [];
  if (!Array.isArray(parsed.value)) {
    report('form', form, 'is not a list of widgets; no form columns');
    return [];
  }
  return readWidgets(parsed.value, report, '', true);
}

function readWidgets(raw: unknown[], report: ReportIssue, parent: string, topLevel: boolean): FormWidget[] {
  const seen = new Set<string>();
  const widgets: FormWidget[] = [];
  raw.forEach((item: unknown, i) => {
    const where = `${parent}#${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return report('form', item, 'holds a widget that is not an object; no column for it', where);
    const w = item as Record<string, unknown>;
    const id = w['id'];
    if (typeof id !== 'string' || id === '')
      return report('form', id, 'holds a widget without an id; no column for it', where);
    if (seen.has(id)) return report('form', id, 'holds two widgets with this id; the second has no column', where);
    seen.add(id);
    const type = text(w['type']);
    const children = w['children'];
    widgets.push({
      id,
      customId: text(w['custom_id']) || null,
      name: text(w['name']) || null,
      type,
      // One level of list: a list inside a list row is kept as JSON.
      children:
        topLevel && type === LIST_WIDGET_TYPE && Array.isArray(children)
          ? readWidgets(children, report, `${id}.`, false)
          : [],
    });
  });
  return widgets;
}

/** The columns of a form's widgets, in form order (a date interval gives `<name>_start`, `<name>_end`). */
export function formColumns(widgets: readonly FormWidget[]): FormColumn[] {
  return nameColumns(widgets, new Set(FORM_TABLE_FIELDS), true);
}

function nameColumns(widgets: readonly FormWidget[], taken: Set<string>, topLevel: boolean): FormColumn[] {
  const columns: FormColumn[] = [];
  for (const widget of widgets) {
    const kind = widgetKind(widget.type);
    const source = widget.customId ?? widget.id;
    let base = safeBase(source);
    const namesOf = (b: string): string[] => (kind === 'days' ? [`${b}_start`, `${b}_end`] : [b]);
    // A clash: the widget's id decides the suffix; a rare second clash, a counter after it.
    for (let n = 0; namesOf(base).some((name) => taken.has(name)); n++)
      base = `${stem(source)}_${hex6(n === 0 ? `id:${widget.id}` : `id:${widget.id}#${n}`)}`;
    for (const name of namesOf(base)) taken.add(name);
    const title = widget.name ?? widget.id;
    const common = { widgetId: widget.id, widgetType: widget.type, children: [] as FormColumn[] };
    if (kind === 'days') {
      columns.push({ ...common, name: `${base}_start`, kind: 'days_start', title: `${title} (start)` });
      columns.push({ ...common, name: `${base}_end`, kind: 'days_end', title: `${title} (end)` });
    } else if (kind === 'rows' && topLevel) {
      columns.push({ ...common, name: base, kind, title, children: nameColumns(widget.children, new Set(), false) });
    } else {
      columns.push({ ...common, name: base, kind: kind === 'rows' ? 'json' : kind, title });
    }
  }
  return columns;
}

/** The name as it is when already safe, else its safe stem with the hash of the original. */
function safeBase(source: string): string {
  if (SAFE_NAME.test(source) && source.length <= BASE_MAX) return source;
  return `${stem(source)}_${hex6(source)}`;
}

/** Lower snake case ASCII, a letter first, at most BASE_MAX characters; `w` when nothing is left. */
function stem(source: string): string {
  const ascii = source
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const lettered = ascii === '' ? 'w' : /^[a-z]/.test(ascii) ? ascii : `w_${ascii}`;
  return lettered.slice(0, BASE_MAX).replace(/_+$/, '');
}

function hex6(text: string): string {
  return (hash53(text) % 0x1000000).toString(16).padStart(6, '0');
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A column's JSON schema: nullable always (a widget left empty, a value that does not fit, a tombstone). */
export function columnSchema(column: FormColumn): JsonObject {
  const described = { title: column.title, description: column.title };
  switch (column.kind) {
    case 'number':
      return { type: ['number', 'null'], ...described };
    case 'day':
    case 'days_start':
    case 'days_end':
      return { ...CALENDAR_DAY, ...described };
    case 'text':
      return { ...STRINGS, ...described };
    case 'strings':
      return { type: ['array', 'null'], items: { type: 'string' }, ...described };
    case 'list':
      return { type: ['array', 'null'], items: {}, ...described };
    case 'rows':
      return {
        type: ['array', 'null'],
        items: {
          type: 'object',
          additionalProperties: true,
          properties: Object.fromEntries(column.children.map((c) => [c.name, columnSchema(c)])),
        },
        ...described,
      };
    case 'json':
      return { ...ANY_JSON, ...described };
  }
}

/**
 * A form table's JSON schema: the instance's keys and facts, a column per
 * widget, `_raw`, the window (cursor) and `_ab_cdc_deleted_at`. Open to
 * fields added later (additionalProperties), as every stream of this source.
 */
export function formTableSchema(columns: readonly FormColumn[]): JsonObject {
  return recordSchema(['approval_code', 'instance_code', 'created_after', 'created_before'], {
    approval_code: { type: 'string', description: 'Code of the approval definition.' },
    instance_code: { type: 'string', description: 'Code of the approval instance (primary key).' },
    serial_number: STRINGS,
    status: { ...STRINGS, description: 'PENDING, APPROVED, REJECTED, CANCELED, …, as of the sync that wrote the row.' },
    user_id: {
      ...STRINGS,
      description: "The applicant's user_id (null without the scope contact:user.employee_id:readonly).",
    },
    open_id: { ...STRINGS, description: "The applicant's open_id." },
    department_id: { ...STRINGS, description: "The applicant's department." },
    start_time: { ...NULLABLE_TIMESTAMP, description: 'When the instance was created.' },
    end_time: { ...NULLABLE_TIMESTAMP, description: 'When it became final; null while PENDING.' },
    ...Object.fromEntries(columns.map((c) => [c.name, columnSchema(c)])),
    _raw: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        'The values that did not fit their column (written null there), as Feishu sent them, by column; null when all fit.',
    },
    created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
    created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
    [DELETED_AT_FIELD]: DELETED_AT,
  });
}
