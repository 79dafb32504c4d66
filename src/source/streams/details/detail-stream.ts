import type { AirbyteStateMessage, SyncMode } from '../../../kit/protocol.js';
import { startingCursors } from '../../state/resumable-state.js';
import type { SyncContext } from '../../sync/contract.js';
import { Stream } from '../stream.js';
import type { DetailPart } from '../stream-part.js';
import { DetailSink, type ChildKey } from './fetch/detail-sink.js';
import type { DetailRowMapper } from './rows/detail-rows.js';

/**
 * A stream made from instance details: a name, a schema and a mapper from one
 * detail to its rows. The fetching, rechecking and state are the detail
 * fan-out's (fetch/detail-fan-out.ts), shared by every detail-based stream of
 * a scan group: one detail request per instance whichever of them are selected.
 */
export abstract class DetailBasedStream extends Stream {
  /** One detail → this stream's rows (pure, never throws). */
  abstract readonly rows: DetailRowMapper;
  /** Whether an instance that is deleted or gone (1390003) yields a row from its DELETED stub. */
  readonly rowsWhenGone: boolean = false;
  /** A child stream's positional key (the rest of its primary key is instance_code): its rows that vanish get tombstones. */
  readonly childKey: ChildKey | undefined = undefined;
  /** The approval codes the stream reads (a form table: its one code); undefined: every configured code. */
  readonly codes: readonly string[] | undefined = undefined;
  /** A stream of one row per instance whose deleted or gone instance's row gets a tombstone (a form table). */
  readonly tombstoneWhenGone: boolean = false;

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): DetailPart {
    const fields = Object.keys(this.jsonSchema['properties'] ?? {});
    const spec = {
      stream: this.name,
      rows: this.rows,
      rowsWhenGone: this.rowsWhenGone,
      fields,
      ...(this.childKey ? { child: this.childKey } : {}),
      ...(this.codes ? { codes: this.codes, tombstoneWhenGone: this.tombstoneWhenGone } : {}),
    };
    const saved = startingCursors(state, this.name, mode, this.codes ?? ctx.config.approvalCodes, ctx.emitter);
    return { kind: 'detail', saved, mode, codes: this.codes, sink: new DetailSink(ctx.emitter, spec, mode) };
  }
}
