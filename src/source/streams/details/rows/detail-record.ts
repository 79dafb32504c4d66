import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import { checkDepth, parseJsonText, parseMsTimestamp } from '../../../values/safe-parse.js';
import { take, type ReportIssue } from '../../../values/value-issues.js';
import { DELETED_AT_FIELD } from '../../record-schema.js';
import { idOrNull, rowBase, type DetailRowContext } from './detail-rows.js';

/** The statuses Feishu documents; another one is kept as sent, with a WARN. */
export const KNOWN_STATUSES: readonly string[] = ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'];

/** Fields every detail carries; a missing one is reported (its column is null). A DELETED stub carries none. */
const EXPECTED_FIELDS = ['status', 'start_time', 'end_time', 'form'] as const;

/**
 * The detail as a record: Feishu's ms strings become ISO timestamps, "0"
 * (still open) becomes null. A value that cannot be read is null in its
 * typed column (the raw `form` stays in `form`) and reported; never a throw.
 */
export function detailRecord(d: InstanceDetail, ctx: DetailRowContext): JsonObject {
  const { report } = ctx;
  if (d.status !== 'DELETED')
    for (const field of EXPECTED_FIELDS)
      if (d[field] === undefined) report(field, undefined, 'is missing; written as null');
  if (d.status !== undefined && !KNOWN_STATUSES.includes(d.status))
    report('status', d.status, `is not one Feishu documents (${KNOWN_STATUSES.join(', ')}); kept as sent`);
  return {
    ...rowBase(d, ctx),
    approval_name: d.approval_name ?? null,
    serial_number: idOrNull(d.serial_number),
    status: d.status ?? null,
    start_time: take(parseMsTimestamp(d.start_time), report, 'start_time', d.start_time),
    end_time: take(parseMsTimestamp(d.end_time), report, 'end_time', d.end_time),
    user_id: idOrNull(d.user_id),
    open_id: idOrNull(d.open_id),
    department_id: idOrNull(d.department_id),
    uuid: idOrNull(d.uuid),
    form: d.form ?? null,
    form_parsed: parseForm(d.form, report),
    task_list: list(d, 'task_list', report),
    comment_list: list(d, 'comment_list', report),
    timeline: list(d, 'timeline', report),
    reverted: typeof d['reverted'] === 'boolean' ? d['reverted'] : null,
    reverted_instance_code: idOrNull(d['reverted_instance_code']),
    modified_instance_code: idOrNull(d['modified_instance_code']),
    ...ctx.window,
    [DELETED_AT_FIELD]: null,
  };
}

/**
 * An instance whose detail answered 1390003 (deleted): only its keys, status
 * DELETED and its window, so the destination's latest row says it is gone.
 */
export function deletedDetail(instanceCode: string, approvalCode: string): InstanceDetail {
  return { instance_code: instanceCode, approval_code: approvalCode, status: 'DELETED' };
}

function parseForm(form: string | undefined, report: ReportIssue): JsonObject[] | null {
  const parsed = take(parseJsonText(form), report, 'form_parsed', form);
  if (parsed === null || Array.isArray(parsed)) return parsed as JsonObject[] | null;
  report('form_parsed', form, 'is not a list of widgets; written as null');
  return null;
}

/** A list as sent, unless it nests too deep to be written. */
function list(
  d: InstanceDetail,
  key: 'task_list' | 'comment_list' | 'timeline',
  report: ReportIssue,
): JsonObject[] | null {
  return take(checkDepth(d[key] ?? null), report, key, d[key]) as JsonObject[] | null;
}
