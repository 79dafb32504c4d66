import { FeishuApiError, FeishuCode } from '../../feishu/errors.js';
import type { InstanceCodePage, ListInstanceCodesRequest } from '../../feishu/types.js';
import { TransientError } from '../../kit/errors.js';
import { CodeHashes, hashCode } from './code-hashes.js';
import type { WindowNode } from './window-chain.js';
import { maxPagesPerWindow, queryBounds } from './windows.js';

export interface WindowReaderDeps {
  listPage(req: ListInstanceCodesRequest, signal: AbortSignal): Promise<InstanceCodePage>;
  pageSize: number;
  /** Emits one instance code found in `node`'s window; awaits stdout's backpressure. */
  emit(code: string, node: WindowNode): Promise<void> | undefined;
  /** Asked after a first page that has more: how many parts to cut the window into (1 = keep going). */
  splitParts(node: WindowNode): number;
  /** Queues the parts of a split window ahead of other work. */
  enqueue(nodes: WindowNode[]): void;
  onPageTokenExpired(node: WindowNode): void;
  /** Most pages one pass over the window may take (default: maxPagesPerWindow of its width). */
  maxPages?: number;
}

/** A scroll cursor that keeps expiring before any of its pages can be read is a real failure. */
const MAX_RESTARTS_WITHOUT_PROGRESS = 10;
/**
 * Pages in a row that list nothing yet say has_more: a server paging on past its data. Real
 * pages of the list API are full until the last one; a few empty ones are tolerated.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 5;

/**
 * How many codes at each end of a window take part in edge dedupe: exact as
 * long as fewer instances than this share the edge's very millisecond.
 */
export const EDGE_CODES = 100;

export type WindowOutcome = { kind: 'fetched'; tail: string[] } | { kind: 'split' };

/**
 * Reads every page of one window and emits its codes, except the last
 * EDGE_CODES ones: those are returned as `tail`, because the next window may
 * list the same instances on its start edge (inclusive bounds) and only the
 * caller, once the next window's first page is known, can tell.
 *
 * Page tokens are scroll cursors that expire: on expiry the window starts
 * over and skips every code it already handled, so nothing is lost or doubled.
 */
export async function readWindow(node: WindowNode, deps: WindowReaderDeps, signal: AbortSignal): Promise<WindowOutcome> {
  const bounds = queryBounds(node.window, node.chain.range);
  // Codes handled so far, as hashes (see CodeHashes); a Set only once a restart needs them (rare).
  const handled = new CodeHashes();
  let seen: Set<number> | undefined;
  const tail: string[] = [];
  const head = new Set<string>();
  let pageToken: string | undefined;
  let firstPage = true;
  let restarts = 0;
  // One pass's pagination (reset by a restart): the tokens handed out, the pages read, empty ones in a row.
  const pager = new PageTrail(node, deps.maxPages ?? maxPagesPerWindow(bounds.endMs - bounds.startMs, deps.pageSize));
  for (;;) {
    let page: InstanceCodePage;
    try {
      page = await deps.listPage(
        { approvalCode: node.chain.partition, startMs: bounds.startMs, endMs: bounds.endMs, pageSize: deps.pageSize, pageToken },
        signal,
      );
    } catch (error) {
      if (!isExpiredPageToken(error, pageToken)) throw error;
      if (restarts >= MAX_RESTARTS_WITHOUT_PROGRESS) throw restartsExhausted(node, restarts, error);
      restarts++;
      deps.onPageTokenExpired(node);
      seen ??= handled.toSet();
      pageToken = undefined;
      pager.reset();
      continue;
    }
    if (pageToken !== undefined) restarts = 0;
    if (firstPage) {
      firstPage = false;
      if (page.has_more) {
        const parts = deps.splitParts(node);
        if (parts > 1) {
          // The page is dropped: the parts list its codes again, in their own windows.
          deps.enqueue(node.chain.split(node, parts));
          return { kind: 'split' };
        }
      }
    }
    for (const code of page.instance_code_list) {
      if (seen) {
        const hash = hashCode(code);
        if (seen.has(hash)) continue;
        seen.add(hash);
      } else {
        handled.add(code);
      }
      if (head.size < EDGE_CODES) head.add(code);
      tail.push(code);
      if (tail.length > EDGE_CODES) {
        const pending = deps.emit(tail.shift() as string, node);
        if (pending) await pending;
      }
    }
    if (head.size >= EDGE_CODES || !page.has_more) node.setHead(head);
    if (!page.has_more) return { kind: 'fetched', tail };
    // The list client refuses has_more without a page_token; what is left is a pager that never ends.
    pager.next(page);
    pageToken = page.page_token;
  }
}

/**
 * Stops a window whose pages would never end: a page token handed out twice in one pass (a cycle,
 * or the same token again), too many empty pages in a row that still say has_more, or more pages
 * than the window could hold (maxPagesPerWindow). Each is a transient error naming the window;
 * the cursor stays before it, so nothing it listed is skipped.
 */
class PageTrail {
  private tokens = new Set<string>();
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
    if (this.tokens.has(page.page_token)) {
      throw this.endless(`page ${this.pages} handed out a page_token already followed in this window (the tokens repeat or cycle)`);
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

/** Feishu answers an expired scroll cursor with "param is invalid" (1390001); only a request that sent a page token can meet it. */
export function isExpiredPageToken(error: unknown, pageToken: string | undefined): error is FeishuApiError {
  return pageToken !== undefined && error instanceof FeishuApiError && error.code === FeishuCode.BAD_PARAMETER;
}

function restartsExhausted(node: WindowNode, restarts: number, last: FeishuApiError): TransientError {
  const { partition, fields } = node.value;
  return new TransientError(
    `The page token of approval code '${partition}' window ${fields.created_after} .. ${fields.created_before} kept expiring: ` +
      `the window was restarted ${restarts} times without reading a further page. Try again later, or lower page_size or max_concurrency.`,
    last.message,
    { cause: last },
  );
}
