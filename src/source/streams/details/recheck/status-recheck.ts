import type { SyncContext } from '../../../sync/contract.js';
import {
  matchListed,
  missingRuns,
  planRecheck,
  querySpans,
  runRangeMs,
  type MissingRun,
  type ReportedStatus,
} from './recheck-plan.js';
import { Nibble, nibbleOf, type PartitionDigest } from './status-digest.js';
import { FeishuTransportError } from '../../../../feishu/errors.js';
import type { InstanceCodePage, QueriedInstancePage } from '../../../../feishu/types.js';
import { collectPages, PageGuard, PagingError } from '../../../paging/paginator.js';
import { isExpiredPageToken, maxPagesPerWindow } from '../../../paging/page-limits.js';

/** The bulk query's largest page. */
const QUERY_PAGE_SIZE = 200;

/** What one partition's recheck found: the codes whose detail is fetched again, and why. */
export interface PartitionRecheck {
  /** Codes to fetch, with their creation time when known (for the digest). */
  fetch: Map<string, number | undefined>;
  listed: number;
  changed: number;
  unseen: number;
  /** Reported PENDING and fetched for nothing else: their tasks and timeline may have moved on. */
  pending: number;
  /** Expected in the query but absent; `named` of them were found through the list API. */
  missing: number;
  named: number;
  /** Absent from the query and the list API: deleted without a trace, so no code to mark. */
  vanished: number;
  /** Missing ones whose list query broke off: kept in the digest as they were, looked for again next sync. */
  unnamed: number;
  /** No digest yet: the query's statuses, to become the baseline. */
  baseline: PartitionDigest | undefined;
  /** Requests this recheck made to the query and list APIs. */
  queryRequests: number;
  listRequests: number;
}

/** The counters of a recheck, summed over partitions in the sync's INFO line. */
export type RecheckCounts = Omit<PartitionRecheck, 'fetch' | 'baseline'>;

export function noRecheckCounts(): RecheckCounts {
  return {
    listed: 0,
    changed: 0,
    unseen: 0,
    pending: 0,
    missing: 0,
    named: 0,
    vanished: 0,
    unnamed: 0,
    queryRequests: 0,
    listRequests: 0,
  };
}

/**
 * The I/O of a status recheck for one approval code: the bulk query reports
 * current statuses of the instances created in the range, the digest says
 * which differ from what the destination holds, and the list API names the
 * codes of those the query left out (revoked, deleted). Every instance the
 * query reports PENDING is fetched too (its approvers may have moved on
 * without a status change). Entries that vanished are dropped from `held`;
 * the fetched details update the rest. Undefined when the query's paging
 * broke (nothing is compared then, the digest stays as it was); a list query
 * that broke off leaves its entries in the digest.
 */
export async function recheckPartition(
  ctx: SyncContext,
  held: PartitionDigest | undefined,
  approvalCode: string,
  range: { fromMs: number; toMs: number },
): Promise<PartitionRecheck | undefined> {
  const result: PartitionRecheck = {
    fetch: new Map(),
    baseline: undefined,
    ...noRecheckCounts(),
  };
  const reported = await queryStatuses(ctx, approvalCode, range, result);
  if (!reported) return undefined;
  result.listed = reported.length;
  const plan = planRecheck(held, reported, range.fromMs, range.toMs);
  result.baseline = plan.baseline;
  const createdOf = new Map(reported.map((r) => [r.code, r.createdMs]));
  if (held) for (const code of [...plan.changed, ...plan.unseen]) result.fetch.set(code, createdOf.get(code));
  result.changed = plan.changed.length;
  result.unseen = plan.unseen.length;
  for (const code of pendingCodes(reported)) {
    if (result.fetch.has(code)) continue;
    result.fetch.set(code, createdOf.get(code));
    result.pending++;
  }
  if (!held) return result;
  result.missing = plan.missing.length;
  for (const run of missingRuns(plan.missing)) {
    const listed = await listCodes(ctx, approvalCode, run, result);
    if (!listed) {
      result.unnamed += run.keys.length;
      continue;
    }
    const { found, unresolved } = matchListed(run, listed);
    for (const { code, createdMs } of found) if (!result.fetch.has(code)) result.fetch.set(code, createdMs);
    result.named += found.length;
    result.vanished += unresolved.length;
    for (const key of unresolved) held.delete(key);
  }
  return result;
}

/** The most pages one bulk query span is followed for: 200 a page, 10 million instances of one code in 30 days. */
const QUERY_MAX_PAGES = 50_000;

