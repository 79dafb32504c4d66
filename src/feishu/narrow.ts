import type {
  ApprovalDefinition,
  ContactDepartment,
  ContactUser,
  InstanceCodePage,
  InstanceDetail,
  QueriedInstance,
  QueriedInstancePage,
} from './types.js';

/**
 * Response `data` objects checked and narrowed to the types the connector
 * relies on. Two kinds of field:
 *  - load-bearing ones (the list page: the codes, has_more, page_token; the
 *    detail's instance_code): a wrong shape throws ResponseShapeError, which
 *    the client retries as a broken answer; it never reads as "no instances",
 *    so no cursor moves past a window whose pages were not all read;
 *  - descriptive ones: a wrong type is dropped (one odd value must not fail
 *    a sync).
 * A missing `data` object is refused earlier, in the client.
 */

/** The answer had code 0 but not the shape the connector relies on; `message` says which field. */
export class ResponseShapeError extends Error {
  override name = 'ResponseShapeError';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function narrowInstanceCodePage(data: Record<string, unknown>): InstanceCodePage {
  const list = data['instance_code_list'];
  if (!Array.isArray(list))
    throw new ResponseShapeError(`data.instance_code_list is ${typeName(list)}, expected an array of instance codes`);
  const odd = list.findIndex((code) => typeof code !== 'string' || code === '');
  if (odd >= 0)
    throw new ResponseShapeError(
      `data.instance_code_list[${odd}] is ${typeName(list[odd])}, expected an instance code (a string)`,
    );
  const hasMore = data['has_more'];
  if (typeof hasMore !== 'boolean')
    throw new ResponseShapeError(`data.has_more is ${typeName(hasMore)}, expected a boolean`);
  const pageToken = data['page_token'];
  if (hasMore && (typeof pageToken !== 'string' || pageToken === '')) {
    throw new ResponseShapeError(
      `data.page_token is ${typeName(pageToken)} although data.has_more is true; expected the next page's token`,
    );
  }
  return { instance_code_list: list as string[], page_token: text(pageToken) ?? '', has_more: hasMore };
}

const DEFINITION_TEXTS = ['approval_name', 'approval_code', 'status', 'form'] as const;
const DEFINITION_LISTS = ['node_list', 'viewers'] as const;

export function narrowApprovalDefinition(data: Record<string, unknown>): ApprovalDefinition {
  return { ...pick(data, DEFINITION_TEXTS, text), ...pick(data, DEFINITION_LISTS, list) };
}

const DETAIL_TEXTS = [
  'approval_code',
  'approval_name',
  'serial_number',
  'status',
  'start_time',
  'end_time',
  'user_id',
  'open_id',
  'department_id',
  'uuid',
  'form',
] as const;
const DETAIL_LISTS = ['task_list', 'comment_list', 'timeline'] as const;

/**
 * Every field is kept; the typed ones only when their type is right. `instance_code` falls back to
 * the code asked for; a detail naming another instance is refused (its record would carry the wrong key).
 */
export function narrowInstanceDetail(data: Record<string, unknown>, instanceCode: string): InstanceDetail {
  const answered = data['instance_code'];
  if (typeof answered === 'string' && answered !== instanceCode) {
    throw new ResponseShapeError(
      `data.instance_code is ${typeName(answered)}, expected '${instanceCode}', the instance asked for`,
    );
  }
  return { ...data, ...pick(data, DETAIL_TEXTS, text), ...pick(data, DETAIL_LISTS, list), instance_code: instanceCode };
}

/** `keys` of `data` narrowed by `narrow`; a key whose value does not narrow is set to undefined, hiding the odd value. */
function pick<K extends string, T>(
  data: Record<string, unknown>,
  keys: readonly K[],
  narrow: (value: unknown) => T | undefined,
): Partial<Record<K, T>> {
  const out: Partial<Record<K, T>> = {};
  for (const key of keys) out[key] = narrow(data[key]);
  return out;
}

/**
 * The bulk query's page. Load-bearing: `instance_list` (an array, or absent
 * on an empty last page), `has_more`, and `page_token` while there is more.
 * An item without an instance code is dropped (it cannot be matched to
 * anything; a caller treats an instance the page leaves out as unknown, not as
 * final); `count` only when it is a non-negative integer.
 */
export function narrowQueriedInstancePage(data: Record<string, unknown>): QueriedInstancePage {
  const hasMore = data['has_more'];
  if (typeof hasMore !== 'boolean')
    throw new ResponseShapeError(`data.has_more is ${typeName(hasMore)}, expected a boolean`);
  const items = data['instance_list'];
  if (!Array.isArray(items) && !(items === undefined && !hasMore))
    throw new ResponseShapeError(`data.instance_list is ${typeName(items)}, expected an array of instances`);
  const pageToken = data['page_token'];
  if (hasMore && (typeof pageToken !== 'string' || pageToken === '')) {
    throw new ResponseShapeError(
      `data.page_token is ${typeName(pageToken)} although data.has_more is true; expected the next page's token`,
    );
  }
  const count = data['count'];
  return {
    ...(typeof count === 'number' && Number.isInteger(count) && count >= 0 ? { count } : {}),
    instance_list: (items ?? [])
      .map(narrowQueriedInstance)
      .filter((item): item is QueriedInstance => item !== undefined),
    page_token: text(pageToken) ?? '',
    has_more: hasMore,
  };
}

const QUERIED_TEXTS = ['start_time', 'end_time', 'user_id', 'serial_id', 'title', 'external_id'] as const;

function narrowQueriedInstance(item: unknown): QueriedInstance | undefined {
  if (!isObject(item) || !isObject(item['instance'])) return undefined;
  const instance = item['instance'];
  const code = text(instance['code']);
  if (!code) return undefined;
  const approval = isObject(item['approval']) ? item['approval'] : {};
  return {
    ...pick(instance, QUERIED_TEXTS, text),
    code,
    status: text(instance['status'])?.toUpperCase(),
    approval_code: text(approval['code']),
  };
}

const USER_TEXTS = ['union_id', 'user_id', 'name', 'en_name', 'email'] as const;
const DEPARTMENT_TEXTS = ['department_id', 'name', 'parent_department_id'] as const;

/**
 * The `items` of a contact batch call. Load-bearing: `items` itself (an array; absent only when
 * nothing was found, as Feishu leaves it out then). An item without its id string is dropped (it
 * cannot be keyed); descriptive fields of the wrong type are hidden, every other field kept.
 */
function narrowItems<T>(
  data: Record<string, unknown>,
  idKey: string,
  narrowItem: (item: Record<string, unknown>, id: string) => T,
): T[] {
  const items = data['items'];
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new ResponseShapeError(`data.items is ${typeName(items)}, expected an array`);
  const out: T[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const id = text(item[idKey]);
    if (id) out.push(narrowItem(item, id));
  }
  return out;
}

export function narrowUserBatch(data: Record<string, unknown>): ContactUser[] {
  return narrowItems(data, 'open_id', (item, open_id) => {
    const departments = list(item['department_ids'])?.filter((d): d is string => typeof d === 'string' && d !== '');
    const status = item['status'];
    return {
      ...item,
      ...pick(item, USER_TEXTS, text),
      open_id,
      department_ids: departments,
      status: isObject(status) ? status : undefined,
    };
  });
}

export function narrowDepartmentBatch(data: Record<string, unknown>): ContactDepartment[] {
  return narrowItems(data, 'open_department_id', (item, open_department_id) => ({
    ...item,
    ...pick(item, DEPARTMENT_TEXTS, text),
    open_department_id,
  }));
}

/** A short description of a value for a message: its type, and the value itself when it is short. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length <= 40 ? `the string ${JSON.stringify(value)}` : 'a long string';
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
