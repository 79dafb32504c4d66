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
  return {
    approval_name: text(data['approval_name']),
    approval_code: text(data['approval_code']),
    status: text(data['status']),
    form: text(data['form']),
    node_list: list(data['node_list']),
    viewers: list(data['viewers']),
  };
}

/** Every field is kept; the typed ones only when their type is right. `instance_code` falls back to the code asked for. */
export function narrowInstanceDetail(data: Record<string, unknown>, instanceCode: string): InstanceDetail {
  return {
    ...data,
    approval_code: text(data['approval_code']),
    approval_name: text(data['approval_name']),
    instance_code: text(data['instance_code']) ?? instanceCode,
    serial_number: text(data['serial_number']),
    status: text(data['status']),
    start_time: text(data['start_time']),
    end_time: text(data['end_time']),
    user_id: text(data['user_id']),
    open_id: text(data['open_id']),
    department_id: text(data['department_id']),
    uuid: text(data['uuid']),
    form: text(data['form']),
    task_list: list(data['task_list']),
    comment_list: list(data['comment_list']),
    timeline: list(data['timeline']),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
