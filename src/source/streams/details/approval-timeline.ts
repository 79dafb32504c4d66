import type { JsonObject } from '../../../kit/protocol.js';
import type { DetailRowMapper } from './rows/detail-rows.js';
import type { ChildKey } from './fetch/detail-sink.js';
import { DetailBasedStream } from './detail-stream.js';
import { ID_LIST, NULLABLE_TIMESTAMP, rowSchema, STRINGS } from './rows/row-schema.js';
import { timelineRows } from './rows/timeline.js';

/** One row per timeline event of each instance, keyed by its position in Feishu's timeline. */
export class ApprovalTimelineStream extends DetailBasedStream {
  readonly name = 'approval_timeline';
  override readonly childKey: ChildKey = { count: 'timeline', indexField: 'seq' };
  override readonly primaryKey = [['instance_code'], ['seq']];
  readonly rows: DetailRowMapper = timelineRows;
  readonly jsonSchema: JsonObject = rowSchema(['seq'], {
    seq: {
      type: 'integer',
      description:
        "Position in Feishu's timeline, from 0 (with instance_code: the primary key). Feishu appends events, so an event keeps its seq.",
    },
    type: {
      ...STRINGS,
      description:
        'START, PASS, REJECT, AUTO_PASS, AUTO_REJECT, TRANSFER, ROLLBACK, CANCEL, DELETE, CC, ADD_APPROVER, … as Feishu sends it.',
    },
    create_time: NULLABLE_TIMESTAMP,
    user_id: { ...STRINGS, description: 'Null unless the app has the scope contact:user.employee_id:readonly.' },
    open_id: STRINGS,
    user_id_list: ID_LIST,
    open_id_list: ID_LIST,
    task_id: STRINGS,
    node_key: STRINGS,
    comment: STRINGS,
    cc_user_list: {
      type: ['array', 'null'],
      items: { type: 'object', additionalProperties: true },
      description: 'Users copied (type CC).',
    },
    ext: {
      type: ['object', 'null'],
      additionalProperties: true,
      description: 'The ext JSON string parsed; null when absent or not a JSON object.',
    },
  });
}
