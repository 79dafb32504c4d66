import type { AirbyteStateMessage, SyncMode } from '../../../kit/protocol.js';
import type { StreamScan, SyncContext } from '../../sync-contract.js';
import { Stream } from '../stream.js';
import type { DetailRowMapper } from './detail-rows.js';
import { DetailScan } from './detail-scan.js';

/**
 * A stream made from instance details: a name, a schema and a mapper from one
 * detail to its rows. The fetching, rechecking and state are DetailScan's,
 * shared by every detail-based stream of a sync: one detail request per
 * instance whichever of them are selected.
 */
export abstract class DetailBasedStream extends Stream {
  /** One detail → this stream's rows (pure, never throws). */
  abstract readonly rows: DetailRowMapper;
  /** Whether an instance that is gone (1390003) yields rows from its DELETED stub. */
  readonly rowsWhenGone: boolean = false;

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan {
    return new DetailScan(ctx, { stream: this.name, rows: this.rows, rowsWhenGone: this.rowsWhenGone }, mode === 'incremental', state);
  }
}

