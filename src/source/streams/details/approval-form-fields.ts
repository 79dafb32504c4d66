import type { JsonObject } from '../../../kit/protocol.js';
import type { DetailRowMapper } from './detail-rows.js';
import { DetailBasedStream } from './detail-stream.js';
import { formFieldRows } from './form-fields.js';
import { ANY_JSON, NULLABLE_TIMESTAMP, rowSchema, STRINGS } from './row-schema.js';

/** One row per form widget of each instance (and per child widget of each list row), its value typed. */
export class ApprovalFormFieldsStream extends DetailBasedStream {
  readonly name = 'approval_form_fields';
  override readonly primaryKey = [['instance_code'], ['field_path']];
  readonly rows: DetailRowMapper = formFieldRows;
  readonly jsonSchema: JsonObject = rowSchema(['field_path', 'widget_id'], {
    field_path: { type: 'string', description: 'widget_id at the top level, parent_id[row].child_id inside a list widget (with instance_code: the primary key).' },
    widget_id: { type: 'string', description: "The widget's id (its position, as #n, when Feishu sent none)." },
    widget_custom_id: STRINGS,
    widget_name: STRINGS,
    widget_type: { ...STRINGS, description: 'input, textarea, number, amount, formula, date, dateInterval, radioV2, checkboxV2, contact, department, attachmentV2, fieldList, …' },
    parent_widget_id: { ...STRINGS, description: 'The list widget (fieldList) holding this one; null at the top level.' },
    row_index: { type: ['integer', 'null'], description: 'The row of the list widget, from 0; null at the top level.' },
    value_text: { ...STRINGS, description: 'A string value (input, textarea, radio, …).' },
    value_number: { type: ['number', 'null'], description: 'number, amount and formula values (numeric strings parsed); the interval of a dateInterval.' },
    value_date: { ...NULLABLE_TIMESTAMP, description: 'A date, or the start of a dateInterval (UTC).' },
    value_end: { ...NULLABLE_TIMESTAMP, description: 'The end of a dateInterval (UTC).' },
    value_json: { ...ANY_JSON, description: 'Any other value as Feishu gave it (lists, objects, the list widget itself, unknown widget types), or a value its type could not read.' },
    widget_extra: { type: ['object', 'null'], additionalProperties: true, description: "The widget's other fields (ext, option, open_ids, …); null when none." },
  });
}