/** Whether a paged read broke: a pager that would not stop, or a page that was not a page. */
function isBrokenPaging(error: unknown): error is Error {
  return error instanceof PagingError || (error instanceof FeishuTransportError && error.failure === 'body');
}

/** Every instance the query lists in the range; undefined (with a WARN) when its paging breaks. */
async function queryStatuses(
  ctx: SyncContext,
  approvalCode: string,
  range: { fromMs: number; toMs: number },
  result: PartitionRecheck,
): Promise<ReportedStatus[] | undefined> {
  const reported: ReportedStatus[] = [];
  for (const span of querySpans(range.fromMs, range.toMs)) {
    const guard = new PageGuard(QUERY_MAX_PAGES, {
      scope: 'query span',
      describe: (why) =>
        `the bulk query would not stop paging approval code '${approvalCode}' from ${new Date(span.fromMs).toISOString()} to ${new Date(span.toMs).toISOString()}: ${why}`,
    });
    const fetch = (pageToken: string | undefined): Promise<QueriedInstancePage> => {
      result.queryRequests++;
      return ctx.client.queryInstances({
        approvalCode,
        startFromMs: span.fromMs,
        startToMs: span.toMs,
        pageSize: QUERY_PAGE_SIZE,
        pageToken,
      });
    };
    try {
      const items = await collectPages(
        fetch,
        (page) => page.instance_list,
        (page) => ({ count: page.instance_list.length, hasMore: page.has_more, pageToken: page.page_token }),
        guard,
        isExpiredPageToken,
      );
      for (const item of items) {
        // An instance of another definition (a filter the server ignored) is no news about this code's.
        if (item.approval_code !== undefined && item.approval_code !== approvalCode) continue;
        const createdMs = Number(item.start_time);
        if (item.start_time === undefined || !Number.isFinite(createdMs) || createdMs <= 0) continue;
        reported.push({ code: item.code, status: nibbleOf(item.status), createdMs });
      }
    } catch (error) {
      if (!isBrokenPaging(error)) throw error;
      // Comparing against a partial answer would make every unlisted instance look missing.
      ctx.emitter.warn(
        `Status recheck of approval ${approvalCode}: the bulk query's paging broke (${error.message}); nothing was compared and its status digest is kept as it was; its statuses are checked on the next sync.`,
      );
      return undefined;
    }
  }
  return reported;
}

/**
 * The codes reported PENDING, once each: all are fetched again, not only those the task search
 * (POST /approval/v4/tasks/search) says moved. That search is a lagging index like the bulk query
 * (a move made within its lag is in the detail but not in the search: test/emulator-task-search),
 * and no tenant was at hand to measure the lag, so narrowing could leave a stale current approver
 * at the end of a sync; one detail request per pending instance is the bounded price.
 */
function pendingCodes(reported: ReportedStatus[]): Set<string> {
  return new Set(reported.filter((r) => r.status === Nibble.PENDING).map((r) => r.code));
}

/**
 * The codes the list API names in a run's minutes (a superset: codes are matched by hash), or
 * undefined (with a WARN) when its paging breaks: a partial list would make the rest look deleted.
 */
async function listCodes(
  ctx: SyncContext,
  approvalCode: string,
  run: MissingRun,
  result: PartitionRecheck,
): Promise<string[] | undefined> {
  const { startMs, endMs } = runRangeMs(run);
  const guard = new PageGuard(maxPagesPerWindow(endMs - startMs, ctx.config.pageSize), {
    scope: 'range',
    describe: (why) =>
      `the list API would not stop paging approval code '${approvalCode}' from ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}: ${why}`,
  });
  const fetch = (pageToken: string | undefined): Promise<InstanceCodePage> => {
    result.listRequests++;
    return ctx.client.listInstanceCodes({ approvalCode, startMs, endMs, pageSize: ctx.config.pageSize, pageToken });
  };
  try {
    return await collectPages(
      fetch,
      (page) => page.instance_code_list,
      (page) => ({ count: page.instance_code_list.length, hasMore: page.has_more, pageToken: page.page_token }),
      guard,
      isExpiredPageToken,
    );
  } catch (error) {
    if (!isBrokenPaging(error)) throw error;
    ctx.emitter.warn(
      `Status recheck of approval ${approvalCode}: ${error.message}; the ${run.keys.length} instance(s) the bulk query left out in that range keep their digest entries and are looked for again on the next sync.`,
    );
    return undefined;
  }
}
