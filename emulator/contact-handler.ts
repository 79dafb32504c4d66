/**
 * The contact API's batch reads (feishu-api-notes.md "Contact"):
 *   GET /open-apis/contact/v3/users/batch?user_ids=..&user_ids=..&user_id_type=open_id
 *   GET /open-apis/contact/v3/departments/batch?department_ids=..&department_id_type=open_department_id
 * up to 50 ids a call, from the directory (directory.ts). Users outside the app's contact range, and
 * ids the tenant does not have, are left out silently, as Feishu does. A missing scope answers
 * 99991672 naming it; a missing field scope empties its field.
 */
import {
  DEPARTMENT_COUNT,
  departmentAt,
  findDepartment,
  findUser,
  outOfContactRange,
  userAt,
  type DepartmentIdType,
  type UserIdType,
} from './directory.js';
import type { ContactScope, EmulatorOptions } from './options.js';
import { fail, ok, type ApiResult, type JsonResult } from './responses.js';

/** The most ids one batch call takes. */
export const CONTACT_BATCH_MAX = 50;

/** Names changed after the fact (FeishuEmulator.renameUser / renameDepartment), by open id. */
export interface ContactRenames {
  users: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, string>;
}

/** 99991672 as Feishu words it: the scopes any one of which would do. */
export function scopeDenied(scope: ContactScope): JsonResult {
  return fail(
    400,
    99991672,
    `Access denied. One of the following scopes is required: [${scope}]. ` +
      `应用尚未开通所需的应用身份权限：[${scope}]，点击链接申请并开通任一权限即可：https://open.feishu.cn/app/auth?q=${encodeURIComponent(scope)}`,
  );
}

/** Feishu's generic validation failure (the contact API's answer to a bad parameter). */
function invalidField(detail: string): JsonResult {
  return fail(400, 99992402, `field validation failed: ${detail}`);
}

/** The ids of a batch call, or the error for a bad list. */
function batchIds(query: URLSearchParams, key: string): string[] | JsonResult {
  const ids = query.getAll(key);
  if (ids.length === 0) return invalidField(`${key} is required`);
  if (ids.length > CONTACT_BATCH_MAX)
    return invalidField(`${key} holds ${ids.length} ids, at most ${CONTACT_BATCH_MAX}`);
  if (ids.some((id) => id === '')) return invalidField(`${key} holds an empty id`);
  return ids;
}

function denied(options: EmulatorOptions, scopes: readonly ContactScope[]): JsonResult | undefined {
  const missing = scopes.find((scope) => options.deniedScopes.includes(scope));
  return missing === undefined ? undefined : scopeDenied(missing);
}

const USER_ID_TYPES: readonly UserIdType[] = ['open_id', 'union_id', 'user_id'];
const DEPARTMENT_ID_TYPES: readonly DepartmentIdType[] = ['open_department_id', 'department_id'];

/** GET /open-apis/contact/v3/users/batch. */
export function handleUsersBatch(options: EmulatorOptions, renames: ContactRenames, query: URLSearchParams): ApiResult {
  const refusal = denied(options, ['contact:contact.base:readonly', 'contact:user.base:readonly']);
  if (refusal) return refusal;
  const type = (query.get('user_id_type') ?? 'open_id') as UserIdType;
  if (!USER_ID_TYPES.includes(type)) return invalidField('user_id_type');
  const departmentType = (query.get('department_id_type') ?? 'open_department_id') as DepartmentIdType;
  if (!DEPARTMENT_ID_TYPES.includes(departmentType)) return invalidField('department_id_type');
  const ids = batchIds(query, 'user_ids');
  if (!Array.isArray(ids)) return ids;
  const withDepartments = !options.deniedScopes.includes('contact:user.department:readonly');
  const items: Record<string, unknown>[] = [];
  for (const id of new Set(ids)) {
    const index = findUser(id, type);
    if (index === undefined || outOfContactRange(index, options.contactOutOfRangeRatio)) continue;
    const { index: _index, ...user } = userAt(index);
    items.push({
      ...user,
      name: renames.users.get(user.open_id) ?? user.name,
      user_id: options.employeeIdScope ? user.user_id : '',
      department_ids: withDepartments
        ? user.department_ids.map((d) =>
            departmentType === 'open_department_id'
              ? d
              : departmentAt(findDepartment(d, 'open_department_id') ?? 0).department_id,
          )
        : [],
    });
  }
  return ok({ items });
}

/** GET /open-apis/contact/v3/departments/batch. */
export function handleDepartmentsBatch(
  options: EmulatorOptions,
  renames: ContactRenames,
  query: URLSearchParams,
): ApiResult {
  const refusal = denied(options, ['contact:contact.base:readonly', 'contact:department.base:readonly']);
  if (refusal) return refusal;
  const type = (query.get('department_id_type') ?? 'open_department_id') as DepartmentIdType;
  if (!DEPARTMENT_ID_TYPES.includes(type)) return invalidField('department_id_type');
  const ids = batchIds(query, 'department_ids');
  if (!Array.isArray(ids)) return ids;
  const items: Record<string, unknown>[] = [];
  for (const id of new Set(ids)) {
    const index = findDepartment(id, type);
    if (index === undefined || index >= DEPARTMENT_COUNT) continue;
    const { index: _index, ...department } = departmentAt(index);
    const parent =
      type === 'open_department_id' || department.parent_department_id === '0'
        ? department.parent_department_id
        : departmentAt(findDepartment(department.parent_department_id, 'open_department_id') ?? 0).department_id;
    items.push({
      ...department,
      name: renames.departments.get(department.open_department_id) ?? department.name,
      parent_department_id: parent,
    });
  }
  return ok({ items });
}
