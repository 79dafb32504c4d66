import type { SyncContext } from '../../sync-contract.js';
import { matchListed, missingRuns, planRecheck, querySpans, runRangeMs, type MissingRun, type ReportedStatus } from './recheck-plan.js';
import { nibbleOf, type PartitionDigest } from './status-digest.js';

/** The bulk query's largest page. */
const QUERY_PAGE_SIZE = 200;

/** What one partition's recheck found: the codes whose detail is fetched again, and why. */
export interface PartitionRecheck {
  /** Codes to fetch, with their creation time when known (for the digest). */
  fetch: Map<string, number | undefined>;
  listed: number;
  changed: number;
  unseen: number;
  /** Expected in the query but absent; `named` of them were found through the list API. */
  missing: number;
  named: number;
  /** Absent from the query and the list API: deleted without a trace, so no code to mark. */
  vanished: number;
  /** No digest yet: the query's statuses, to become the baseline. */
  baseline: PartitionDigest | undefined;
  /** Requests this recheck made to the query and list APIs. */
  queryRequests: number;
  listRequests: number;
}

/**
 * The I/O of a status recheck for one approval code: the bulk query reports
 * current statuses of the instances created in the range, the digest says
 * which differ from what the destination holds, and the list API names the
 * codes of those the query left out (revoked, deleted). Entries that vanished
 * are dropped from `held`; the fetched details update the rest. Undefined when
 * the query's paging broke (nothing is compared then).
 */
export async function recheckPartition(ctx: SyncContext, held: PartitionDigest | undefined, approvalCode: string, range: { fromMs: number; toMs: number }): Promise<PartitionRecheck | undefined> {
  const result: PartitionRecheck = { fetch: new Map(), listed: 0, changed: 0, unseen: 0, missing: 0, named: 0, vanished: 0, baseline: undefined, queryRequests: 0, listRequests: 0 };
  const reported = await queryStatuses(ctx, approvalCode, range, result);
  if (!reported) return undefined;
  result.listed = reported.length;
  const plan = planRecheck(held, reported, range.fromMs, range.toMs);
  result.baseline = plan.baseline;
  if (!held) return result;
  const createdOf = new Map(reported.map((r) => [r.code, r.createdMs]));
  for (const code of [...plan.changed, ...plan.unseen]) result.fetch.set(code, createdOf.get(code));
  result.changed = plan.changed.length;
  result.unseen = plan.unseen.length;
  result.missing = plan.missing.length;
  for (const run of missingRuns(plan.missing)) {
    const { found, unresolved } = matchListed(run, await listCodes(ctx, approvalCode, run, result));
    for (const { code, createdMs } of found) if (!result.fetch.has(code)) result.fetch.set(code, createdMs);
    result.named += found.length;
    result.vanished += unresolved.length;
    for (const key of unresolved) held.delete(key);
  }
  return result;
}

/** Every instance the query lists in the range; undefined (with a WARN) when its paging breaks. */
async function queryStatuses(ctx: SyncContext, approvalCode: string, range: { fromMs: number; toMs: number }, result: PartitionRecheck): Promise<ReportedStatus[] | undefined> {
  const reported: ReportedStatus[] = [];
  for (const span of querySpans(range.fromMs, range.toMs)) {
    const tokens = new Set<string>();
    let pageToken: string | undefined;
    do {
      result.queryRequests++;
      const page = await ctx.client.queryInstances({ approvalCode, startFromMs: span.fromMs, startToMs: span.toMs, pageSize: QUERY_PAGE_SIZE, pageToken });
      for (const item of page.instance_list) {
        // An instance of another definition (a filter the server ignored) is no news about this code's.
        if (item.approval_code !== undefined && item.approval_code !== approvalCode) continue;
        const createdMs = Number(item.start_time);
        if (item.start_time === undefined || !Number.isFinite(createdMs) || createdMs <= 0) continue;
        reported.push({ code: item.code, status: nibbleOf(item.status), createdMs });
      }
      if (!page.has_more) break;
      if (page.page_token === '' || tokens.has(page.page_token)) {
        // Comparing against a partial answer would make every unlisted instance look missing.
        ctx.emitter.warn(`Status recheck of approval ${approvalCode}: the bulk query's paging broke (has_more without a new page_token); its statuses are checked on the next sync.`);
        return undefined;
      }
      tokens.add(page.page_token);
      pageToken = page.page_token;
    } while (pageToken);
  }
  return reported;
}

/** The codes the list API names in a run's minutes (a superset: codes are matched by hash). */
async function listCodes(ctx: SyncContext, approvalCode: string, run: MissingRun, result: PartitionRecheck): Promise<string[]> {
  const { startMs, endMs } = runRangeMs(run);
  const codes: string[] = [];
  const tokens = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    result.listRequests++;
    const page = await ctx.client.listInstanceCodes({ approvalCode, startMs, endMs, pageSize: ctx.config.pageSize, pageToken });
    codes.push(...page.instance_code_list);
    if (!page.has_more || page.page_token === '' || tokens.has(page.page_token)) return codes;
    tokens.add(page.page_token);
    pageToken = page.page_token;
  }
}
