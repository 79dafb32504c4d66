import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../../kit/protocol.js';
import type { StreamScan, SyncContext } from '../../sync-contract.js';
import { Stream } from '../stream.js';
import { DETAIL_SCHEMA } from './detail-schema.js';
import { DetailScan } from './detail-scan.js';

/**
 * One record per instance with its detail (status, applicant, form, tasks,
 * timeline). Incremental syncs re-check the statuses of instances created
 * within status_recheck_days (a digest of what was emitted lives in the
 * state), so a revoke, a deletion or a PENDING instance becoming final reaches
 * the destination's latest row.
 */
export class ApprovalInstanceDetailsStream extends Stream {
  readonly name = 'approval_instance_details';
  readonly jsonSchema: JsonObject = DETAIL_SCHEMA;

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan {
    return new DetailScan(ctx, this.name, mode === 'incremental', state);
  }
}
