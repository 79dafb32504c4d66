import type { ApprovalDefinition, InstanceCodePage, InstanceDetail } from './types.js';

/**
 * Response `data` objects narrowed field by field to the types the connector
 * relies on. A field of the wrong type is dropped (one odd value must not fail
 * a sync); a missing `data` object is refused earlier, in the client.
 */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function narrowInstanceCodePage(data: Record<string, unknown>): InstanceCodePage {
  const list = data['instance_code_list'];
  return {
    instance_code_list: Array.isArray(list) ? list.filter((code): code is string => typeof code === 'string') : [],
    page_token: text(data['page_token']) ?? '',
    has_more: data['has_more'] === true,
  };
}

export function narrowApprovalDefinition(data: Record<string, unknown>): ApprovalDefinition {
  return { approval_name: text(data['approval_name']), approval_code: text(data['approval_code']), status: text(data['status']) };
}

const DETAIL_TEXTS = ['approval_code', 'approval_name', 'serial_number', 'status', 'start_time', 'end_time', 'user_id', 'open_id', 'department_id', 'uuid', 'form'] as const;
const DETAIL_LISTS = ['task_list', 'comment_list', 'timeline'] as const;

/** Every field is kept; the typed ones only when their type is right. `instance_code` falls back to the code asked for. */
export function narrowInstanceDetail(data: Record<string, unknown>, instanceCode: string): InstanceDetail {
  return { ...data, ...pick(data, DETAIL_TEXTS, text), ...pick(data, DETAIL_LISTS, list), instance_code: text(data['instance_code']) ?? instanceCode };
}

/** `keys` of `data` narrowed by `narrow`; a key whose value does not narrow is set to undefined, hiding the odd value. */
function pick<K extends string, T>(data: Record<string, unknown>, keys: readonly K[], narrow: (value: unknown) => T | undefined): Partial<Record<K, T>> {
  const out: Partial<Record<K, T>> = {};
  for (const key of keys) out[key] = narrow(data[key]);
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
