import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import { checkDepth, isProblem, parseJsonText, parseMsTimestamp } from '../../../values/safe-parse.js';
import { take, type ReportIssue } from '../../../values/value-issues.js';
import {
  detailList,
  endRow,
  idField,
  idListField,
  itemObject,
  rowBase,
  textField,
  type DetailRowContext,
} from './detail-rows.js';

/**
 * approval_timeline rows: one per timeline event, `seq` its position in
 * Feishu's timeline from 0. Feishu appends events as an approval moves on, so
 * an event keeps its seq when others are added; the connector does not sort
 * (a sort by time would shift every later seq when an event with an earlier
 * time arrives). An item that is not an object is reported and skipped; its
 * seq stays unused.
 */
export function timelineRows(detail: InstanceDetail, ctx: DetailRowContext): JsonObject[] {
  const { report } = ctx;
  const events: { event: Record<string, unknown>; at: string | null; where: string; seq: number }[] = [];
  detailList(detail, 'timeline', report).forEach((raw, seq) => {
    const where = `timeline[${seq}]`;
    const event = itemObject(raw, report, 'timeline', where);
    if (event)
      events.push({
        event,
        at: take(parseMsTimestamp(event['create_time']), report, 'create_time', event['create_time'], where),
        where,
        seq,
      });
  });
  const base = rowBase(detail, ctx);
  return events.map(({ event, at, where, seq }) =>
    endRow(
      {
        approval_code: base.approval_code,
        instance_code: base.instance_code,
        seq,
        type: textField(event, 'type', report, where),
        create_time: at,
        user_id: idField(event, 'user_id', report, where),
        open_id: idField(event, 'open_id', report, where),
        user_id_list: idListField(event, 'user_id_list', report, where),
        open_id_list: idListField(event, 'open_id_list', report, where),
        task_id: idField(event, 'task_id', report, where),
        node_key: idField(event, 'node_key', report, where),
        comment: textField(event, 'comment', report, where),
        cc_user_list: ccUsers(event['cc_user_list'], report, where),
        ext: parseExt(event['ext'], report, where),
      },
      ctx,
    ),
  );
}

/**
 * The users copied, as sent but with an id sent empty (`user_id` without the
 * employee-id scope) null; null when not a list or nested too deep to be written (reported).
 */
function ccUsers(raw: unknown, report: ReportIssue, where: string): JsonObject[] | null {
  if (!Array.isArray(raw)) return null;
  const users = take(checkDepth(raw), report, 'cc_user_list', raw, where) as JsonObject[] | null;
  return (
    users?.map((user) =>
      typeof user === 'object' && user !== null && !Array.isArray(user) ? nullEmptyIds(user) : user,
    ) ?? null
  );
}

/** An object with each `…_id` field that is '' set to null. */
function nullEmptyIds(item: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => [key, value === '' && key.endsWith('_id') ? null : value]),
  );
}

/** The `ext` JSON string as an object; null when absent, and when not a JSON object (reported). */
function parseExt(raw: unknown, report: ReportIssue, where: string): JsonObject | null {
  const parsed = parseJsonText(raw);
  if (isProblem(parsed)) return take<JsonObject>(parsed, report, 'ext', raw, where);
  const value = parsed.value;
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return value as JsonObject | null;
  report('ext', raw, 'is not a JSON object; written as null', where);
  return null;
}
