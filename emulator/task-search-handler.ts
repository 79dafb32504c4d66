/**
 * POST /open-apis/approval/v4/tasks/search — tasks across instances (feishu-api-notes.md, "Task
 * search"). Body: `approval_code` and/or `instance_code` (at least one of the documented keys;
 * `user_id`, `instance_external_id` and `group_external_id` are accepted and match nothing the
 * emulator makes unless `user_id` names a task's open_id or user_id), `task_status`,
 * `task_start_time_from` / `task_start_time_to` (ms strings, both or neither, at most 30 days),
 * `order` (0 update time descending, 1 ascending, 2 start time descending — the default —, 3
 * ascending); `page_size` 5–200 (default 10) and `page_token` in the query string. Like the bulk
 * query it answers as of `queryLagMs` ago and leaves revoked instances out. The tasks are the
 * instance detail's own (instance-detail.ts), so an admin move shows here once the lag has passed.
 */
import type { ApiContext } from './api-handlers.js';
import { approvalName } from './api-handlers.js';
import { buildInstanceDetail, serialNumber } from './instance-detail.js';
import { PageTokenStore } from './page-tokens.js';
import { optionalText, pageStart, parseBody, parseMsSpan, parsePageSize } from './search-common.js';
import { approvalNotFound, ok, paramInvalid, type ApiResult } from './responses.js';
import { statusStateAt } from './status-model.js';

const MAX_SPAN_MS = 30 * 86_400_000;
const PAGE_SIZE = { min: 5, max: 200, default: 10 } as const;
const TASK_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'TRANSFERRED', 'DONE', 'RM_REPEAT', 'PROCESSED'] as const;
type TaskStatusFilter = (typeof TASK_STATUSES)[number];

interface TaskFilter {
  approvalCode: string | undefined;
  instanceCode: string | undefined;
  userId: string | undefined;
  status: TaskStatusFilter | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
  order: 0 | 1 | 2 | 3;
  nothing: boolean;
}

/** The whole answer, fixed by the first page; tokens name positions in it. */
export interface TaskSnapshot {
  readonly key: string;
  readonly items: ReadonlyArray<Record<string, unknown>>;
}

export type TaskTokenStore = PageTokenStore<TaskSnapshot>;

function parseFilter(raw: string): TaskFilter | string {
  const b = parseBody(raw);
  if (typeof b === 'string') return b;
  const text = (key: string): string | undefined | null => optionalText(b, key);
  const approvalCode = text('approval_code');
  const instanceCode = text('instance_code');
  const userId = text('user_id');
  if (approvalCode === null) return 'approval_code';
  if (instanceCode === null) return 'instance_code';
  if (userId === null) return 'user_id';
  const external = text('instance_external_id') ?? text('group_external_id');
  if (approvalCode === undefined && instanceCode === undefined && userId === undefined && external === undefined) {
    return 'one of user_id, approval_code, instance_code, instance_external_id, group_external_id is required';
  }
  const status = b['task_status'];
  if (status !== undefined && !TASK_STATUSES.includes(status as TaskStatusFilter)) return 'task_status';
  const span = parseMsSpan(b, 'task_start_time_from', 'task_start_time_to', MAX_SPAN_MS);
  if (typeof span === 'string') return span;
  const order = b['order'] ?? 2;
  if (order !== 0 && order !== 1 && order !== 2 && order !== 3) return 'order';
  // External ids name nothing the emulator makes: such a search alone finds no task.
  const nothing =
    external !== undefined && approvalCode === undefined && instanceCode === undefined && userId === undefined;
  return {
    approvalCode,
    instanceCode,
    userId,
    status: status as TaskStatusFilter | undefined,
    ...span,
    order,
    nothing,
  };
}

function statusMatches(filter: TaskStatusFilter | undefined, status: string): boolean {
  if (filter === undefined) return true;
  if (filter === 'PROCESSED') return status !== 'PENDING';
  return filter === status;
}

