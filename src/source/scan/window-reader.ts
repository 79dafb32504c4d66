import { FeishuApiError } from '../../feishu/errors.js';
import type { InstanceCodePage, ListInstanceCodesRequest } from '../../feishu/types.js';
import { TransientError } from '../../kit/errors.js';
import { hash53 } from '../values/hashes.js';
import { CodeHashes } from './code-hashes.js';
import type { WindowNode } from './window-chain.js';
import { windowGuard } from './page-trail.js';
import { paginate, type PageGuard } from '../paging/paginator.js';
import { queryBounds, type Window } from './windows.js';
import { isExpiredPageToken, maxPagesPerWindow } from '../paging/page-limits.js';

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
export function readWindow(node: WindowNode, deps: WindowReaderDeps, signal: AbortSignal): Promise<WindowOutcome> {
  return new WindowRead(node, deps, signal).run();
}

/** The state of one window's read: the codes handled so far, its held-back head and tail. */
class WindowRead {
  private readonly bounds: Window;
  /** Codes handled so far, as hashes (see CodeHashes); a Set only once a restart needs them (rare). */
  private readonly handled = new CodeHashes();
  private seen: Set<number> | undefined;
  private readonly tail: string[] = [];
  private readonly head = new Set<string>();
  /** This pass's pagination guards (a restart begins a new pass): stop a pager that would never end. */
  private readonly guard: PageGuard;

  constructor(
    private readonly node: WindowNode,
    private readonly deps: WindowReaderDeps,
    private readonly signal: AbortSignal,
  ) {
    this.bounds = queryBounds(node.window, node.chain.range);
    this.guard = windowGuard(
      node,
      deps.maxPages ?? maxPagesPerWindow(this.bounds.endMs - this.bounds.startMs, deps.pageSize),
    );
  }

  async run(): Promise<WindowOutcome> {
    const { node, bounds, deps } = this;
    let first = true;
    let split = false;
    await paginate<InstanceCodePage>({
      fetch: (pageToken) =>
        deps.listPage(
          {
            approvalCode: node.chain.partition,
            startMs: bounds.startMs,
            endMs: bounds.endMs,
            pageSize: deps.pageSize,
            pageToken,
          },
          this.signal,
        ),
      shape: (page) => ({ count: page.instance_code_list.length, hasMore: page.has_more, pageToken: page.page_token }),
      guard: this.guard,
      onPage: async (page) => {
        if (first && page.has_more) {
          const parts = deps.splitParts(node);
          if (parts > 1) {
            // The page is dropped: the parts list its codes again, in their own windows.
            deps.enqueue(node.chain.split(node, parts));
            split = true;
            return false;
          }
        }
        first = false;
        await this.take(page.instance_code_list);
        if (this.head.size >= EDGE_CODES || !page.has_more) node.setHead(this.head);
        return true;
      },
      // An expired token: the window's first page again, skipping every code already handled.
      restart: {
        expired: isExpiredPageToken,
        max: MAX_RESTARTS_WITHOUT_PROGRESS,
        onRestart: () => {
          deps.onPageTokenExpired(node);
          this.seen ??= this.handled.toSet();
        },
        exhausted: (restarts, last) => restartsExhausted(node, restarts, last as FeishuApiError),
      },
    });
    return split ? { kind: 'split' } : { kind: 'fetched', tail: this.tail };
  }

  /** Handles a page's codes (after a restart, only those not handled before), emitting all but the last EDGE_CODES. */
  private async take(codes: string[]): Promise<void> {
    const { seen, head, tail } = this;
    for (const code of codes) {
      if (seen) {
        const hash = hash53(code);
        if (seen.has(hash)) continue;
        seen.add(hash);
      } else {
        this.handled.add(code);
      }
      if (head.size < EDGE_CODES) head.add(code);
      tail.push(code);
      if (tail.length > EDGE_CODES) {
        const pending = this.deps.emit(tail.shift() as string, this.node);
        if (pending) await pending;
      }
    }
  }
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
