/**
 * What the two search endpoints (the bulk instance query and the task search) share: a JSON
 * body with optional string filters and a creation-time span of ms strings, page_size bounds,
 * and pages cut from a snapshot the first page takes (page tokens name positions in it).
 */
import type { PageTokenStore } from './page-tokens.js';
import { paramInvalid, type ApiResult } from './responses.js';

const MS_RE = /^\d{1,16}$/;

/** The body as an object, or the reason it is not one (for 1390001's message). */
export function parseBody(raw: string): Record<string, unknown> | string {
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  return body as Record<string, unknown>;
}

/** A string filter: undefined when absent or empty, null when not a string. */
export function optionalText(body: Record<string, unknown>, key: string): string | undefined | null {
  const v = body[key];
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : null;
}

/** `fromKey` / `toKey` as ms strings, both or neither, at most `maxSpanMs` apart; or the reason they are wrong. */
export function parseMsSpan(
  body: Record<string, unknown>,
  fromKey: string,
  toKey: string,
  maxSpanMs: number,
): { fromMs: number | undefined; toMs: number | undefined } | string {
  const from = body[fromKey];
  const to = body[toKey];
  if ((from === undefined) !== (to === undefined)) return `${fromKey} and ${toKey} go together`;
  if (from === undefined) return { fromMs: undefined, toMs: undefined };
  if (typeof from !== 'string' || !MS_RE.test(from)) return fromKey;
  if (typeof to !== 'string' || !MS_RE.test(to)) return toKey;
  const fromMs = Number(from);
  const toMs = Number(to);
  if (fromMs > toMs) return `${fromKey} is after ${toKey}`;
  if (toMs - fromMs > maxSpanMs) return 'the time span exceeds 30 days';
  return { fromMs, toMs };
}

export interface PageSizeBounds {
  min: number;
  max: number;
  default: number;
}

/** The page_size query parameter within `bounds`, its default when absent; undefined when invalid. */
export function parsePageSize(raw: string | null, bounds: PageSizeBounds): number | undefined {
  if (raw === null || raw === '') return bounds.default;
  if (!/^\d{1,4}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= bounds.min && n <= bounds.max ? n : undefined;
}

/**
 * The snapshot and position a request pages from: its page token's (which must belong to the
 * same query, `key`, and not have expired), or a new snapshot from `take` for a first page.
 */
export function pageStart<S extends { readonly key: string }>(
  store: PageTokenStore<S>,
  pageToken: string | null,
  key: string,
  ttlMs: number,
  nowMs: number,
  take: () => S,
): { snapshot: S; position: number } | ApiResult {
  if (!pageToken) return { snapshot: take(), position: 0 };
  const found = store.lookup(pageToken, ttlMs, nowMs);
  if (found.kind === 'unknown') return paramInvalid('page_token');
  if (found.kind === 'expired') return paramInvalid('page_token expired');
  if (found.cursor.snapshot.key !== key) return paramInvalid('page_token does not belong to this query');
  return { snapshot: found.cursor.snapshot, position: found.cursor.position };
}
