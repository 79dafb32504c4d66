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
    ...window,
  };
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