/** Every matching task as of `asOfMs`, in the asked order (ties by task id). */
function takeSnapshot(
  ctx: ApiContext,
  filter: TaskFilter,
  key: string,
  asOfMs: number,
  userIdType: string,
): TaskSnapshot {
  const dataset = ctx.dataset;
  const ids: number[] = [];
  if (filter.nothing) {
    // nothing to add
  } else if (filter.instanceCode !== undefined) {
    const id = dataset.find(filter.instanceCode);
    if (
      id !== undefined &&
      (filter.approvalCode === undefined || dataset.record(id).approvalCode === filter.approvalCode)
    )
      ids.push(id);
  } else {
    for (const code of filter.approvalCode !== undefined ? [filter.approvalCode] : dataset.approvalCodes) {
      const view = dataset.viewOf(code);
      if (view) for (const id of view.ids) ids.push(id);
    }
  }
  const rows: Array<{ startMs: number; updateMs: number; id: string; item: Record<string, unknown> }> = [];
  for (const id of ids) {
    if (!dataset.isListable(id, asOfMs) || dataset.timeOf(id) > asOfMs) continue;
    const record = dataset.record(id);
    const state = statusStateAt(record, dataset.pendingRatio, asOfMs);
    if (state.revokedAtMs !== undefined) continue;
    const name = approvalName(ctx, record.approvalCode);
    const detail = buildInstanceDetail(
      record,
      {
        approvalName: name,
        pendingRatio: dataset.pendingRatio,
        employeeIdScope: true,
        form: ctx.forms.forBatch(record.approvalCode, record.batch),
      },
      asOfMs,
    );
    for (const task of detail.task_list) {
      const startMs = Number(task.start_time);
      if (filter.fromMs !== undefined && (startMs < filter.fromMs || startMs > (filter.toMs as number))) continue;
      if (!statusMatches(filter.status, task.status)) continue;
      if (filter.userId !== undefined && filter.userId !== task.open_id && filter.userId !== task.user_id) continue;
      const updateMs = task.end_time !== '0' ? Number(task.end_time) : startMs;
      const userId = userIdType === 'user_id' ? (ctx.options.employeeIdScope ? task.user_id : '') : task.open_id;
      const link = `https://applink.feishu.cn/client/mini_program/open?appId=cli_9cb844403dbb9108&path=pages/detail/index?instanceId=${record.instanceCode}`;
      rows.push({
        startMs,
        updateMs,
        id: task.id,
        item: {
          approval: { code: record.approvalCode, name, is_external: false },
          group: { external_id: '', name: '' },
          instance: {
            code: record.instanceCode,
            external_id: '',
            user_id: userIdType === 'user_id' ? (ctx.options.employeeIdScope ? detail.user_id : '') : detail.open_id,
            start_time: detail.start_time,
            end_time: detail.end_time,
            status: detail.status.toLowerCase(),
            title: name,
            extra: '',
            serial_id: serialNumber(record),
            link: { pc_link: link, mobile_link: link },
          },
          task: {
            user_id: userId,
            start_time: task.start_time,
            end_time: task.end_time,
            status: task.status.toLowerCase(),
            title: task.node_name,
            extra: '',
            link: { pc_link: link, mobile_link: link },
            task_id: task.id,
            update_time: String(updateMs),
            task_external_id: '',
          },
        },
      });
    }
  }
  const byUpdate = filter.order === 0 || filter.order === 1;
  const sign = filter.order === 0 || filter.order === 2 ? -1 : 1;
  rows.sort(
    (a, b) =>
      sign * ((byUpdate ? a.updateMs - b.updateMs : a.startMs - b.startMs) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
  return { key, items: rows.map((r) => r.item) };
}

export function handleTaskSearch(
  ctx: ApiContext,
  store: TaskTokenStore,
  query: URLSearchParams,
  rawBody: string,
  nowMs: number = Date.now(),
): ApiResult {
  const filter = parseFilter(rawBody);
  if (typeof filter === 'string') return paramInvalid(filter);
  if (filter.approvalCode !== undefined && !ctx.dataset.hasApprovalCode(filter.approvalCode)) return approvalNotFound();
  const pageSize = parsePageSize(query.get('page_size'), PAGE_SIZE);
  if (pageSize === undefined) return paramInvalid('page_size');
  const userIdType = query.get('user_id_type') ?? 'open_id';
  if (!['open_id', 'user_id'].includes(userIdType)) return paramInvalid('user_id_type');

  const key = JSON.stringify([filter, userIdType]);
  const start = pageStart(store, query.get('page_token'), key, ctx.options.pageTokenTtlMs, nowMs, () =>
    takeSnapshot(ctx, filter, key, nowMs - ctx.options.queryLagMs, userIdType),
  );
  if ('kind' in start) return start;
  const { snapshot, position } = start;
  const end = Math.min(position + pageSize, snapshot.items.length);
  const hasMore = end < snapshot.items.length;
  const data: Record<string, unknown> = {
    count: snapshot.items.length,
    task_list: snapshot.items.slice(position, end),
    has_more: hasMore,
  };
  if (hasMore) data['page_token'] = store.issue(snapshot, end, nowMs);
  return ok(data);
}
