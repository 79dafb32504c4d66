import type { JsonObject } from '../../../kit/protocol.js';
import type { DetailRowMapper } from './detail-rows.js';
import { DetailBasedStream } from './detail-stream.js';
import { NULLABLE_TIMESTAMP, rowSchema, STRINGS } from './row-schema.js';
import { taskRows } from './tasks.js';

/** One row per approval task; a pending instance's tasks are emitted again when it is fetched again. */
export class ApprovalTasksStream extends DetailBasedStream {
  readonly name = 'approval_tasks';
  override readonly primaryKey = [['task_id']];
  readonly rows: DetailRowMapper = taskRows;
  readonly jsonSchema: JsonObject = rowSchema(['task_id'], {
    task_id: { type: 'string', description: 'Primary key.' },
    node_id: STRINGS,
    node_name: STRINGS,
    custom_node_id: STRINGS,
    type: { ...STRINGS, description: 'AND, OR, SEQUENTIAL, AUTO_PASS, AUTO_REJECT, … as Feishu sends it.' },
    status: { ...STRINGS, description: 'PENDING, APPROVED, REJECTED, TRANSFERRED, DONE, … as Feishu sends it.' },
    user_id: { ...STRINGS, description: 'Empty unless the app has the scope contact:user.employee_id:readonly.' },
    open_id: STRINGS,
    start_time: NULLABLE_TIMESTAMP,
    end_time: { ...NULLABLE_TIMESTAMP, description: 'Null while the task is open.' },
    duration_seconds: { type: ['number', 'null'], description: 'end_time - start_time; null while open.' },
  });
}
