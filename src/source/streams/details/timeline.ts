import type { InstanceDetail } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import { checkDepth, isProblem, parseJsonText, parseMsTimestamp } from '../../values/safe-parse.js';
import { take, type ReportIssue } from '../../values/value-issues.js';
import { detailList, itemObject, rowBase, textField, textListField, type DetailRowContext } from './detail-rows.js';

/**
 * approval_timeline rows: one per timeline event, in time order, `seq` from 0.
 * Events with the same time (or an unreadable one, which sorts last) keep
 * Feishu's order, so a re-fetched instance's earlier events keep their seq.
 */
export function timelineRows(detail: InstanceDetail, ctx: DetailRowContext): JsonObject[] {
  const { report } = ctx;
  const events: { event: Record<string, unknown>; at: string | null; where: string }[] = [];
  detailList(detail, 'timeline', report).forEach((raw, i) => {
    const where = `timeline[${i}]`;
    const event = itemObject(raw, report, 'timeline', where);
    if (event) events.push({ event, at: take(parseMsTimestamp(event['create_time']), report, 'create_time', event['create_time'], where), where });
  });
  const order = (at: string | null): number => (at === null ? Number.POSITIVE_INFINITY : Date.parse(at));
  events.sort((a, b) => order(a.at) - order(b.at) || 0);
  return events.map(({ event, at, where }, seq) => ({
    ...rowBase(detail, ctx),
    seq,
    type: textField(event, 'type', report, where),
    create_time: at,
    user_id: textField(event, 'user_id', report, where),
    open_id: textField(event, 'open_id', report, where),
    user_id_list: textListField(event, 'user_id_list', report, where),
    open_id_list: textListField(event, 'open_id_list', report, where),
    task_id: textField(event, 'task_id', report, where),
    node_key: textField(event, 'node_key', report, where),
    comment: textField(event, 'comment', report, where),
    cc_user_list: ccUsers(event['cc_user_list'], report, where),
    ext: parseExt(event['ext'], report, where),
    ...ctx.window,
  }));
}

/** The users copied, as sent, unless not a list (null) or nested too deep to be written (reported). */
function ccUsers(raw: unknown, report: ReportIssue, where: string): JsonObject[] | null {
  if (!Array.isArray(raw)) return null;
  return take(checkDepth(raw), report, 'cc_user_list', raw, where) as JsonObject[] | null;
}

/** The `ext` JSON string as an object; null when absent, and when not a JSON object (reported). */
function parseExt(raw: unknown, report: ReportIssue, where: string): JsonObject | null {
  const parsed = parseJsonText(raw);
  if (isProblem(parsed)) return take(parsed, report, 'ext', raw, where) as null;
  const value = parsed.value;
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return value as JsonObject | null;
  report('ext', raw, 'is not a JSON object; written as null', where);
  return null;
}
