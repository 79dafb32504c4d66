/**
 * POST /open-apis/approval/v4/instances/query — the bulk instance query.
 *
 * Filters: approval_code, instance_status (PENDING / RECALL / REJECT / DELETED / APPROVED / ALL),
 * instance_start_time_from/to (ms strings, both or neither, at most 30 days apart), instance_code;
 * page_size 5–200 (default 10) and page_token in the query string. Like Feishu it is a search
 * index: it answers as of `queryLagMs` ago (newer instances and status changes are not seen yet),
 * and it leaves revoked instances out unless `with_revoked_instance` is true — after the page is
 * cut, so a page can hold fewer than page_size items.
 */
import type { ApiContext } from './api-handlers.js';
import { approvalName } from './api-handlers.js';
import type { InstanceStatus } from './dataset.js';
import { rangeIndices } from './dataset.js';
import { deriveFacts, serialNumber } from './instance-detail.js';
import { PageTokenStore } from './page-tokens.js';
import { optionalText, pageStart, parseBody, parseMsSpan, parsePageSize } from './search-common.js';
import { approvalNotFound, ok, paramInvalid, type ApiResult } from './responses.js';
import { statusStateAt } from './status-model.js';

export const QUERY_MAX_SPAN_MS = 30 * 86_400_000;
export const QUERY_PAGE_SIZE = { min: 5, max: 200, default: 10 } as const;

const STATUS_FILTERS = ['PENDING', 'RECALL', 'REJECT', 'DELETED', 'APPROVED', 'ALL'] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];

const FILTER_STATUS: Record<Exclude<StatusFilter, 'ALL'>, InstanceStatus> = {
  PENDING: 'PENDING',
  RECALL: 'CANCELED',
  REJECT: 'REJECTED',
  DELETED: 'DELETED',
  APPROVED: 'APPROVED',
};

interface QueryFilter {
  approvalCode: string | undefined;
  instanceCode: string | undefined;
  status: StatusFilter;
  fromMs: number | undefined;
  toMs: number | undefined;
  withRevoked: boolean;
}

/** Matching ids fixed by the first page, with revoked ones flagged (skipped when output). */
export interface QuerySnapshot {
  readonly key: string;
  readonly ids: Int32Array;
  readonly revoked: Uint8Array;
  readonly asOfMs: number;
  readonly count: number;
}

export type QueryTokenStore = PageTokenStore<QuerySnapshot>;

function parseFilter(raw: string): QueryFilter | string {
  const b = parseBody(raw);
  if (typeof b === 'string') return b;
  const approvalCode = optionalText(b, 'approval_code');
  const instanceCode = optionalText(b, 'instance_code');
  if (approvalCode === null) return 'approval_code';
  if (instanceCode === null) return 'instance_code';
  const status = b['instance_status'] ?? 'ALL';
  if (!STATUS_FILTERS.includes(status as StatusFilter)) return 'instance_status';
  const span = parseMsSpan(b, 'instance_start_time_from', 'instance_start_time_to', QUERY_MAX_SPAN_MS);
  if (typeof span === 'string') return span;
  const withRevoked = b['with_revoked_instance'] === true;
  return { approvalCode, instanceCode, status: status as StatusFilter, ...span, withRevoked };
}

/** Every id the filter's codes and time range cover, in creation order. */
function candidates(ctx: ApiContext, filter: QueryFilter): number[] {
  const dataset = ctx.dataset;
  if (filter.instanceCode !== undefined) {
    const id = dataset.find(filter.instanceCode);
    if (id === undefined) return [];
    return filter.approvalCode === undefined || dataset.record(id).approvalCode === filter.approvalCode ? [id] : [];
  }
  const codes = filter.approvalCode !== undefined ? [filter.approvalCode] : dataset.approvalCodes;
  const out: number[] = [];
  for (const code of codes) {
    const view = dataset.viewOf(code);
    if (!view) continue;
    const { lo, hi } =
      filter.fromMs === undefined
        ? { lo: 0, hi: view.ids.length }
        : rangeIndices(view, filter.fromMs, filter.toMs as number, 'inclusive');
    for (let i = lo; i < hi; i++) out.push(view.ids[i] as number);
  }
  if (codes.length > 1) out.sort((a, b) => dataset.timeOf(a) - dataset.timeOf(b) || a - b);
  return out;
}

