import type { ContactDepartment, ContactUser } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import { DELETED_AT_FIELD, NULLABLE_TIMESTAMP, recordSchema, STRINGS, TIMESTAMP } from '../record-schema.js';

/**
 * The rows of `users` and `departments`: each documented field of the contact API's user and
 * department objects, declared; a field of the wrong type is null (one odd value never fails a
 * sync), a field the app's scopes do not cover arrives empty as Feishu sends it, and `synced_at`,
 * the cursor, names the sync that wrote the row (its start), so a destination deduping on the
 * primary key keeps the newest.
 */
export const SYNCED_AT = 'synced_at';

const OBJECT = { type: ['object', 'null'], additionalProperties: true } as const;
const STRING_LIST = { type: ['array', 'null'], items: { type: 'string' } } as const;
const INTEGER = { type: ['integer', 'null'] } as const;
const BOOLEAN = { type: ['boolean', 'null'] } as const;
const SYNCED_AT_SCHEMA = {
  ...TIMESTAMP,
  description:
    'Start of the sync that wrote this row (the cursor): the row with the latest synced_at holds the newest name.',
} as const;

/** Declared like every incremental stream's; always null here: Feishu's batch answer never says a person or department was removed. */
const DELETED_AT_SCHEMA = {
  ...NULLABLE_TIMESTAMP,
  description:
    'Always null: the contact API leaves out whom the app cannot see, it never says that someone was removed, so no row is deleted.',
} as const;

type Kind = 'string' | 'strings' | 'integer' | 'boolean' | 'object';

const SCHEMA_OF: Record<Kind, JsonObject> = {
  string: STRINGS,
  strings: STRING_LIST,
  integer: INTEGER,
  boolean: BOOLEAN,
  object: OBJECT,
};

/** The documented user fields and their kinds (Feishu's contact v3 user object). */
const USER_FIELDS: ReadonlyArray<readonly [string, Kind, string]> = [
  ['open_id', 'string', "The user's open_id in this app (the primary key): the id every approval stream holds."],
  ['union_id', 'string', "The user's id across the developer's apps."],
  ['user_id', 'string', 'The tenant-wide employee id; empty unless the app has contact:user.employee_id:readonly.'],
  ['name', 'string', 'Name; needs contact:user.base:readonly.'],
  ['en_name', 'string', 'English name.'],
  ['nickname', 'string', 'Nickname.'],
  ['email', 'string', 'Email address, when the app may read it.'],
  ['enterprise_email', 'string', 'Enterprise email address.'],
  [
    'department_ids',
    'strings',
    "open_department_ids of the user's departments; needs contact:user.department:readonly.",
  ],
  ['leader_user_id', 'string', "open_id of the user's leader."],
  ['employee_no', 'string', 'Employee number.'],
  ['employee_type', 'integer', 'Employee type (1 regular, 2 intern, 3 outsourced, 4 labour, 5 consultant).'],
  ['job_title', 'string', 'Job title.'],
  ['city', 'string', 'City.'],
  ['country', 'string', 'Country.'],
  ['work_station', 'string', 'Work station.'],
  ['join_time', 'integer', 'Joining time, Unix seconds.'],
  ['is_tenant_manager', 'boolean', 'Whether the user is a tenant administrator.'],
  ['gender', 'integer', '0 unknown, 1 male, 2 female.'],
  ['avatar', 'object', 'Avatar image URLs.'],
  ['status', 'object', 'is_frozen, is_resigned, is_activated, is_exited, is_unjoin.'],
];

/** The documented department fields (Feishu's contact v3 department object). */
const DEPARTMENT_FIELDS: ReadonlyArray<readonly [string, Kind, string]> = [
  ['open_department_id', 'string', "The department's open_department_id (the primary key)."],
  ['department_id', 'string', "The tenant's own id for the department."],
  ['name', 'string', 'Name; needs contact:department.base:readonly.'],
  ['i18n_name', 'object', 'Names by language (zh_cn, ja_jp, en_us).'],
  ['parent_department_id', 'string', 'open_department_id of the parent; "0" under the root.'],
  ['leader_user_id', 'string', "open_id of the department's leader."],
  ['chat_id', 'string', "The department's group chat."],
  ['order', 'string', 'Sort order among its siblings.'],
  ['member_count', 'integer', 'Number of users in it.'],
  ['status', 'object', 'is_deleted.'],
];

function schemaOf(key: string, fields: ReadonlyArray<readonly [string, Kind, string]>): JsonObject {
  const properties: JsonObject = {};
  for (const [name, kind, description] of fields)
    properties[name] = name === key ? { type: 'string', description } : { ...SCHEMA_OF[kind], description };
  properties[SYNCED_AT] = SYNCED_AT_SCHEMA;
  properties[DELETED_AT_FIELD] = DELETED_AT_SCHEMA;
  return recordSchema([key, SYNCED_AT], properties);
}

export const USER_SCHEMA = schemaOf('open_id', USER_FIELDS);
export const DEPARTMENT_SCHEMA = schemaOf('open_department_id', DEPARTMENT_FIELDS);

/** `value` if it has the kind, else null. */
function typed(value: unknown, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
    case 'strings':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      return typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  }
}

function rowOf(
  item: Record<string, unknown>,
  fields: ReadonlyArray<readonly [string, Kind, string]>,
  syncedAt: string,
): JsonObject {
  const row: JsonObject = {};
  for (const [name, kind] of fields) row[name] = typed(item[name], kind);
  row[SYNCED_AT] = syncedAt;
  row[DELETED_AT_FIELD] = null;
  return row;
}

export function userRow(user: ContactUser, syncedAt: string): JsonObject {
  return rowOf(user, USER_FIELDS, syncedAt);
}

export function departmentRow(department: ContactDepartment, syncedAt: string): JsonObject {
  return rowOf(department, DEPARTMENT_FIELDS, syncedAt);
}
