/**
 * The Feishu Open API endpoints proper: routing, the token endpoint, authorisation and the list,
 * definition and detail endpoints (the bulk query lives in query-handler.ts). Gateway concerns shared by all endpoints (latency, quota, rate limits, fault
 * injection, stats) are sequenced by server.ts; these functions only compute answers.
 */
import type { Dataset } from './dataset.js';
import { rangeIndices } from './dataset.js';
import type { DefinitionForms } from './definition-forms.js';
import { definitionForm } from './form-widgets.js';
import { buildInstanceDetail } from './instance-detail.js';
import { NODES } from './process.js';
import type { EmulatorOptions } from './options.js';
import type { PageTokenStore, Snapshot } from './page-tokens.js';
import {
  approvalNotFound,
  definitionDeleted,
  expiredToken,
  instanceNotFound,
  invalidAppParam,
  invalidAppSecret,
  invalidToken,
  missingToken,
  noPermission,
  ok,
  paramInvalid,
  type ApiResult,
  type JsonResult,
} from './responses.js';
import type { TokenStore } from './tokens.js';

/** What the handlers read; `options` is re-read per request so run-time changes apply at once. */
export interface ApiContext {
  readonly options: EmulatorOptions;
  readonly dataset: Dataset;
  readonly tokens: TokenStore;
  readonly pageTokens: PageTokenStore;
  /** Each code's form, now and as each batch of instances was submitted with it. */
  readonly forms: DefinitionForms;
  /** The emulator's clock (clock.ts): token issue and expiry are decided by it. */
  now(): number;
  /** Called when the token endpoint mints a new token (stats). */
  onTokenIssued(): void;
}

/** `kind` doubles as the stats key ('token' | 'list' | 'query' | 'taskSearch' | 'approval' | 'detail' | 'users' | 'departments' | 'other'). */
export type Route =
  | { kind: 'token' }
  | { kind: 'list' }
  | { kind: 'query' }
  | { kind: 'taskSearch' }
  | { kind: 'approval'; approvalCode: string }
  | { kind: 'detail'; instanceId: string }
  | { kind: 'users' }
  | { kind: 'departments' }
  | { kind: 'other' };

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const LIST_PATH = '/open-apis/approval/v4/instances';
const APPROVAL_PREFIX = '/open-apis/approval/v4/approvals/';
const DETAIL_PREFIX = `${LIST_PATH}/`;
const QUERY_PATH = `${LIST_PATH}/query`;
const TASK_SEARCH_PATH = '/open-apis/approval/v4/tasks/search';
const USERS_BATCH_PATH = '/open-apis/contact/v3/users/batch';
const DEPARTMENTS_BATCH_PATH = '/open-apis/contact/v3/departments/batch';

/** The single path segment after `prefix`, or undefined when there is none or more than one. */
function tail(pathname: string, prefix: string): string | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  const rest = pathname.slice(prefix.length);
  if (rest.length === 0 || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

export function matchRoute(method: string, pathname: string): Route {
  if (method === 'POST' && pathname === TOKEN_PATH) return { kind: 'token' };
  if (method === 'POST' && pathname === QUERY_PATH) return { kind: 'query' };
  if (method === 'POST' && pathname === TASK_SEARCH_PATH) return { kind: 'taskSearch' };
  if (method !== 'GET') return { kind: 'other' };
  if (pathname === LIST_PATH) return { kind: 'list' };
  if (pathname === USERS_BATCH_PATH) return { kind: 'users' };
  if (pathname === DEPARTMENTS_BATCH_PATH) return { kind: 'departments' };
  const approvalCode = tail(pathname, APPROVAL_PREFIX);
  if (approvalCode !== undefined) return { kind: 'approval', approvalCode };
  const instanceId = tail(pathname, DETAIL_PREFIX);
  if (instanceId !== undefined) return { kind: 'detail', instanceId };
  return { kind: 'other' };
}

/**
 * POST /open-apis/auth/v3/tenant_access_token/internal. Credentials are only accepted in the JSON
 * body (never query or headers), as on Feishu.
 */
export function handleToken(ctx: ApiContext, rawBody: string): ApiResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return invalidAppParam();
  }
  if (typeof parsed !== 'object' || parsed === null) return invalidAppParam();
  const body = parsed as Record<string, unknown>;
  if (body['app_id'] !== ctx.options.appId) return invalidAppParam();
  if (body['app_secret'] !== ctx.options.appSecret) return invalidAppSecret();
  const issued = ctx.tokens.issue(ctx.options.tokenTtlSec, ctx.now());
  if (issued.fresh) ctx.onTokenIssued();
  return {
    kind: 'json',
    status: 200,
    body: { code: 0, msg: 'ok', tenant_access_token: issued.token, expire: issued.expireSec },
  };
}

/** Returns the error to answer with, or undefined when the bearer token is valid. */
export function authorize(ctx: ApiContext, authorization: string | undefined): JsonResult | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined) return missingToken();
  const state = ctx.tokens.check(token, ctx.now());
  if (state === 'unknown') return invalidToken();
  if (state === 'expired') return expiredToken();
  return undefined;
}

