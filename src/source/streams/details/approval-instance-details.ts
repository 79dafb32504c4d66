import type { JsonObject } from '../../../kit/protocol.js';
import { detailRecord } from './rows/detail-record.js';
import type { DetailRowMapper } from './rows/detail-rows.js';
import { DETAIL_SCHEMA } from './rows/detail-schema.js';
import { DetailBasedStream } from './detail-stream.js';

/**
 * One record per instance with its detail (status, applicant, form, tasks,
 * timeline). Incremental syncs re-check the statuses of instances created
 * within status_recheck_days (a digest of what was emitted lives in the
 * state), so a revoke, a deletion or a PENDING instance becoming final reaches
 * the destination's latest row. An instance gone since it was listed (1390003)
 * still gets its row, status DELETED.
 */
export class ApprovalInstanceDetailsStream extends DetailBasedStream {
  readonly name = 'approval_instance_details';
  readonly jsonSchema: JsonObject = DETAIL_SCHEMA;
  readonly rows: DetailRowMapper = (detail, ctx) => [detailRecord(detail, ctx)];
  override readonly rowsWhenGone = true;
}
