import type { InstanceDetail } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import { isProblem, parseJsonText, parseMsTimestamp, type Parsed } from '../../values/safe-parse.js';
import { take, type ReportIssue } from '../../values/value-issues.js';
import { DELETED_AT_FIELD } from '../record-schema.js';
import { idOrNull, rowBase, type DetailRowContext } from '../details/rows/detail-rows.js';
import {
  readDay,
  readDayRange,
  readJson,
  readList,
  readNumber,
  readStrings,
  readText,
} from '../details/rows/widget-types.js';
import type { FormColumn } from './form-columns.js';

/**
 * A form table's row (issue 26), pure: one per instance, each column the
 * value of its widget (matched by the widget's id) read by the column's kind
 * (details/rows/widget-types.ts). A value that does not fit is null in its
 * column, reported under the column's name (ValueIssues: one WARN per column
 * and sync) and kept as sent in `_raw`, keyed by the column. A widget the
 * instance lacks is null; so is a declared column the definition no longer
 * has (`declared`: the configured catalog's columns, which alone are written).
 */
export function formRow(
  detail: InstanceDetail,
  columns: readonly FormColumn[],
  ctx: DetailRowContext,
  declared?: readonly string[],
): JsonObject {
  const { report } = ctx;
  const values = widgetValues(detail.form, report);
  const raw: JsonObject = {};
  const cells: JsonObject = {};
  for (const column of columns) {
    const value = values.get(column.widgetId);
    cells[column.name] = cell(column, value, (where, rawValue, problem) => {
      report(column.name, rawValue, `${problem}; null, the value kept in _raw`, where);
      raw[where ?? column.name] = rawValue ?? null;
    });
  }
  const row: JsonObject = {
    ...rowBase(detail, ctx),
    serial_number: idOrNull(detail.serial_number),
    status: detail.status ?? null,
    user_id: idOrNull(detail.user_id),
    open_id: idOrNull(detail.open_id),
    department_id: idOrNull(detail.department_id),
    start_time: take(parseMsTimestamp(detail.start_time), report, 'start_time', detail.start_time),
    end_time: take(parseMsTimestamp(detail.end_time), report, 'end_time', detail.end_time),
  };
  if (declared) {
    for (const name of declared) if (!(name in row) && !FRAME.has(name)) row[name] = cells[name] ?? null;
  } else Object.assign(row, cells);
  return {
    ...row,
    _raw: Object.keys(raw).length > 0 ? raw : null,
    ...ctx.window,
    [DELETED_AT_FIELD]: null,
  };
}

/** Fields the row frame writes itself, whatever the catalog declares. */
const FRAME = new Set(['_raw', 'created_after', 'created_before', DELETED_AT_FIELD]);

/** Where a column's reader reports a value that does not fit: `where` names a list row's cell (`items[0].amount`). */
type Misfit = (where: string | undefined, raw: unknown, problem: string) => void;

/** The top-level widgets' values by widget id; an unreadable form is reported once and gives none. */
function widgetValues(form: string | undefined, report: ReportIssue): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const parsed = parseJsonText(form);
  if (isProblem(parsed)) {
    report('form', form, `${parsed.problem}; every form column null`);
    return values;
  }
  if (parsed.value === null) return values;
  if (!Array.isArray(parsed.value)) {
    report('form', form, 'is not a list of widgets; every form column null');
    return values;
  }
  for (const widget of parsed.value) {
    if (typeof widget !== 'object' || widget === null || Array.isArray(widget)) continue;
    const w = widget as Record<string, unknown>;
    if (typeof w['id'] === 'string' && !values.has(w['id'])) values.set(w['id'], w['value']);
  }
  return values;
}

/** One column's value from its widget's value, or null after a misfit. */
function cell(column: FormColumn, value: unknown, misfit: Misfit): unknown {
  const keep = <T>(parsed: Parsed<T>, rawValue: unknown = value): T | null => {
    if (!isProblem(parsed)) return parsed.value;
    misfit(undefined, rawValue, parsed.problem);
    return null;
  };
  switch (column.kind) {
    case 'number':
      return keep(readNumber(value));
    case 'day':
      return keep(readDay(value));
    case 'days_start':
    case 'days_end': {
      const range = keep(readDayRange(value));
      if (range === null) return null;
      return keep(column.kind === 'days_start' ? range.start : range.end);
    }
    case 'text':
      return keep(readText(value));
    case 'strings':
      return keep(readStrings(value));
    case 'list':
      return keep(readList(value));
    case 'json':
      return keep(readJson(value));
    case 'rows':
      return listRows(column, value, misfit);
  }
}

/** A list widget's rows as objects, each child column read as a top-level one would be. */
function listRows(column: FormColumn, value: unknown, misfit: Misfit): JsonObject[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every(Array.isArray)) {
    misfit(undefined, value, 'is not a list of rows of widgets');
    return null;
  }
  return (value as unknown[][]).map((children, r) => {
    const byId = new Map<string, unknown>();
    for (const child of children)
      if (typeof child === 'object' && child !== null && typeof (child as JsonObject)['id'] === 'string')
        byId.set((child as JsonObject)['id'] as string, (child as JsonObject)['value']);
    const row: JsonObject = {};
    for (const c of column.children)
      row[c.name] = cell(c, byId.get(c.widgetId), (_where, raw, problem) =>
        misfit(`${column.name}[${r}].${c.name}`, raw, problem),
      );
    return row;
  });
}
