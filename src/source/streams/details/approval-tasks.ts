import type { JsonObject } from '../../../kit/protocol.js';
import type { DetailRowMapper } from './rows/detail-rows.js';
import type { ChildKey } from './fetch/detail-sink.js';
import { DetailBasedStream } from './detail-stream.js';
import { NULLABLE_TIMESTAMP, rowSchema, STRINGS } from './rows/row-schema.js';
import { taskRows } from './rows/tasks.js';
import { TASK_NODE } from './rows/detail-schema.js';

/**
 * One row per approval task, keyed by its position in Feishu's task_list; an
 * instance's tasks are emitted again whenever it is fetched again, and a task
 * that is no longer there gets a tombstone.
 */
export class ApprovalTasksStream extends DetailBasedStream {
  readonly name = 'approval_tasks';
  override readonly childKey: ChildKey = { count: 'tasks', indexField: 'task_index' };
  override readonly primaryKey = [['instance_code'], ['task_index']];
  readonly rows: DetailRowMapper = taskRows;
  readonly jsonSchema: JsonObject = rowSchema(['task_index', 'task_id'], {
    task_index: {
      type: 'integer',
      description: "Position in Feishu's task_list, from 0 (with instance_code: the primary key).",
    },
    task_id: { ...STRINGS, description: "The task's id; null when Feishu sent none." },
    ...TASK_NODE,
    type: { ...STRINGS, description: 'AND, OR, SEQUENTIAL, AUTO_PASS, AUTO_REJECT, … as Feishu sends it.' },
    status: { ...STRINGS, description: 'PENDING, APPROVED, REJECTED, TRANSFERRED, DONE, … as Feishu sends it.' },
    user_id: { ...STRINGS, description: 'Null unless the app has the scope contact:user.employee_id:readonly.' },
    open_id: { ...STRINGS, description: 'Null on automatic tasks (AUTO_PASS, AUTO_REJECT), which have no approver.' },
    start_time: NULLABLE_TIMESTAMP,
    end_time: { ...NULLABLE_TIMESTAMP, description: 'Null while the task is open.' },
    duration_seconds: { type: ['number', 'null'], description: 'end_time - start_time; null while open.' },
  });
}
