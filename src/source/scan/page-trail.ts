import type { InstanceCodePage } from '../../feishu/types.js';
import { TransientError } from '../../kit/errors.js';
import type { WindowNode } from './window-chain.js';

/**
 * Pages in a row that list nothing yet say has_more: a server paging on past its data. Real
 * pages of the list API are full until the last one; a few empty ones are tolerated.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 5;

/**
 * Stops a window whose pages would never end: a page token handed out twice in one pass (a cycle,
 * or the same token again), too many empty pages in a row that still say has_more, or more pages
 * than the window could hold (maxPagesPerWindow). Each is a transient error naming the window;
 * the cursor stays before it, so nothing it listed is skipped. (The list client already refuses
 * has_more without a page_token.)
 */
export class PageTrail {
  private readonly tokens = new Set<string>();
  private pages = 0;
  private emptyInARow = 0;

  constructor(
    private readonly node: WindowNode,
    private readonly maxPages: number,
  ) {}

  reset(): void {
    this.tokens.clear();
    this.pages = 0;
    this.emptyInARow = 0;
  }

  /** Called for each page with has_more true, before its page_token is followed. */
  next(page: InstanceCodePage): void {
    this.pages++;
    this.emptyInARow = page.instance_code_list.length === 0 ? this.emptyInARow + 1 : 0;
    if (!page.page_token || this.tokens.has(page.page_token)) {
      throw this.endless(`page ${this.pages} handed out ${page.page_token ? 'a page_token already followed in this window (the tokens repeat or cycle)' : 'no page_token'}`);
    }
    if (this.emptyInARow > MAX_EMPTY_PAGES_IN_A_ROW) {
      throw this.endless(`${this.emptyInARow} pages in a row listed no instance yet said has_more=true`);
    }
    if (this.pages >= this.maxPages) {
      throw this.endless(`${this.pages} pages said has_more=true, more than the window could hold (at most ${this.maxPages} pages; see the pagination bound in the docs)`);
    }
    this.tokens.add(page.page_token);
  }

  private endless(why: string): TransientError {
    const { partition, fields } = this.node.value;
    return new TransientError(
      `The list API would not stop paging approval code '${partition}' window ${fields.created_after} .. ${fields.created_before}: ${why}. ` +
        'Stopped to avoid an endless loop; the cursor stays before this window. Try again later; if it persists, report the window to Feishu support.',
    );
  }
}
