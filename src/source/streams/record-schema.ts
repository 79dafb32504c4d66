import type { JsonObject } from '../../kit/protocol.js';

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
  description:
    'Null on every row, except on a tombstone: the time the connector saw that the row is gone from Feishu (the destination then removes the key).',
} as const;

/** A record's JSON schema: draft-07, open to fields Feishu may add later. */
export function recordSchema(required: string[], properties: JsonObject): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    required,
    properties,
  };
}
