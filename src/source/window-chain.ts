import { completedPrefixEnd } from './state.js';
import { splitWindow, type Window } from './windows.js';

/**
 * One window of one partition while a sync runs. `head` resolves to the codes
 * of its first page: under inclusive bounds these include every instance on
 * its start edge, which the previous window must then not emit (edge dedupe).
 */
export class WindowNode {
  done = false;
  readonly head: Promise<ReadonlySet<string>>;
  private resolveHead!: (codes: ReadonlySet<string>) => void;
  private headSettled = false;

  constructor(
    readonly chain: WindowChain,
    readonly window: Window,
  ) {
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
 * The windows of one partition (approval code) in time order. Windows may be
 * split while the sync runs; the resumable cursor is the end of the contiguous
 * prefix of finished windows, never beyond an unfinished one.
 */
export class WindowChain {
  readonly nodes: WindowNode[];

  constructor(
    readonly partition: string,
    /** The range this sync reads for the partition (query edges widen from it). */
    readonly range: Window,
    windows: Window[],
    /** The saved cursor; the cursor never moves back behind it (lookback re-reads). */
    private readonly savedCursorMs: number | undefined,
  ) {
    this.nodes = windows.map((w) => new WindowNode(this, w));
  }

  /** The window after `node`, whose head decides `node`'s edge, or undefined for the last one. */
  next(node: WindowNode): WindowNode | undefined {
    const i = this.nodes.indexOf(node);
    return i >= 0 ? this.nodes[i + 1] : undefined;
  }

  /** Replaces `node` by `parts` windows; `node`'s head becomes its first part's head. */
  split(node: WindowNode, parts: number): WindowNode[] {
    const i = this.nodes.indexOf(node);
    if (i < 0) throw new Error('split of a window that is not in the chain');
    const children = splitWindow(node.window, parts).map((w) => new WindowNode(this, w));
    this.nodes.splice(i, 1, ...children);
    void children[0]!.head.then((codes) => node.setHead(codes));
    return children;
  }

  cursorMs(): number | undefined {
    const prefix = completedPrefixEnd(
      this.nodes.map((n) => ({ endMs: n.window.endMs, done: n.done })),
      undefined,
    );
    if (prefix === undefined) return this.savedCursorMs;
    return this.savedCursorMs === undefined ? prefix : Math.max(prefix, this.savedCursorMs);
  }
}
