import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import { isProblem, parseJsonText, type Parsed } from '../../../values/safe-parse.js';
import type { ReportIssue } from '../../../values/value-issues.js';
import { endRow, idOrNull, itemObject, rowBase, type DetailRowContext } from './detail-rows.js';
import { isKnownWidgetType, LIST_WIDGET_TYPE, readDay, readDayRange, readNumber, widgetKind } from './widget-types.js';

/**
 * approval_form_fields rows: one per widget of an instance's form and one per
 * child widget of each row of a list widget (fieldList), the value typed by
 * the widget's type (issue 16):
 * number / amount / formula → value_number; date → value_date; dateInterval →
 * value_date, value_end, value_number (the interval); dates are the calendar
 * day the user picked (YYYY-MM-DD, in the offset Feishu sent); another string →
 * value_text; anything else → value_json as Feishu gave it. A value its type
 * cannot be read as is reported, and kept raw in value_json.
 */

/** Widget fields with columns of their own; the rest go to widget_extra. */
const OWN_FIELDS = new Set(['id', 'custom_id', 'name', 'type', 'value']);

export interface TypedValue {
  value_text: string | null;
  value_number: number | null;
  value_date: string | null;
  value_end: string | null;
  value_json: unknown;
}

interface Placement {
  path: string;
  parent: string | null;
  row: number | null;
}

export function formFieldRows(detail: InstanceDetail, ctx: DetailRowContext): JsonObject[] {
  const rows: JsonObject[] = [];
  walkForm(detail.form, ctx.report, (widget, id, place) =>
    rows.push(fieldRow(detail, ctx, widget, id, place, rows.length)),
  );
  return rows;
}

/** How many rows formFieldRows makes of a form (their field_index runs from 0 to this, exclusive); reports nothing. */
export function formFieldCount(form: string | undefined): number {
  let count = 0;
  walkForm(
    form,
    () => {},
    () => count++,
  );
  return count;
}

/**
 * Visits the form's widgets in the connector's flattening order: each
 * top-level widget, followed by the child widgets of each row when it is a
 * list widget. This order gives field_index, so it must not change.
 */
function walkForm(
  form: string | undefined,
  report: ReportIssue,
  visit: (widget: Record<string, unknown>, id: string, place: Placement) => void,
): void {
  readForm(form, report).forEach((raw, i) => {
    const widget = itemObject(raw, report, 'form', `#${i}`);
    if (!widget) return;
    const id = widgetId(widget, `#${i}`);
    visit(widget, id, { path: id, parent: null, row: null });
    if (widget['type'] === LIST_WIDGET_TYPE) walkListChildren(widget['value'], id, report, visit);
  });
}

/** A list widget's children: each child widget of each of its rows. */
function walkListChildren(
  value: unknown,
  parentId: string,
  report: ReportIssue,
  visit: (widget: Record<string, unknown>, id: string, place: Placement) => void,
): void {
  if (!Array.isArray(value)) return;
  value.forEach((children: unknown, r) => {
    if (!Array.isArray(children))
      return report('form', children, 'holds a list row that is not a list of widgets; skipped', `${parentId}[${r}]`);
    children.forEach((raw: unknown, c) => {
      const child = itemObject(raw, report, 'form', `${parentId}[${r}]#${c}`);
      if (!child) return;
      const id = widgetId(child, `#${c}`);
      visit(child, id, { path: `${parentId}[${r}].${id}`, parent: parentId, row: r });
    });
  });
}

/** The widget's id; its position (`#n`) when Feishu sent none, so the row still has a key. */
function widgetId(widget: Record<string, unknown>, position: string): string {
  return typeof widget['id'] === 'string' && widget['id'] !== '' ? widget['id'] : position;
}

/** The form's widgets; an unreadable or missing form is reported and yields none. */
function readForm(form: string | undefined, report: ReportIssue): unknown[] {
  if (form === undefined) {
    report('form', form, 'is missing; no form fields for this instance');
    return [];
  }
  const parsed = parseJsonText(form);
  if (isProblem(parsed)) {
    report('form', form, `${parsed.problem}; no form fields for this instance`);
    return [];
  }
  if (Array.isArray(parsed.value)) return parsed.value;
  if (parsed.value !== null) report('form', form, 'is not a list of widgets; no form fields for this instance');
  return [];
}

function fieldRow(
  detail: InstanceDetail,
  ctx: DetailRowContext,
  widget: Record<string, unknown>,
  id: string,
  place: Placement,
  index: number,
): JsonObject {
  const type = typeof widget['type'] === 'string' ? widget['type'] : null;
  const typed = typedValue(type, widget['value'], ctx.report, place.path);
  // One literal without spreads, then the window fields (endRow), in the same key order as
  // before: a literal that began with a spread took V8's slow path, about 13 µs a row against
  // 1.4 µs now, for the most numerous rows a details sync makes.
  const base = rowBase(detail, ctx);
  const row: JsonObject = {
    approval_code: base.approval_code,
    instance_code: base.instance_code,
    field_index: index,
    field_path: place.path,
    widget_id: id,
    widget_custom_id: idOrNull(widget['custom_id']),
    widget_name: typeof widget['name'] === 'string' ? widget['name'] : null,
    widget_type: type,
    parent_widget_id: place.parent,
    row_index: place.row,
    value_text: typed.value_text,
    value_number: typed.value_number,
    value_date: typed.value_date,
    value_end: typed.value_end,
    value_json: typed.value_json,
    widget_extra: widgetExtra(widget),
  };
  return endRow(row, ctx);
}

/** The widget's fields without a column of their own; null when there is none. */
function widgetExtra(widget: Record<string, unknown>): Record<string, unknown> | null {
  const entries = Object.entries(widget).filter(([key]) => !OWN_FIELDS.has(key));
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** A widget's value in the column its type calls for; `where` names the widget in a report. */
export function typedValue(type: string | null, value: unknown, report: ReportIssue, where: string): TypedValue {
  const out: TypedValue = { value_text: null, value_number: null, value_date: null, value_end: null, value_json: null };
  // Unread raw values stay in value_json, so nothing Feishu sent is lost.
  const keep = <T>(parsed: Parsed<T>, column: 'value_number' | 'value_date' | 'value_end'): T | null => {
    if (!isProblem(parsed)) return parsed.value;
    report(column, value, `${parsed.problem}; null, the value kept in value_json`, where);
    out.value_json = value;
    return null;
  };
  const kind = widgetKind(type);
  if (kind === 'number') {
    out.value_number = keep(readNumber(value), 'value_number');
  } else if (kind === 'day') {
    out.value_date = keep(readDay(value), 'value_date');
  } else if (kind === 'days') {
    const range = readDayRange(value);
    if (isProblem(range)) {
      report('value_date', value, `${range.problem}; null, the value kept in value_json`, where);
      return { ...out, value_json: value };
    }
    if (range.value === null) return out;
    out.value_date = keep(range.value.start, 'value_date');
    out.value_end = keep(range.value.end, 'value_end');
    out.value_number = keep(range.value.interval, 'value_number');
  } else {
    if (typeof value === 'string') out.value_text = value;
    if (typeof value !== 'string' || !isKnownWidgetType(type)) out.value_json = value ?? null;
  }
  return out;
}
