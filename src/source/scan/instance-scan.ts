import type { CallCounters } from '../../feishu/client.js';
import { toConnectorError } from '../errors.js';
import type { PartitionCursors } from '../state.js';
import type { ScanHandlers, SyncContext } from '../sync-contract.js';
import { WindowChain, type WindowNode } from './window-chain.js';
import { readWindow } from './window-reader.js';
import { WorkQueue } from './work-queue.js';
import { planWindows, splitParts, syncRange } from './windows.js';

/** Parts narrower than a minute cost more requests than their pages save. */
const MIN_SPLIT_WIDTH_MS = 60_000;
const MAX_SPLIT_PARTS = 8;

interface PartitionStats extends CallCounters {
  codes: number;
  startedMs: number;
  pageTokenRestarts: number;
  reported: boolean;
}

/**
 * Lists the instance codes of every approval code (partition) over the sync's
 * creation-time windows, all windows sharing one pool of `max_concurrency`
 * workers and the client's one request budget. Codes on a shared window edge
 * are handled once: a window's last EDGE_CODES codes are held back until the
 * next window's first codes say whether it lists them too.
 */
export async function scanInstanceCodes(ctx: SyncContext, saved: PartitionCursors, handlers: ScanHandlers): Promise<void> {
  const { config, log, emitter } = ctx;
  const nowMs = Date.now();
  const cursors: PartitionCursors = new Map(saved);
  const stats = new Map<WindowChain, PartitionStats>();
  const chains = config.approvalCodes.map((code) => {
    const cursorMs = saved.get(code);
    const range = syncRange({ startDateMs: config.startMs, endDateMs: config.endMs, nowMs, cursorMs, lookbackMs: config.lookbackMs });
    const chain = new WindowChain(code, range ?? { startMs: nowMs, endMs: nowMs }, range ? planWindows(range, config.windowMs) : [], cursorMs);
    stats.set(chain, { codes: 0, requests: 0, retries: 0, startedMs: Date.now(), pageTokenRestarts: 0, reported: false });
    emitter.info(
      range
        ? `Partition ${code}: reading instances created ${iso(range.startMs)} .. ${iso(range.endMs)} in ${chain.windowCount} window(s)` +
            (cursorMs !== undefined ? ` (cursor ${iso(cursorMs)}, lookback ${config.lookbackMs / 60_000} min)` : '')
        : `Partition ${code}: nothing to read: ${cursorMs !== undefined ? `cursor ${iso(cursorMs)}` : `start_date ${iso(config.startMs)}`} is at or after the end of the range`,
    );
    return chain;
  });

  const finalisations: Promise<void>[] = [];
  const queue: WorkQueue<WindowNode> = new WorkQueue(config.maxConcurrency, async (node, signal) => {
    const partition = stats.get(node.chain)!;
    const outcome = await readWindow(
      node,
      {
        pageSize: config.pageSize,
        listPage: (req, sig) =>
          ctx.client.listInstanceCodes(req, sig, partition).catch((error: unknown) => {
            throw toConnectorErrorUnlessExpiry(error, req.approvalCode, req.pageToken, config.pageSize);
          }),
        emit: (code, n) => {
          partition.codes++;
          return handlers.onCode(code, n.value);
        },
        splitParts: (n) =>
          splitParts({
            widthMs: n.window.endMs - n.window.startMs,
            idleWorkers: queue.idleWorkers(),
            minWidthMs: MIN_SPLIT_WIDTH_MS,
            maxParts: MAX_SPLIT_PARTS,
          }),
        enqueue: (nodes) => queue.pushFront(...nodes),
        onPageTokenExpired: (n) => {
          partition.pageTokenRestarts++;
          emitter.debug(`Partition ${n.chain.partition}: page token expired in window ${iso(n.window.startMs)}; restarting the window`);
        },
      },
      signal,
    );
    if (outcome.kind === 'split') return;
    const finalisation = finalise(node, outcome.tail);
    finalisation.catch((error: unknown) => queue.fail(error));
    finalisations.push(finalisation);
    log.progress(() => progressLine(chains, stats));
  });

  async function finalise(node: WindowNode, tail: string[]): Promise<void> {
    const next = node.chain.next(node);
    // Under inclusive bounds the next window lists the instances on the shared edge first.
    const listedByNext = next ? await Promise.race([next.head, queue.done.then(() => next.head)]) : undefined;
    const partition = stats.get(node.chain)!;
    for (const code of tail) {
      if (listedByNext?.has(code)) continue;
      partition.codes++;
      const pending = handlers.onCode(code, node.value);
      if (pending) await pending;
    }
    node.chain.markDone(node);
    const before = cursors.get(node.chain.partition);
    const after = node.chain.cursorMs();
    if (after !== undefined && after !== before) {
      cursors.set(node.chain.partition, after);
      await handlers.onCheckpoint(new Map(cursors));
    }
    if (node.chain.finished) reportPartition(node.chain);
  }

  function reportPartition(chain: WindowChain): void {
    const s = stats.get(chain)!;
    if (s.reported) return;
    s.reported = true;
    emitter.info(
      `Partition ${chain.partition}: done, ${chain.windowCount} window(s), ${s.codes} instance code(s), ${s.requests} request(s), ` +
        `${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}, ${s.pageTokenRestarts} page-token restart(s), ${((Date.now() - s.startedMs) / 1000).toFixed(1)} s`,
    );
  }

  queue.push(...interleave(chains));
  await queue.start();
  await Promise.all(finalisations);
  for (const chain of chains) if (chain.windowCount === 0) reportPartition(chain);
  log.flushRetries();
  for (const chain of chains) {
    const cursor = chain.cursorMs();
    if (cursor !== undefined) cursors.set(chain.partition, cursor);
  }
  await handlers.onCheckpoint(new Map(cursors));
}

/** Round-robin over partitions, so every approval code advances from its oldest window on. */
function interleave(chains: WindowChain[]): WindowNode[] {
  const out: WindowNode[] = [];
  const lists = chains.map((c) => c.nodes);
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (list[i]) out.push(list[i]!);
  return out;
}

/** An expired page token is the window reader's to handle; everything else is named for the user here. */
function toConnectorErrorUnlessExpiry(error: unknown, approvalCode: string, pageToken: string | undefined, pageSize: number): unknown {
  if (pageToken !== undefined) return error;
  return toConnectorError(error, { approvalCode, pageSize });
}

function progressLine(chains: WindowChain[], stats: Map<WindowChain, PartitionStats>): string {
  let done = 0;
  let total = 0;
  let codes = 0;
  let requests = 0;
  for (const chain of chains) {
    total += chain.windowCount;
    done += chain.doneCount;
    const s = stats.get(chain)!;
    codes += s.codes;
    requests += s.requests;
  }
  return `Progress: ${done}/${total} window(s) done, ${codes} instance code(s), ${requests} list request(s)`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
