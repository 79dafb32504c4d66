import type { JsonObject } from '../../../kit/protocol.js';
import { recordSchema, TIMESTAMP } from '../stream.js';
import { detailRecord } from './detail-record.js';
import type { DetailRowMapper } from './detail-rows.js';
import { DetailBasedStream } from './detail-stream.js';

const STRINGS = { type: ['string', 'null'] } as const;
const LIST = { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } } as const;

/**
 * One record per instance with its detail (status, applicant, form, tasks,
 * timeline). Instances still PENDING are remembered in the state and fetched
 * again on every incremental sync until final, so the destination's latest row
 * carries the final status.
 */
export class ApprovalInstanceDetailsStream extends DetailBasedStream {
  readonly name = 'approval_instance_details';
  readonly jsonSchema: JsonObject = recordSchema(['approval_code', 'instance_code', 'created_after', 'created_before'], {
    approval_code: { type: 'string' },
    approval_name: STRINGS,
    instance_code: { type: 'string', description: 'Primary key.' },
    serial_number: STRINGS,
    status: { ...STRINGS, description: 'PENDING, APPROVED, REJECTED, CANCELED or DELETED; another value is kept as Feishu sent it (with a WARN), a missing one is null.' },
    start_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When the instance was created.' },
    end_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When it became final; null while PENDING.' },
    user_id: STRINGS,
    open_id: STRINGS,
    department_id: STRINGS,
    uuid: STRINGS,
    form: { ...STRINGS, description: 'The form as Feishu returns it: a JSON string of widgets.' },
    form_parsed: { ...LIST, description: 'The same form parsed; null when it is not JSON, not a list or nested too deep.' },
    task_list: LIST,
    comment_list: LIST,
    timeline: LIST,
    created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
    created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
  });

  readonly rows: DetailRowMapper = (detail, ctx) => [detailRecord(detail, ctx)];
  override readonly rowsWhenGone = true;
}
