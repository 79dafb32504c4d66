import { PageGuard } from '../paging/paginator.js';
import type { WindowNode } from './window-chain.js';

/**
 * The paginator's guards for one window of the list API (paging/paginator.ts): a page token
 * handed out twice in one pass, too many empty pages in a row that still say has_more, or more
 * pages than the window could hold (maxPagesPerWindow). Each is a transient error naming the
 * window; the cursor stays before it, so nothing it listed is skipped. (The list client already
 * refuses has_more without a page_token.) The docs' troubleshooting table quotes these messages.
 */
export function windowGuard(node: WindowNode, maxPages: number): PageGuard {
  const { partition, fields } = node.value;
  return new PageGuard(maxPages, {
    scope: 'window',
    budgetNote: '; see the pagination bound in the docs',
    describe: (why) =>
      `The list API would not stop paging approval code '${partition}' window ${fields.created_after} .. ${fields.created_before}: ${why}. ` +
      'Stopped to avoid an endless loop; the cursor stays before this window. Try again later; if it persists, report the window to Feishu support.',
  });
}