function takeSnapshot(ctx: ApiContext, filter: QueryFilter, key: string, asOfMs: number): QuerySnapshot {
  const dataset = ctx.dataset;
  const ids: number[] = [];
  const revoked: number[] = [];
  let count = 0;
  const wanted = filter.status === 'ALL' ? undefined : FILTER_STATUS[filter.status];
  for (const id of candidates(ctx, filter)) {
    if (!dataset.isListable(id, asOfMs) || dataset.timeOf(id) > asOfMs) continue;
    const state = statusStateAt(dataset.record(id), dataset.pendingRatio, asOfMs);
    if (wanted !== undefined && state.status !== wanted) continue;
    const isRevoked = state.revokedAtMs !== undefined && !filter.withRevoked;
    ids.push(id);
    revoked.push(isRevoked ? 1 : 0);
    if (!isRevoked) count++;
  }
  return { key, ids: Int32Array.from(ids), revoked: Uint8Array.from(revoked), asOfMs, count };
}

function userIdFor(type: string, facts: ReturnType<typeof deriveFacts>, employeeIdScope: boolean): string {
  if (type === 'user_id') return employeeIdScope ? facts.requester.user_id : '';
  if (type === 'union_id') return `on_${facts.requester.open_id.slice(3)}`;
  return facts.requester.open_id;
}

function item(ctx: ApiContext, id: number, asOfMs: number, userIdType: string): Record<string, unknown> {
  const record = ctx.dataset.record(id);
  const facts = deriveFacts(record, ctx.dataset.pendingRatio);
  const state = statusStateAt(record, ctx.dataset.pendingRatio, asOfMs);
  const name = approvalName(ctx, record.approvalCode);
  const link = `https://applink.feishu.cn/client/mini_program/open?appId=cli_9cb844403dbb9108&path=pages/detail/index?instanceId=${record.instanceCode}`;
  return {
    approval: { code: record.approvalCode, name, is_external: false },
    group: { external_id: '', name: '' },
    instance: {
      code: record.instanceCode,
      external_id: '',
      user_id: userIdFor(userIdType, facts, ctx.options.employeeIdScope),
      start_time: String(record.createTimeMs),
      end_time: String(state.endMs),
      status: state.status.toLowerCase(),
      title: name,
      extra: '',
      serial_id: serialNumber(record),
      link: { pc_link: link, mobile_link: link },
    },
  };
}

export function handleQuery(
  ctx: ApiContext,
  store: QueryTokenStore,
  query: URLSearchParams,
  rawBody: string,
  nowMs: number = ctx.now(),
): ApiResult {
  const filter = parseFilter(rawBody);
  if (typeof filter === 'string') return paramInvalid(filter);
  if (filter.approvalCode !== undefined && !ctx.dataset.hasApprovalCode(filter.approvalCode)) return approvalNotFound();
  const pageSize = parsePageSize(query.get('page_size'), QUERY_PAGE_SIZE);
  if (pageSize === undefined) return paramInvalid('page_size');
  const userIdType = query.get('user_id_type') ?? 'open_id';
  if (!['open_id', 'user_id', 'union_id'].includes(userIdType)) return paramInvalid('user_id_type');

  const key = JSON.stringify(filter);
  const start = pageStart(store, query.get('page_token'), key, ctx.options.pageTokenTtlMs, nowMs, () =>
    takeSnapshot(ctx, filter, key, nowMs - ctx.options.queryLagMs),
  );
  if ('kind' in start) return start;
  const { snapshot, position } = start;

  const end = Math.min(position + pageSize, snapshot.ids.length);
  const list: Array<Record<string, unknown>> = [];
  for (let i = position; i < end; i++) {
    if (snapshot.revoked[i] === 1) continue;
    list.push(item(ctx, snapshot.ids[i] as number, snapshot.asOfMs, userIdType));
  }
  const hasMore = end < snapshot.ids.length;
  const data: Record<string, unknown> = { count: snapshot.count, instance_list: list, has_more: hasMore };
  if (hasMore) data['page_token'] = store.issue(snapshot, end, nowMs);
  return ok(data);
}
