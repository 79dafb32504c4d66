import type { InstanceDetail } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import type { WindowFields } from '../../sync-contract.js';

/** The detail as a record: Feishu's ms strings become ISO timestamps, "0" (still open) becomes null. */
export function detailRecord(d: InstanceDetail, window: WindowFields): JsonObject {
  return {
    approval_code: d.approval_code,
    approval_name: d.approval_name ?? null,
    instance_code: d.instance_code,
    serial_number: d.serial_number ?? null,
    status: d.status,
    start_time: msToIso(d.start_time),
    end_time: msToIso(d.end_time),
    user_id: d.user_id ?? null,
    open_id: d.open_id ?? null,
    department_id: d.department_id ?? null,
    uuid: d.uuid ?? null,
    form: d.form ?? null,
    form_parsed: parseForm(d.form),
    task_list: d.task_list ?? null,
    comment_list: d.comment_list ?? null,
    timeline: d.timeline ?? null,
    reverted: typeof d['reverted'] === 'boolean' ? d['reverted'] : null,
    reverted_instance_code: textOrNull(d['reverted_instance_code']),
    modified_instance_code: textOrNull(d['modified_instance_code']),
    created_after: window.created_after,
    created_before: window.created_before,
  };
}

/**
 * An instance whose detail answered 1390003 (deleted): only its keys, status
 * DELETED and its window, so the destination's latest row says it is gone.
 */
export function deletedDetail(instanceCode: string, approvalCode: string): InstanceDetail {
  return { instance_code: instanceCode, approval_code: approvalCode, status: 'DELETED' };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function msToIso(value: string | undefined): string | null {
  const ms = Number(value);
  return value === undefined || value === '' || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString();
}

function parseForm(form: string | undefined): unknown[] | null {
  if (!form) return null;
  try {
    const parsed: unknown = JSON.parse(form);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
