import type { JsonObject } from '../../../../kit/protocol.js';
import { DELETED_AT, DELETED_AT_FIELD, NULLABLE_TIMESTAMP, STRINGS, TIMESTAMP } from '../../record-schema.js';

/**
 * Schema pieces of the detail-based row streams: every field the connector writes is declared, and the
 * schema stays open (additionalProperties true) so that a field added later is not a breaking change.
 */
export { NULLABLE_TIMESTAMP, STRINGS };
export const STRING_LIST = { type: ['array', 'null'], items: { type: 'string' } } as const;
/** A list of ids: an id Feishu sent empty is null, in its place. */
export const ID_LIST = { type: ['array', 'null'], items: STRINGS } as const;
/** A calendar day (YYYY-MM-DD): a date column, not an instant. */
export const CALENDAR_DAY = { type: ['string', 'null'], format: 'date' } as const;
/** Any JSON value (Feishu's own shapes, kept as sent). */
export const ANY_JSON = { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] } as const;

/**
 * A row schema with the instance keys first, then the window (cursor) fields
 * and `_ab_cdc_deleted_at`. A tombstone carries the keys, the window and
 * `_ab_cdc_deleted_at`, every other field null: so every other field is nullable.
 */
export function rowSchema(required: string[], properties: JsonObject): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    // Airbyte's acceptance tests require it (test_additional_properties_is_true): false would make any
    // field added later a breaking change for the destination.
    additionalProperties: true,
    required: ['approval_code', 'instance_code', ...required, 'created_after', 'created_before', DELETED_AT_FIELD],
    properties: {
      approval_code: { type: 'string', description: 'Code of the approval definition.' },
      instance_code: { type: 'string', description: 'Code of the approval instance.' },
      ...properties,
      created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
      created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
      [DELETED_AT_FIELD]: DELETED_AT,
    },
  };
}
