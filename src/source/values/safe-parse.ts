/**
 * Reading values Feishu sends as text (ms timestamps, RFC 3339 dates, numbers,
 * JSON strings) without ever throwing: each parser answers a value or the
 * reason it cannot read one, and the caller decides what to log. One odd value
 * must not fail a sync (issue 17: "Invalid time value", "Maximum call stack
 * size exceeded" on one instance failed every sync).
 */

/** A value read, or why not. `value: null` is a legitimate absence (an open task's end time). */
export type Parsed<T> = { readonly value: T | null } | { readonly problem: string };

/**
 * Deeper JSON than this is refused. Real forms nest about six levels (list →
 * rows → widget → value → …); JSON.stringify recurses, so a record holding a
 * value 10,000 levels deep would crash the emitter.
 */
const MAX_JSON_DEPTH = 32;

/** The largest instant a Date can hold (±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

export function ok<T>(value: T | null): Parsed<T> {
  return { value };
}

export function problem<T>(text: string): Parsed<T> {
  return { problem: text };
}

export function isProblem<T>(parsed: Parsed<T>): parsed is Extract<Parsed<T>, { readonly problem: string }> {
  return 'problem' in parsed;
}

/** Unix ms (a string or a number) within the range of dates; absent, "" and "0" (still open) are null. */
export function parseMs(raw: unknown): Parsed<number> {
  if (raw === undefined || raw === null || raw === '' || raw === '0' || raw === 0) return ok(null);
  const ms =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  if (!Number.isFinite(ms)) return problem('is not a Unix time in milliseconds');
  if (ms < 0 || ms > MAX_DATE_MS) return problem('is outside the range of dates');
  return ok(ms);
}

/** Unix ms (a string or a number) as ISO 8601 UTC; absent, "" and "0" (still open) are null. */
export function parseMsTimestamp(raw: unknown): Parsed<string> {
  const ms = parseMs(raw);
  if (isProblem(ms)) return ms;
  return ok(ms.value === null ? null : new Date(ms.value).toISOString());
}

/** A date as Feishu writes form dates (RFC 3339 with an offset) or Unix ms, as ISO 8601 UTC. */
export function parseDate(raw: unknown): Parsed<string> {
  if (raw === undefined || raw === null || raw === '') return ok(null);
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d{9,}$/.test(raw))) return parseMsTimestamp(raw);
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(raw)) return problem('is not a date');
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) return problem('is not a date');
  return ok(new Date(ms).toISOString());
}

/** RFC 3339 (or a plain date): the calendar day as written, then the optional time and offset. */
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * The calendar day a date widget holds, as `YYYY-MM-DD`. Feishu writes a
 * picked day as midnight in the tenant's offset (`2024-05-01T00:00:00+08:00`):
 * that day is the one written, whatever the offset; converted to UTC it would
 * read the day before (issue 23). Unix ms carry no offset: their UTC day.
 */
export function parseCalendarDay(raw: unknown): Parsed<string> {
  if (raw === undefined || raw === null || raw === '') return ok(null);
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d{9,}$/.test(raw))) {
    const ms = parseMs(raw);
    if (isProblem(ms)) return ms;
    return ok(ms.value === null ? null : new Date(ms.value).toISOString().slice(0, 10));
  }
  const match = typeof raw === 'string' ? DATE_TEXT.exec(raw.trim()) : null;
  if (!match || (match[0].length > 10 && Number.isNaN(Date.parse(match[0])))) return problem('is not a date');
  const [, year, month, day] = match;
  // The day must exist (2024-02-30 does not): Date.UTC rolls it over, so compare.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== `${year}-${month}-${day}`)
    return problem('is not a date');
  return ok(`${year}-${month}-${day}`);
}

/** A number, or a numeric string (thousands separators and spaces allowed), as a finite number. */
export function parseNumber(raw: unknown): Parsed<number> {
  if (raw === undefined || raw === null || raw === '') return ok(null);
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : problem('is not a finite number');
  if (typeof raw !== 'string') return problem('is not a number');
  const text = raw.replaceAll(',', '').trim();
  const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(n) ? ok(n) : problem('is not a number');
}

/**
 * A JSON string parsed, refused when it is not JSON or nests deeper than
 * `maxDepth` (checked on the text first, so a hostile string is never built
 * into a structure). Absent or empty is null.
 */
export function parseJsonText(raw: unknown, maxDepth = MAX_JSON_DEPTH): Parsed<unknown> {
  if (raw === undefined || raw === null || raw === '') return ok(null);
  if (typeof raw !== 'string') return problem('is not a JSON string');
  if (jsonTextDepth(raw, maxDepth) > maxDepth) return problem(`nests deeper than ${maxDepth} levels`);
  try {
    return ok(JSON.parse(raw) as unknown);
  } catch {
    return problem('is not valid JSON');
  }
}

/** A value already parsed (a response field), refused when it nests deeper than `maxDepth`. */
export function checkDepth<T>(value: T, maxDepth = MAX_JSON_DEPTH): Parsed<T> {
  return valueDepth(value, maxDepth) > maxDepth ? problem(`nests deeper than ${maxDepth} levels`) : ok(value);
}

/** The bracket depth of JSON text, counting stops once past `limit`; brackets inside strings do not count. */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The nesting depth of a parsed value, walked without recursion; stops once past `limit`. */
export function valueDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > deepest && (deepest = depth + 1) > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A raw value shortened for a log line. */
export function describeRaw(raw: unknown, maxChars = 60): string {
  let text: string;
  if (raw === undefined) text = '(missing)';
  else if (typeof raw === 'string')
    text = JSON.stringify(raw.length > maxChars ? raw.slice(0, maxChars) : raw) + (raw.length > maxChars ? '…' : '');
  else {
    const shown =
      typeof raw === 'object' && raw !== null ? (Array.isArray(raw) ? 'an array' : 'an object') : String(raw);
    text = shown;
  }
  return text;
}
