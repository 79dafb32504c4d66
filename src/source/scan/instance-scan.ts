import type { InstanceCodePage, ListInstanceCodesRequest } from '../../feishu/types.js';
import { toConnectorError } from '../sync/errors.js';
import type { PartitionCursors } from '../state/stream-state.js';
import type { ScanHandlers, SyncContext } from '../sync/contract.js';
import { iso, Partition } from './partition.js';
import { scanOrder } from './scan-order.js';
import type { WindowChain, WindowNode } from './window-chain.js';
import { readWindow } from './window-reader.js';
import { isExpiredPageToken } from '../paging/page-limits.js';
import { WorkQueue } from '../sync/work-queue.js';
import { splitParts } from './windows.js';

/** Parts narrower than a minute cost more requests than their pages save. */
const MIN_SPLIT_WIDTH_MS = 60_000;
const MAX_SPLIT_PARTS = 8;

/**
 * Lists the instance codes of every approval code (partition) over the sync's
 * creation-time windows, all windows sharing one pool of `max_concurrency`
 * workers and the client's one request budget. Codes on a shared window edge
 * are handled once: a window's last EDGE_CODES codes are held back until the
 * next window's first codes say whether it lists them too.
 */
export function scanInstanceCodes(ctx: SyncContext, saved: PartitionCursors, handlers: ScanHandlers): Promise<void> {
  return new InstanceScan(ctx, saved, handlers).run();
}

class InstanceScan {
  private readonly cursors: PartitionCursors;
  private readonly partitions: Partition[];
  private readonly byChain = new Map<WindowChain, Partition>();
  private readonly finalisations: Promise<void>[] = [];
  private readonly queue: WorkQueue<WindowNode>;
  /** Creation-time span and codes of the finished windows, and the span of all of them, for row estimates. */
  private doneSpanMs = 0;
  private doneCodes = 0;
  private readonly totalSpanMs: number;

  constructor(
    private readonly ctx: SyncContext,
    saved: PartitionCursors,
    private readonly handlers: ScanHandlers,
  ) {
    const nowMs = Date.now();
    this.cursors = new Map(saved);
    this.partitions = ctx.config.approvalCodes.map((code) => Partition.plan(code, ctx.config, saved.get(code), nowMs));
    for (const partition of this.partitions) {
      this.byChain.set(partition.chain, partition);
      ctx.emitter.info(partition.describePlan(ctx.config));
      const futureCursor = partition.futureCursorWarning(nowMs);
      if (futureCursor) ctx.emitter.warn(futureCursor);
    }
    this.totalSpanMs = this.partitions.reduce(
      (sum, p) => sum + (p.chain.windowCount > 0 ? p.chain.range.endMs - p.chain.range.startMs : 0),
      0,
    );
    this.queue = new WorkQueue(ctx.config.maxConcurrency, (node, signal) => this.readNode(node, signal));
  }

  async run(): Promise<void> {
    this.queue.push(...scanOrder(this.partitions.map((p) => p.chain.nodes)));
    await this.queue.start();
    await Promise.all(this.finalisations);
    for (const partition of this.partitions) if (partition.chain.windowCount === 0) partition.report(this.ctx.emitter);
    this.ctx.log.flushRetries();
    for (const { chain } of this.partitions) {
      const cursor = chain.cursorMs();
      if (cursor !== undefined) this.cursors.set(chain.partition, cursor);
    }
    await this.handlers.onCheckpoint(new Map(this.cursors), true);
  }

  /** The queue's work on one window: read its pages, then finalise it beside the queue (it may wait for the next window). */
  private async readNode(node: WindowNode, signal: AbortSignal): Promise<void> {
    const partition = this.byChain.get(node.chain)!;
    const { config, emitter } = this.ctx;
    const outcome = await readWindow(
      node,
      {
        pageSize: config.pageSize,
        listPage: (req, sig) => this.listPage(req, sig, partition, node),
        emit: (code, n) => {
          partition.codes++;
          n.codes++;
          return this.handlers.onCode(code, n.value);
        },
        splitParts: (n) =>
          splitParts({
            widthMs: n.window.endMs - n.window.startMs,
            idleWorkers: this.queue.idleWorkers(),
            minWidthMs: MIN_SPLIT_WIDTH_MS,
            maxParts: MAX_SPLIT_PARTS,
          }),
        enqueue: (nodes) => this.queue.pushFront(...nodes),
        onPageTokenExpired: (n) => {
          partition.pageTokenRestarts++;
          emitter.debug(
            `Partition ${n.chain.partition}: page token expired in window ${iso(n.window.startMs)}; restarting the window`,
          );
        },
      },
      signal,
    );
    if (outcome.kind === 'split') return;
    const finalisation = this.finalise(node, outcome.tail);
    finalisation.catch((error: unknown) => this.queue.fail(error));
    this.finalisations.push(finalisation);
    this.ctx.log.progress(() => this.progressLine());
  }

  /** One list call; its failures are named for the user, except an expired page token, which the window reader handles. */
  private async listPage(
    req: ListInstanceCodesRequest,
    signal: AbortSignal,
    partition: Partition,
    node: WindowNode,
  ): Promise<InstanceCodePage> {
    try {
      return await this.ctx.client.listInstanceCodes(req, { signal, counters: partition });
    } catch (error) {
      if (isExpiredPageToken(error, req.pageToken)) throw error;
      const { created_after, created_before } = node.value.fields;
      throw toConnectorError(error, {
        approvalCode: req.approvalCode,
        pageSize: req.pageSize,
        window: `${created_after} .. ${created_before}`,
      });
    }
  }

  /** Emits the window's held-back tail codes the next window does not list, then moves the partition's cursor. */
  private async finalise(node: WindowNode, tail: string[]): Promise<void> {
    const next = node.chain.next(node);
    // Under inclusive bounds the next window lists the instances on the shared edge first.
    const listedByNext = next ? await Promise.race([next.head, this.queue.done.then(() => next.head)]) : undefined;
    const partition = this.byChain.get(node.chain)!;
    for (const code of tail) {
      if (listedByNext?.has(code)) continue;
      partition.codes++;
      node.codes++;
      const pending = this.handlers.onCode(code, node.value);
      if (pending) await pending;
    }
    node.chain.markDone(node);
    this.reportProgress(node);
    const before = this.cursors.get(node.chain.partition);
    const after = node.chain.cursorMs();
    if (after !== undefined && after !== before) {
      this.cursors.set(node.chain.partition, after);
      await this.handlers.onCheckpoint(new Map(this.cursors), false);
    }
    if (node.chain.finished) partition.report(this.ctx.emitter);
  }

  private reportProgress(done: WindowNode): void {
    if (!this.handlers.onProgress) return;
    this.doneSpanMs += done.window.endMs - done.window.startMs;
    this.doneCodes += done.codes;
    let codesListed = 0;
    for (const partition of this.partitions) codesListed += partition.codes;
    this.handlers.onProgress({
      doneSpanMs: this.doneSpanMs,
      totalSpanMs: this.totalSpanMs,
      doneCodes: this.doneCodes,
      codesListed,
    });
  }

  private progressLine(): string {
    let done = 0;
    let total = 0;
    let codes = 0;
    let requests = 0;
    for (const partition of this.partitions) {
      total += partition.chain.windowCount;
      done += partition.chain.doneCount;
      codes += partition.codes;
      requests += partition.requests;
    }
    return `Progress: ${done}/${total} window(s) done, ${codes} instance code(s), ${requests} list request(s)`;
  }
}
