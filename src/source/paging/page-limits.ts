import { FeishuApiError, FeishuCode } from '../../feishu/errors.js';

/**
 * The limits every paged endpoint shares: how many pages a creation-time range may take before
 * the paginator stops it as endless, and how Feishu says a page token has expired. Used by the
 * window scan and the status recheck alike.
 */

/**
 * The most instances one window could hold, as the pagination bound assumes: a burst of
 * BURST_INSTANCES created at once (a bulk import) plus SUSTAINED_PER_SECOND for every second of the
 * window. 100,000 + 100/s is 3.7 million for a 10-hour window of one approval code, far above any
 * tenant seen (the instances are distinct, so a window cannot legitimately page on forever).
 */
export const PAGE_BOUND = { BURST_INSTANCES: 100_000, SUSTAINED_PER_SECOND: 100, SLACK_PAGES: 2 } as const;

/**
 * How many pages a window may take before the reader stops it as endless: its most instances
 * (see PAGE_BOUND) in pages of `pageSize`, plus a little slack. `widthMs` is the query's width.
 */
export function maxPagesPerWindow(widthMs: number, pageSize: number): number {
  const instances =
    PAGE_BOUND.BURST_INSTANCES + Math.ceil((Math.max(0, widthMs) / 1000) * PAGE_BOUND.SUSTAINED_PER_SECOND);
  return Math.ceil(instances / Math.max(1, pageSize)) + PAGE_BOUND.SLACK_PAGES;
}

/** Feishu answers an expired scroll cursor with "param is invalid" (1390001); only a request that sent a page token can meet it. */
export function isExpiredPageToken(error: unknown, pageToken: string | undefined): error is FeishuApiError {
  return pageToken !== undefined && error instanceof FeishuApiError && error.code === FeishuCode.BAD_PARAMETER;
}
