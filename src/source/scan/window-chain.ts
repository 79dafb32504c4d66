import { scanWindow, type ScanWindow } from '../sync/contract.js';
import { splitWindow, type Window } from './windows.js';

/**
 * One window of one partition while a sync runs. `head` resolves to the first
 * codes it lists: under inclusive bounds these include every instance on its
 * start edge, which the previous window must then not emit (edge dedupe).
 */
export class WindowNode {
  done = false;
  /** Codes handed to the streams for this window so far. */
  codes = 0;
  next: WindowNode | undefined;
  prev: WindowNode | undefined;
  readonly head: Promise<ReadonlySet<string>>;
  /** What streams see of this window: a frozen value, without the links above. */
  readonly value: ScanWindow;
  private resolveHead!: (codes: ReadonlySet<string>) => void;
  private headSettled = false;

  constructor(
    readonly chain: WindowChain,
    readonly window: Window,
  ) {
    this.value = scanWindow(chain.partition, window.startMs, window.endMs);
    this.head = new Promise((resolve) => {
      this.resolveHead = resolve;
    });
  }

  setHead(codes: ReadonlySet<string>): void {
    if (this.headSettled) return;
    this.headSettled = true;
    this.resolveHead(codes);
  }
}

/**
 * The windows of one partition (approval code), linked in time order. Windows
 * may be split while the sync runs; the resumable cursor is the end of the
 * contiguous prefix of finished windows, never beyond an unfinished one. What
 * the scan calls per window (next, markDone) is O(1) amortised and split is
 * O(parts), so a partition may have thousands of windows; only the `nodes`
 * getter walks the whole list (once, when the scan starts).
 */
export class WindowChain {
  private first: WindowNode | undefined;
  private firstUnfinished: WindowNode | undefined;
  private prefixEndMs: number | undefined;
  windowCount = 0;
  doneCount = 0;

  constructor(
    readonly partition: string,
    /** The range this sync reads for the partition (query edges widen from it). */
    readonly range: Window,
    windows: Window[],
    /** The saved cursor; the cursor never moves back behind it (lookback re-reads). */
    private readonly savedCursorMs: number | undefined,
  ) {
    const nodes = windows.map((w) => new WindowNode(this, w));
    link(nodes, {});
    this.first = nodes[0];
    this.firstUnfinished = nodes[0];
    this.windowCount = nodes.length;
  }

  /** The windows in time order: an O(n) walk of the list, for the start of a scan and for tests. */
  get nodes(): WindowNode[] {
    const out: WindowNode[] = [];
    for (let n = this.first; n; n = n.next) out.push(n);
    return out;
  }

  get finished(): boolean {
    return this.firstUnfinished === undefined;
  }

  /** The window after `node`, whose head decides `node`'s edge, or undefined for the last one. */
  next(node: WindowNode): WindowNode | undefined {
    return node.next;
  }

  /** Replaces an unfinished `node` by `parts` windows; `node`'s head becomes its first part's head. */
  split(node: WindowNode, parts: number): WindowNode[] {
    if (node.done) throw new Error('split of a finished window');
    const children = splitWindow(node.window, parts).map((w) => new WindowNode(this, w));
    link(children, { before: node.prev, after: node.next });
    if (this.first === node) this.first = children[0];
    if (this.firstUnfinished === node) this.firstUnfinished = children[0];
    this.windowCount += children.length - 1;
    void children[0]!.head.then((codes) => node.setHead(codes));
    return children;
  }

  /** Marks `node` finished and moves the cursor over every finished window at the front. */
  markDone(node: WindowNode): void {
    node.done = true;
    this.doneCount++;
    while (this.firstUnfinished?.done) {
      this.prefixEndMs = this.firstUnfinished.window.endMs;
      this.firstUnfinished = this.firstUnfinished.next;
    }
  }

  cursorMs(): number | undefined {
    if (this.prefixEndMs === undefined) return this.savedCursorMs;
    return this.savedCursorMs === undefined ? this.prefixEndMs : Math.max(this.prefixEndMs, this.savedCursorMs);
  }
}

/** Links `nodes` in order between `before` and `after`. */
function link(
  nodes: WindowNode[],
  { before, after }: { before?: WindowNode | undefined; after?: WindowNode | undefined },
): void {
  nodes.forEach((n, i) => {
    n.prev = nodes[i - 1] ?? before;
    n.next = nodes[i + 1] ?? after;
  });
  if (before && nodes[0]) before.next = nodes[0];
  if (after && nodes.length) after.prev = nodes.at(-1);
}
