/**
 * Poisoned instance details (hostile mode): one field of an otherwise healthy detail holds a value a
 * connector cannot interpret. Each poison is its own option and picks its own instances (see
 * isTargeted), so one instance can carry several at once.
 */
import { isTargeted, type HostileKey, type HostileOptions } from './hostile-options.js';

/** Beyond the largest Date (8.64e15 ms): `new Date(Number(x)).toISOString()` throws. */
export const HUGE_TIME = '99999999999999999';
export const TEXT_TIME = 'abc';
export const FORM_DEPTH = 10_000;
export const NOT_JSON_FORM = '{"id": "widget1", "value": not json';
/** Not among the statuses Feishu documents (PENDING / APPROVED / REJECTED / CANCELED / DELETED). */
export const UNKNOWN_STATUS = 'SUSPENDED';
/** Widget values of the wrong type: the amount widget's and the date widget's (hostilePoisonWidgetValue). */
export const WRONG_AMOUNT = 'about 12 yuan';
export const WRONG_DATE = 'soon';
/** What a detail poisoned with missing fields keeps, so the record can still be named. */
export const KEPT_FIELDS: readonly string[] = ['instance_code', 'approval_code'];

/** `[[[…]]]`: valid JSON, FORM_DEPTH arrays deep (parsers cope; recursive walkers overflow). */
function deepForm(): string {
  return '['.repeat(FORM_DEPTH) + ']'.repeat(FORM_DEPTH);
}

type Data = Record<string, unknown>;

const POISONS: ReadonlyArray<[HostileKey, (data: Data) => Data]> = [
  ['hostilePoisonTimeHuge', (d) => ({ ...d, start_time: HUGE_TIME })],
  ['hostilePoisonTimeText', (d) => ({ ...d, start_time: TEXT_TIME })],
  ['hostilePoisonDeepForm', (d) => ({ ...d, form: deepForm() })],
  ['hostilePoisonFormNotJson', (d) => ({ ...d, form: NOT_JSON_FORM })],
  ['hostilePoisonUnknownStatus', (d) => ({ ...d, status: UNKNOWN_STATUS })],
  ['hostilePoisonMissingFields', (d) => Object.fromEntries(KEPT_FIELDS.filter((k) => k in d).map((k) => [k, d[k]]))],
  ['hostilePoisonWidgetValue', (d) => ({ ...d, form: wrongWidgetValues(d['form']) })],
];

/** The form with its top-level amount and date widgets holding values of the wrong type. */
function wrongWidgetValues(form: unknown): unknown {
  if (typeof form !== 'string') return form;
  const widgets = JSON.parse(form) as Data[];
  const wrong: Record<string, string> = { amount: WRONG_AMOUNT, date: WRONG_DATE };
  return JSON.stringify(
    widgets.map((w) => (typeof w['type'] === 'string' && w['type'] in wrong ? { ...w, value: wrong[w['type']] } : w)),
  );
}

/** The detail `data` with every poison that targets this instance applied (a new object). */
export function poisonDetail(options: HostileOptions, instanceCode: string, data: Data): Data {
  let out = data;
  for (const [key, poison] of POISONS) {
    const target = options[key];
    if (typeof target === 'boolean') continue;
    if (isTargeted(key, target, instanceCode)) out = poison(out);
  }
  return out;
}
