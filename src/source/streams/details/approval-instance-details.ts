import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../../kit/protocol.js';
import type { StreamScan, SyncContext } from '../../sync-contract.js';
import { recordSchema, Stream, TIMESTAMP } from '../stream.js';
import { DetailScan } from './detail-scan.js';

const STRINGS = { type: ['string', 'null'] } as const;
const LIST = { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } } as const;

/**
 * One record per instance with its detail (status, applicant, form, tasks,
 * timeline). Instances still PENDING are remembered in the state and fetched
 * again on every incremental sync until final, so the destination's latest row
 * carries the final status.
 */
export class ApprovalInstanceDetailsStream extends Stream {
  readonly name = 'approval_instance_details';
  readonly jsonSchema: JsonObject = recordSchema(['approval_code', 'instance_code', 'status', 'created_after', 'created_before'], {
    approval_code: { type: 'string' },
    approval_name: STRINGS,
    instance_code: { type: 'string', description: 'Primary key.' },
    serial_number: STRINGS,
    status: { type: 'string', enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'] },
    start_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When the instance was created.' },
    end_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When it became final; null while PENDING.' },
    user_id: STRINGS,
    open_id: STRINGS,
    department_id: STRINGS,
    uuid: STRINGS,
    form: { ...STRINGS, description: 'The form as Feishu returns it: a JSON string of widgets.' },
    form_parsed: { ...LIST, description: 'The same form parsed; null when it is not valid JSON.' },
    task_list: LIST,
    comment_list: LIST,
    timeline: LIST,
    created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
    created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
  });

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan {
    return new DetailScan(ctx, this.name, mode === 'incremental', state);
  }
}
