import { describeLimit } from '../../feishu/budgets.js';
import type { SyncMode } from '../../kit/protocol.js';
import type { FeishuApprovalConfig } from '../config/config.js';
import type { PartitionCursors } from '../state/stream-state.js';
import { codeRange } from '../scan/partition.js';
import { firstOf } from '../sync/log.js';

/** A stream as the sync will read it: its mode and the cursors it starts from. */
export interface StreamShape {
  name: string;
  mode: SyncMode;
  saved: PartitionCursors;
  /** The approval codes the stream reads (a form table: its one code); undefined: every configured code. */
  codes?: readonly string[] | undefined;
}

/** Partitions listed per stream before the rest are only counted: one line stays readable with many codes. */
const MAX_PARTITIONS_LISTED = 20;

/**
 * The one INFO line that opens a sync: how many codes, which creation-time
 * range, the request budgets, and where each partition starts. Pure, and fed
 * only non-secret fields (never app_id or app_secret).
 */
export function describeSyncShape(config: FeishuApprovalConfig, nowMs: number, streams: StreamShape[]): string {
  const end = config.endMs === undefined ? `now (${iso(nowMs)})` : iso(Math.min(config.endMs, nowMs));
  const parts = [
    `Sync shape: ${config.approvalCodes.length} approval code(s), created ${iso(config.startMs)} to ${end}`,
    `windows of ${config.windowMs / 3_600_000} h, lookback ${config.lookbackMs / 60_000} min, page size ${config.pageSize}`,
    `list API ${config.requestsPerMinute} request(s)/min with ${config.maxConcurrency} concurrent, ` +
      `detail API ${describeLimit(config.limits.detail)} with ${config.detailConcurrency} concurrent, bulk query API ${describeLimit(config.limits.query)}, ` +
      `${config.maxRetries} retries`,
    ...streams.map(
      (stream) => `${stream.name} (${stream.mode}): ${describeStarts(config, nowMs, stream.saved, stream.codes)}`,
    ),
  ];
  return parts.join('; ') + '.';
}

/** Where each code of a stream starts: its saved cursor and the first creation time read (after the lookback). */
function describeStarts(
  config: FeishuApprovalConfig,
  nowMs: number,
  saved: PartitionCursors,
  codes: readonly string[] = config.approvalCodes,
): string {
  const starts = codes.map((code) => {
    const cursorMs = saved.get(code);
    const range = codeRange(config, cursorMs, nowMs);
    const from = range ? `from ${iso(range.startMs)}` : 'nothing to read';
    return `${code} (${cursorMs === undefined ? 'no cursor' : `cursor ${iso(cursorMs)}`}) ${from}`;
  });
  return firstOf(starts, MAX_PARTITIONS_LISTED, 'code(s)');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
