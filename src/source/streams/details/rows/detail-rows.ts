import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import type { WindowFields } from '../../../sync/contract.js';
import type { ReportIssue } from '../../../values/value-issues.js';
import { DELETED_AT_FIELD } from '../../record-schema.js';

/**
 * What every detail-based stream's mapper gets besides the detail: the
 * approval code the instance was listed under (the detail may lack it), the
 * window it was listed in (the cursor fields) and where to report a value it
 * cannot read. Mappers are pure: one detail in, its rows out, never a throw.
 */
export interface DetailRowContext {
  approvalCode: string;
  window: WindowFields;
  report: ReportIssue;
}

export type DetailRowMapper = (detail: InstanceDetail, ctx: DetailRowContext) => JsonObject[];

/** The fields every row of a detail-based stream starts with. */
export function rowBase(
  detail: InstanceDetail,
  ctx: DetailRowContext,
): { approval_code: string; instance_code: string } {
  return { approval_code: detail.approval_code ?? ctx.approvalCode, instance_code: detail.instance_code };
}

/**
 * Ends a row with the window fields and the tombstone column, as every detail-based row ends.
 * Mappers build the rest as one literal with approval_code and instance_code written out: a
 * literal that begins with a spread (`...rowBase()`) takes V8's slow path, several µs a row.
 */
export function endRow(row: JsonObject, ctx: DetailRowContext): JsonObject {
  for (const key of Object.keys(ctx.window)) row[key] = ctx.window[key as keyof WindowFields];
  row[DELETED_AT_FIELD] = null;
  return row;
}

/** An item of a list in the detail as an object, or undefined after reporting it. */
export function itemObject(
  raw: unknown,
  report: ReportIssue,
  field: string,
  where: string,
): Record<string, unknown> | undefined {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as Record<string, unknown>;
  report(field, raw, 'is not an object; the item is skipped', where);
  return undefined;
}

/** Reads one string field of an item; what is not a string is reported to `report`, naming `where`. */
export type FieldReader = (
  item: Record<string, unknown>,
  key: string,
  report: ReportIssue,
  where?: string,
) => string | null;

/** A text field: a string as is, absent as null; anything else reported and null. */
export const textField: FieldReader = (item, key, report, where) => {
  const value = item[key];
  if (typeof value === 'string') return value;
  if (value !== undefined && value !== null) report(key, value, 'is not a string; written as null', where);
  return null;
};

/**
 * An id: as textField, and an empty string is null too. Feishu sends '' for
 * an id it leaves out (user_id without the employee-id scope, open_id of an
 * automatic task), and '' is no id: a join or a count would take it for one.
 */
export const idField: FieldReader = (item, key, report, where) => textField(item, key, report, where) || null;

/** A value that is an id, '' and anything not a string as null (for fields the record builder copies). */
export function idOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A list of ids, each '' as null (the list keeps its positions); null when absent or not a list of strings (reported). */
export function idListField(
  item: Record<string, unknown>,
  key: string,
  report: ReportIssue,
  where?: string,
): (string | null)[] | null {
  const value = item[key];
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v || null);
  report(key, value, 'is not a list of strings; written as null', where);
  return null;
}

/** The detail's list field, or an empty list after reporting that it is missing or not a list. */
export function detailList(detail: InstanceDetail, key: 'task_list' | 'timeline', report: ReportIssue): unknown[] {
  const value = detail[key];
  if (Array.isArray(value)) return value;
  report(
    key,
    value,
    value === undefined ? 'is missing; no rows for this instance' : 'is not a list; no rows for this instance',
  );
  return [];
}
