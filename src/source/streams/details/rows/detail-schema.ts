import type { JsonObject } from '../../../../kit/protocol.js';
import {
  DELETED_AT,
  DELETED_AT_FIELD,
  NULLABLE_TIMESTAMP,
  recordSchema,
  STRINGS,
  TIMESTAMP,
} from '../../record-schema.js';

/**
 * The JSON schema of approval_instance_details: every top-level field the
 * record builder writes (detail-record.ts), and the documented properties of
 * the list items. Items keep additionalProperties: Feishu adds fields over time.
 * The lists (task_list, comment_list, timeline) are kept as Feishu sent them,
 * '' ids included; the child streams give the same items with ids null.
 */
const STRING_LIST = { type: ['array', 'null'], items: STRINGS } as const;

function itemList(properties: JsonObject, description: string): JsonObject {
  return { type: ['array', 'null'], description, items: { type: 'object', additionalProperties: true, properties } };
}

/** The approval node a task belongs to: the same fields in task_list's items and in approval_tasks' rows. */
export const TASK_NODE = { node_id: STRINGS, node_name: STRINGS, custom_node_id: STRINGS } as const;

const TASK = {
  id: STRINGS,
  user_id: STRINGS,
  open_id: STRINGS,
  status: { ...STRINGS, description: 'PENDING, APPROVED, REJECTED, TRANSFERRED, DONE, …' },
  ...TASK_NODE,
  type: { ...STRINGS, description: 'AND, OR, AUTO_PASS, AUTO_REJECT, SEQUENTIAL, …' },
  start_time: { ...STRINGS, description: 'Unix ms as a string, as Feishu sends it.' },
  end_time: { ...STRINGS, description: 'Unix ms as a string; "0" while open.' },
};

const COMMENT = {
  id: STRINGS,
  user_id: STRINGS,
  open_id: STRINGS,
  comment: STRINGS,
  create_time: { ...STRINGS, description: 'Unix ms as a string.' },
};

const TIMELINE = {
  type: {
    ...STRINGS,
    description: 'START, PASS, REJECT, AUTO_PASS, AUTO_REJECT, TRANSFER, ROLLBACK, CANCEL, DELETE, CC, ADD_APPROVER, …',
  },
  create_time: { ...STRINGS, description: 'Unix ms as a string.' },
  user_id: STRINGS,
  open_id: STRINGS,
  user_id_list: STRING_LIST,
  open_id_list: STRING_LIST,
  task_id: STRINGS,
  comment: STRINGS,
  cc_user_list: itemList({ user_id: STRINGS, cc_id: STRINGS, open_id: STRINGS }, 'Users copied (type CC).'),
  node_key: STRINGS,
  ext: { ...STRINGS, description: 'A JSON object as a string, as Feishu sends it.' },
};

export const DETAIL_SCHEMA: JsonObject = recordSchema(
  ['approval_code', 'instance_code', 'created_after', 'created_before'],
  {
    approval_code: { type: 'string' },
    approval_name: STRINGS,
    instance_code: { type: 'string', description: 'Primary key.' },
    serial_number: STRINGS,
    status: {
      ...STRINGS,
      description:
        'PENDING, APPROVED, REJECTED, CANCELED or DELETED, as of the sync that wrote the row. A revoked approval is CANCELED (with reverted true); ' +
        'a deleted instance is DELETED. No enum: an undocumented status is kept as Feishu sent it (with a WARN); a missing one is null.',
    },
    start_time: { ...NULLABLE_TIMESTAMP, description: 'When the instance was created.' },
    end_time: { ...NULLABLE_TIMESTAMP, description: 'When it became final; null while PENDING.' },
    user_id: { ...STRINGS, description: 'Null unless the app has the scope contact:user.employee_id:readonly.' },
    open_id: STRINGS,
    department_id: STRINGS,
    uuid: STRINGS,
    form: { ...STRINGS, description: 'The form as Feishu returns it: a JSON string of widgets.' },
    form_parsed: {
      type: ['array', 'null'],
      items: { type: 'object', additionalProperties: true },
      description: 'The same form parsed; null when it is not JSON, not a list or nested deeper than 32 levels.',
    },
    task_list: itemList(TASK, 'Approval tasks, one per approver and node.'),
    comment_list: itemList(COMMENT, 'Comments.'),
    timeline: itemList(TIMELINE, 'What happened, in order.'),
    reverted: {
      type: ['boolean', 'null'],
      description: 'True when an approved instance was revoked afterwards (its status is then CANCELED).',
    },
    reverted_instance_code: {
      ...STRINGS,
      description: 'Code of the revocation request, when the instance was revoked.',
    },
    modified_instance_code: {
      ...STRINGS,
      description: 'Code of the instance this one modifies, when it is a modification.',
    },
    created_after: {
      ...TIMESTAMP,
      description:
        'Start of the creation-time window the instance was listed in (for a re-checked instance: of the re-checked range).',
    },
    created_before: {
      ...TIMESTAMP,
      description:
        'End of that window (the cursor); for a re-checked instance the time of the recheck, so its row sorts after earlier rows of the same instance.',
    },
    [DELETED_AT_FIELD]: {
      ...DELETED_AT,
      description:
        'Always null: a deleted instance keeps one row, with status DELETED, so analysts can see the deletion.',
    },
  },
);
