import type { AirbyteStateMessage, AirbyteStream, JsonObject, SyncMode } from '../../kit/protocol.js';
import { CURSOR_FIELD } from '../state/stream-state.js';
import type { StreamScan, SyncContext } from '../sync/contract.js';

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
    const incremental = this.syncModes.includes('incremental');
    return {
      name: this.name,
      json_schema: this.jsonSchema,
      supported_sync_modes: this.syncModes,
      source_defined_cursor: incremental,
      ...(incremental ? { default_cursor_field: this.cursorField } : {}),
      source_defined_primary_key: this.primaryKey,
      // A full refresh checkpoints too and resumes from an unfinished one's STATE (resumable-state.ts).
      is_resumable: this.resumable,
    };
  }

  /** How the stream handles the codes of a scan: its records and, in both sync modes, its STATE messages. */
  abstract prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan;
}

export const TIMESTAMP = { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' } as const;
/** Schema pieces every stream's schema uses. */
export const STRINGS = { type: ['string', 'null'] } as const;
export const NULLABLE_TIMESTAMP = { ...TIMESTAMP, type: ['string', 'null'] } as const;

/**
 * Airbyte's deletion convention, which Destinations V2 apply in append_dedup:
 * a record whose `_ab_cdc_deleted_at` is set removes its primary key from the
 * final table (a tombstone); every other record carries it null.
 */
export const DELETED_AT_FIELD = '_ab_cdc_deleted_at';
export const DELETED_AT = {
  ...NULLABLE_TIMESTAMP,
  description: 'Null on every row, except on a tombstone: the time the connector saw that the row is gone from Feishu (the destination then removes the key).',
} as const;

/** A record's JSON schema: draft-07, open to fields Feishu may add later. */
export function recordSchema(required: string[], properties: JsonObject): JsonObject {
  return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: true, required, properties };
}
