import type { JsonObject } from '../../../kit/protocol.js';
import type { DetailRowMapper } from './rows/detail-rows.js';
import type { ChildKey } from './fetch/detail-sink.js';
import { DetailBasedStream } from './detail-stream.js';
import { formFieldRows } from './rows/form-fields.js';
import { ANY_JSON, CALENDAR_DAY, rowSchema, STRINGS } from './rows/row-schema.js';

/** One row per form widget of each instance (and per child widget of each list row), its value typed. */
export class ApprovalFormFieldsStream extends DetailBasedStream {
  readonly name = 'approval_form_fields';
  override readonly childKey: ChildKey = { count: 'form', indexField: 'field_index' };
  override readonly primaryKey = [['instance_code'], ['field_index']];
  readonly rows: DetailRowMapper = formFieldRows;
  readonly jsonSchema: JsonObject = rowSchema(['field_index', 'field_path', 'widget_id'], {
    field_index: {
      type: 'integer',
      description:
        'Position in the flattened form, from 0: each top-level widget, then the children of each row of a list widget (with instance_code: the primary key).',
    },
    field_path: {
      ...STRINGS,
      description:
        'widget_id at the top level, parent_id[row].child_id inside a list widget (null only on a tombstone).',
    },
    widget_id: {
      ...STRINGS,
      description: "The widget's id (its position, as #n, when Feishu sent none; null only on a tombstone).",
    },
    widget_custom_id: STRINGS,
    widget_name: STRINGS,
    widget_type: {
      ...STRINGS,
      description:
        'input, textarea, number, amount, formula, date, dateInterval, radioV2, checkboxV2, contact, department, attachmentV2, fieldList, …',
    },
    parent_widget_id: {
      ...STRINGS,
      description: 'The list widget (fieldList) holding this one; null at the top level.',
    },
    row_index: { type: ['integer', 'null'], description: 'The row of the list widget, from 0; null at the top level.' },
    value_text: { ...STRINGS, description: 'A string value (input, textarea, radio, …).' },
    value_number: {
      type: ['number', 'null'],
      description: 'number, amount and formula values (numeric strings parsed); the interval of a dateInterval.',
    },
    value_date: {
      ...CALENDAR_DAY,
      description:
        "A date widget's day, or the first day of a dateInterval: the calendar day the user picked (YYYY-MM-DD, in the offset Feishu sent).",
    },
    value_end: {
      ...CALENDAR_DAY,
      description: 'The last day of a dateInterval (YYYY-MM-DD, in the offset Feishu sent).',
    },
    value_json: {
      ...ANY_JSON,
      description:
        'Any other value as Feishu gave it (lists, objects, the list widget itself, unknown widget types), or a value its type could not read.',
    },
    widget_extra: {
      type: ['object', 'null'],
      additionalProperties: true,
      description: "The widget's other fields (ext, option, open_ids, …); null when none.",
    },
  });
}
