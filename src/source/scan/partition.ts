import type { CallCounters } from '../../feishu/client.js';
import type { Logger } from '../../kit/emitter.js';
import type { FeishuApprovalConfig } from '../config/config.js';
import { WindowChain } from './window-chain.js';
import { planWindows, syncRange, type Window } from './windows.js';

/**
 * One approval code in a scan: its chain of windows and what reading them
 * cost, for the log lines. The client adds its requests and retries here.
 */
export class Partition implements CallCounters {
  codes = 0;
  requests = 0;
  retries = 0;
  pageTokenRestarts = 0;
  private readonly startedMs = Date.now();
  private reported = false;

  private constructor(
    readonly chain: WindowChain,
    /** Undefined when there is nothing to read (the cursor or start_date is at or after the range's end). */
    private readonly range: Window | undefined,
    private readonly cursorMs: number | undefined,
  ) {}

  /** Plans the windows of `code` from the config and its saved cursor. */
  static plan(code: string, config: FeishuApprovalConfig, cursorMs: number | undefined, nowMs: number): Partition {
    const range = codeRange(config, cursorMs, nowMs);
    const chain = new WindowChain(
      code,
      range ?? { startMs: nowMs, endMs: nowMs },
      range ? planWindows(range, config.windowMs) : [],
      cursorMs,
    );
    return new Partition(chain, range, cursorMs);
  }

  get code(): string {
    return this.chain.partition;
  }

  /** The INFO line that opens the partition's scan. */
  describePlan(config: FeishuApprovalConfig): string {
    const { range, cursorMs } = this;
    if (!range) {
      const from = cursorMs !== undefined ? `cursor ${iso(cursorMs)}` : `start_date ${iso(config.startMs)}`;
      return `Partition ${this.code}: nothing to read: ${from} is at or after the end of the range`;
    }
    const resumed =
      cursorMs !== undefined ? ` (cursor ${iso(cursorMs)}, lookback ${config.lookbackMs / 60_000} min)` : '';
    return `Partition ${this.code}: reading instances created ${iso(range.startMs)} .. ${iso(range.endMs)} in ${this.chain.windowCount} window(s)${resumed}`;
  }

  /** A WARN line when the saved cursor lies after `nowMs`: the partition then reads nothing and keeps its cursor. */
  futureCursorWarning(nowMs: number): string | undefined {
    if (this.cursorMs === undefined || this.cursorMs <= nowMs) return undefined;
    return (
      `Partition ${this.code}: the saved cursor ${iso(this.cursorMs)} is in the future (now ${iso(nowMs)}); nothing is read for approval code ` +
      `'${this.code}' and the cursor is kept. Reset the stream's state if it is wrong.`
    );
  }

  /** The INFO line that closes the partition's scan, logged once. */
  report(logger: Logger): void {
    if (this.reported) return;
    this.reported = true;
    logger.info(
      `Partition ${this.code}: done, ${this.chain.windowCount} window(s), ${this.codes} instance code(s), ${this.requests} request(s), ` +
        `${this.retries} retr${this.retries === 1 ? 'y' : 'ies'}, ${this.pageTokenRestarts} page-token restart(s), ${((Date.now() - this.startedMs) / 1000).toFixed(1)} s`,
    );
  }
}

/** What one code reads in this sync, from the config and its saved cursor (see syncRange). */
export function codeRange(
  config: FeishuApprovalConfig,
  cursorMs: number | undefined,
  nowMs: number,
): Window | undefined {
  return syncRange({
    startDateMs: config.startMs,
    endDateMs: config.endMs,
    nowMs,
    cursorMs,
    lookbackMs: config.lookbackMs,
  });
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
