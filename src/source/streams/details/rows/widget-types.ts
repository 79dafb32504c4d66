import {
  checkDepth,
  isProblem,
  parseCalendarDay,
  parseNumber,
  problem,
  type Parsed,
} from '../../../values/safe-parse.js';

/**
 * What a form widget's value is, by the widget's type: the one typing rule
 * that both approval_form_fields (a typed value column per row) and the form
 * tables (a typed column per widget, streams/forms/) follow (issues 16, 26).
 *   number  number, amount, formula: a number (numeric strings read)
 *   day     date: the calendar day the user picked (YYYY-MM-DD, in the offset Feishu sent)
 *   days    dateInterval: {start, end, interval}, the first and last day
 *   text    input, textarea, radio, …: a string
 *   strings checkbox, contact: a list of strings (choices, user ids)
 *   list    department: a list of Feishu's objects
 *   json    attachments, images, telephone, address and any type unknown here: as sent
 *   rows    fieldList: a list of rows, each a list of child widgets
 */
export type ValueKind = 'number' | 'day' | 'days' | 'text' | 'strings' | 'list' | 'json' | 'rows';

const KINDS: ReadonlyMap<string, ValueKind> = new Map<string, ValueKind>([
  ['number', 'number'],
  ['amount', 'number'],
  ['formula', 'number'],
  ['date', 'day'],
  ['dateInterval', 'days'],
  ['input', 'text'],
  ['textarea', 'text'],
  ['radio', 'text'],
  ['radioV2', 'text'],
  ['text', 'text'],
  ['mail', 'text'],
  ['serialNumber', 'text'],
  ['checkbox', 'strings'],
  ['checkboxV2', 'strings'],
  ['contact', 'strings'],
  ['department', 'list'],
  ['attachment', 'json'],
  ['attachmentV2', 'json'],
  ['image', 'json'],
  ['imageV2', 'json'],
  ['telephone', 'json'],
  ['address', 'json'],
  ['fieldList', 'rows'],
]);

/** The list widget's type: its value is rows of child widgets. */
export const LIST_WIDGET_TYPE = 'fieldList';

/** The kind of a widget type's value; an unknown or missing type is JSON. */
export function widgetKind(type: string | null | undefined): ValueKind {
  return (type !== null && type !== undefined && KINDS.get(type)) || 'json';
}

/** Whether the connector describes this widget type (an unknown one also keeps its value as JSON in approval_form_fields). */
export function isKnownWidgetType(type: string | null | undefined): boolean {
  return type !== null && type !== undefined && KINDS.has(type);
}

/** A dateInterval's value read: its first and last day and its length (each null when absent). */
export interface DayRange {
  start: Parsed<string>;
  end: Parsed<string>;
  interval: Parsed<number>;
}

/** A dateInterval's value; a problem when it is not an object ({start, end, interval}); absent is null. */
export function readDayRange(value: unknown): Parsed<DayRange> {
  if (value === undefined || value === null) return { value: null };
  if (typeof value !== 'object' || Array.isArray(value))
    return problem('is not a date interval ({start, end, interval})');
  const v = value as Record<string, unknown>;
  return {
    value: {
      start: parseCalendarDay(v['start']),
      end: parseCalendarDay(v['end']),
      interval: parseNumber(v['interval']),
    },
  };
}

/** A string value; absent is null. */
export function readText(value: unknown): Parsed<string> {
  if (value === undefined || value === null) return { value: null };
  return typeof value === 'string' ? { value } : problem('is not a string');
}

/** A list of strings (choices, user ids); absent is null. */
export function readStrings(value: unknown): Parsed<string[]> {
  if (value === undefined || value === null) return { value: null };
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
    ? { value }
    : problem('is not a list of strings');
}

/** A list of anything, not nested too deep to write; absent is null. */
export function readList(value: unknown): Parsed<unknown[]> {
  if (value === undefined || value === null) return { value: null };
  if (!Array.isArray(value)) return problem('is not a list');
  return checkDepth(value);
}

/** Any JSON value, not nested too deep to write; absent is null. */
export function readJson(value: unknown): Parsed<unknown> {
  if (value === undefined) return { value: null };
  return checkDepth(value);
}

/** The day of a date widget; the number of a number widget (re-exported so both streams read them from here). */
export { parseCalendarDay as readDay, parseNumber as readNumber, isProblem };