const MS_RE = /^\d{1,16}$/;

/** A millisecond timestamp sent as a string of digits, or undefined. */
function parseMs(raw: string | null): number | undefined {
  if (raw === null || !MS_RE.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** GET /open-apis/approval/v4/instances — validation, then a page from the query's snapshot. */
export function handleList(ctx: ApiContext, query: URLSearchParams, nowMs: number = ctx.now()): ApiResult {
  const options = ctx.options;
  const approvalCode = query.get('approval_code');
  if (!approvalCode) return paramInvalid('approval_code');
  const startMs = parseMs(query.get('start_time'));
  if (startMs === undefined) return paramInvalid('start_time');
  const endMs = parseMs(query.get('end_time'));
  if (endMs === undefined) return paramInvalid('end_time');
  if (startMs > endMs) return paramInvalid('start_time is after end_time');
  if (endMs - startMs > options.maxRangeMs) return paramInvalid(`time range exceeds ${options.maxRangeMs} ms`);

  let pageSize = Math.min(100, options.maxPageSize);
  const pageSizeRaw = query.get('page_size');
  if (pageSizeRaw !== null && pageSizeRaw !== '') {
    pageSize = /^\d{1,9}$/.test(pageSizeRaw) ? Number(pageSizeRaw) : 0;
    if (pageSize < 1 || pageSize > options.maxPageSize) return paramInvalid('page_size');
  }

  const view = ctx.dataset.viewOf(approvalCode);
  if (!view) return approvalNotFound();

  let snapshot: Snapshot;
  let position: number;
  const pageToken = query.get('page_token');
  if (pageToken) {
    const found = ctx.pageTokens.lookup(pageToken, options.pageTokenTtlMs, nowMs);
    if (found.kind === 'unknown') return paramInvalid('page_token');
    if (found.kind === 'expired') return paramInvalid('page_token expired');
    const s = found.cursor.snapshot;
    if (s.approvalCode !== approvalCode || s.startMs !== startMs || s.endMs !== endMs) {
      return paramInvalid('page_token does not belong to this query');
    }
    snapshot = s;
    position = found.cursor.position;
  } else {
    // First page: the snapshot is a reference plus an index range — O(log n), no copying.
    const { lo, hi } = rangeIndices(view, startMs, endMs, options.bounds);
    snapshot = { approvalCode, startMs, endMs, view, lo, hi, visibleAtMs: nowMs };
    position = lo;
  }

  // Visible = not deleted since, and already indexed when the snapshot (first page) was taken.
  const dataset = ctx.dataset;
  const ids = snapshot.view.ids;
  const visibleAt = snapshot.visibleAtMs;
  const codes: string[] = [];
  let i = position;
  for (; i < snapshot.hi && codes.length < pageSize; i++) {
    const id = ids[i] as number;
    if (dataset.isListable(id, visibleAt)) codes.push(dataset.instanceCodeOf(id));
  }
  // Look ahead for one more visible instance so has_more is exact (never a trailing empty page).
  while (i < snapshot.hi && !dataset.isListable(ids[i] as number, visibleAt)) i++;
  const hasMore = i < snapshot.hi;
  // As documented, page_token is absent (not empty) on the last page.
  const data: Record<string, unknown> = { instance_code_list: codes, has_more: hasMore };
  if (hasMore) data['page_token'] = ctx.pageTokens.issue(snapshot, i, nowMs);
  return ok(data);
}

export function approvalName(ctx: ApiContext, approvalCode: string): string {
  return `Emulated approval ${ctx.dataset.approvalNumber(approvalCode) ?? 0}`;
}

/**
 * GET /open-apis/approval/v4/approvals/:approval_code (no approval_code in `data`, as documented).
 * A code in `deniedDefinitions` answers 1390009: a definition this app may not read.
 */
export function handleApproval(ctx: ApiContext, approvalCode: string): ApiResult {
  if (!ctx.dataset.hasApprovalCode(approvalCode)) return approvalNotFound();
  if (ctx.dataset.isDefinitionDeleted(approvalCode)) return definitionDeleted();
  if (ctx.options.deniedDefinitions.includes(approvalCode)) return noPermission();
  return ok({
    approval_name: approvalName(ctx, approvalCode),
    status: 'ACTIVE',
    form: definitionForm(ctx.forms.current(approvalCode)),
    node_list: NODES,
    viewers: [{ type: 'TENANT', id: '', user_id: '' }],
  });
}

/** GET /open-apis/approval/v4/instances/:instance_id — sees instances before they are indexed. */
export function handleDetail(ctx: ApiContext, instanceId: string, nowMs: number = ctx.now()): ApiResult {
  const id = ctx.dataset.find(instanceId);
  if (id === undefined) return instanceNotFound();
  const record = ctx.dataset.record(id);
  const data = buildInstanceDetail(
    record,
    {
      approvalName: approvalName(ctx, record.approvalCode),
      pendingRatio: ctx.dataset.pendingRatio,
      employeeIdScope: ctx.options.employeeIdScope,
      form: ctx.forms.forBatch(record.approvalCode, record.batch),
    },
    nowMs,
  );
  return ok({ ...data });
}
