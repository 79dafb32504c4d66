import type { AirbyteStateMessage, AirbyteStream, JsonObject, SyncMode } from '../../kit/protocol.js';
import { completedFullRefresh } from '../state/resumable-state.js';
import { CURSOR_FIELD } from '../state/stream-state.js';
import { completedFullRefreshPart } from './completed-part.js';
import type { SyncContext } from '../sync/contract.js';
import type { StreamPart } from './stream-part.js';

/**
 * The contract of a stream; discover's catalog entry is derived from it, never
 * written by hand. The instance streams are incremental on the creation-time
 * window an instance was listed in; a full-refresh-only stream has no cursor.
 */
export abstract class Stream {
  abstract readonly name: string;
  abstract readonly jsonSchema: JsonObject;
  /** Primary key paths; destinations dedupe on it. */
  readonly primaryKey: string[][] = [['instance_code']];
  /** The source decides the cursor: the end of the creation-time window. */
  readonly cursorField: string[] = [CURSOR_FIELD];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  /** Whether an interrupted sync resumes from the stream's last STATE. */
  readonly resumable: boolean = true;

  asAirbyteStream(): AirbyteStream {
    const offersIncremental = this.syncModes.includes('incremental');
    return {
      name: this.name,
      json_schema: this.jsonSchema,
      supported_sync_modes: this.syncModes,
      source_defined_cursor: offersIncremental,
      ...(offersIncremental ? { default_cursor_field: this.cursorField } : {}),
      source_defined_primary_key: this.primaryKey,
      // A full refresh checkpoints too, resumes from an unfinished one's STATE and skips a completed one (resumable-state.ts).
      is_resumable: this.resumable,
    };
  }

  /**
   * The stream's part in a read, in the catalog's sync mode: `prepare`'s, except for a resumable
   * stream in full refresh whose STATE says its full refresh completed, which reads nothing.
   */
  part(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamPart {
    const completed = mode === 'full_refresh' && this.resumable ? completedFullRefresh(state, this.name) : undefined;
    return completed ? completedFullRefreshPart(ctx, this.name, completed) : this.prepare(ctx, mode, state);
  }

  /** The stream's part in a read, in the catalog's sync mode: its records and, in both sync modes, its STATE messages. */
  abstract prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamPart;
}
