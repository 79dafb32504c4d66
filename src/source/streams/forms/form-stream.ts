import type { JsonObject } from '../../../kit/protocol.js';
import { DetailBasedStream } from '../details/detail-stream.js';
import type { DetailRowMapper } from '../details/rows/detail-rows.js';
import { Stream } from '../stream.js';
import type { RecordsPart } from '../stream-part.js';
import { formTableSchema, formStreamName, type FormColumn } from './form-columns.js';
import { formRow } from './form-rows.js';

/**
 * One approval code's form table (issue 26): a row per instance of that
 * code, a column per widget. A detail-based stream of one code, so it joins
 * the list scan and the detail fan-out of its code (plan/scan-groups.ts):
 * selecting it costs no request beyond its definition. A deleted instance's
 * row gets a tombstone in an incremental sync.
 */
export class FormTableStream extends DetailBasedStream {
  readonly name: string;
  readonly jsonSchema: JsonObject;
  readonly rows: DetailRowMapper;
  override readonly codes: readonly string[];
  override readonly tombstoneWhenGone = true;

  /**
   * `columns`: from the definition as read now; `declared`: the configured
   * catalog's schema, whose columns alone are written (a widget since removed
   * from the definition: null; one added since the last discover: left out
   * until the schema is refreshed). Without it, every column of the definition.
   */
  constructor(
    readonly approvalCode: string,
    columns: readonly FormColumn[],
    declared?: JsonObject,
  ) {
    super();
    this.name = formStreamName(approvalCode);
    this.codes = [approvalCode];
    this.jsonSchema = declared && isObject(declared['properties']) ? declared : formTableSchema(columns);
    const names = declared ? Object.keys(this.jsonSchema['properties'] as JsonObject) : undefined;
    this.rows = (detail, ctx) => [formRow(detail, columns, ctx, names)];
  }
}

/** A form table that cannot be read this sync (its definition could not be read): it fails alone, with `error`. */
export class UnreadableFormTable extends Stream {
  readonly jsonSchema: JsonObject;

  constructor(
    readonly name: string,
    private readonly error: Error,
    declared?: JsonObject,
  ) {
    super();
    this.jsonSchema = declared ?? formTableSchema([]);
  }

  prepare(): RecordsPart {
    return { kind: 'records', read: () => Promise.reject(this.error) };
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
