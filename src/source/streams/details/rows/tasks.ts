import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import { parseMsTimestamp } from '../../../values/safe-parse.js';
import { take } from '../../../values/value-issues.js';
import { detailList, endRow, idField, itemObject, rowBase, textField, type DetailRowContext } from './detail-rows.js';

/**
 * approval_tasks rows: one per item of the detail's task_list, keyed by its
 * position there (`task_index`, from 0: Feishu only appends tasks as an
 * approval moves on, so a task keeps its index). An open task (end_time "0")
 * has a null end_time and duration. An item that is not an object is reported
 * and skipped; its index stays unused.
 */
export function taskRows(detail: InstanceDetail, ctx: DetailRowContext): JsonObject[] {
  const { report } = ctx;
  const rows: JsonObject[] = [];
  detailList(detail, 'task_list', report).forEach((raw, i) => {
    const where = `task_list[${i}]`;
    const task = itemObject(raw, report, 'task_list', where);
    if (!task) return;
    const start = take(parseMsTimestamp(task['start_time']), report, 'start_time', task['start_time'], where);
    const end = take(parseMsTimestamp(task['end_time']), report, 'end_time', task['end_time'], where);
    const base = rowBase(detail, ctx);
    const row: JsonObject = {
      approval_code: base.approval_code,
      instance_code: base.instance_code,
      task_index: i,
      task_id: idField(task, 'id', report, where),
      node_id: idField(task, 'node_id', report, where),
      node_name: textField(task, 'node_name', report, where),
      custom_node_id: idField(task, 'custom_node_id', report, where),
      type: textField(task, 'type', report, where),
      status: textField(task, 'status', report, where),
      user_id: idField(task, 'user_id', report, where),
      open_id: idField(task, 'open_id', report, where),
      start_time: start,
      end_time: end,
      duration_seconds: durationSeconds(start, end, report, where),
    };
    rows.push(endRow(row, ctx));
  });
  return rows;
}

/** Seconds from start to end; null while open, or when the end comes before the start (reported). */
function durationSeconds(
  start: string | null,
  end: string | null,
  report: DetailRowContext['report'],
  where: string,
): number | null {
  if (start === null || end === null) return null;
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  if (seconds >= 0) return seconds;
  report('duration_seconds', seconds, 'is negative (end_time before start_time); written as null', where);
  return null;
}
