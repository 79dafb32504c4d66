import type { FeishuClient } from '../../feishu/client.js';
import { FeishuApiError, FeishuCode } from '../../feishu/errors.js';
import type { SampleInstance } from './code-lookups.js';
import { failure, OK, type ProbeResult } from './probe.js';

/**
 * One list request for a code known to exist: around an instance the bulk query saw when there is
 * one (so the answer lists something), else the latest window.
 */
export async function probeList(
  client: FeishuClient,
  approvalCode: string,
  sample: SampleInstance | undefined,
  nowMs: number,
  windowMs: number,
): Promise<{ result: ProbeResult; listed?: SampleInstance }> {
  const around = sample?.approvalCode === approvalCode ? sample.createdMs : undefined;
  const [startMs, endMs] = around === undefined ? [nowMs - windowMs, nowMs] : [around - 60_000, around + 60_000];
  try {
    const page = await client.listInstanceCodes({ approvalCode, startMs, endMs, pageSize: 1 });
    const first = page.instance_code_list[0];
    return { result: OK, ...(first !== undefined && { listed: { approvalCode, instanceCode: first } }) };
  } catch (error) {
    return { result: failure(error) };
  }
}

/** Who applied for the probed instance, as its detail says: tells whether user_id comes back filled. */
export interface Applicant {
  openId: string;
  userId: string;
  departmentId: string;
}

/**
 * When no instance is known yet this code stands in: Feishu checks the scope before it looks the
 * instance up, so "not found" (or a parameter error) proves the detail API may be called.
 */
export const NO_SUCH_INSTANCE = 'feishu-approval-check-no-such-instance';

/** One detail request, for an instance the list probe listed (or a lookup saw) when there is one. */
export async function probeDetail(
  client: FeishuClient,
  sample: SampleInstance | undefined,
): Promise<{ result: ProbeResult; applicant?: Applicant }> {
  try {
    const detail = await client.getInstance(sample?.instanceCode ?? NO_SUCH_INSTANCE);
    return {
      result: OK,
      applicant: {
        openId: detail.open_id ?? '',
        userId: detail.user_id ?? '',
        departmentId: detail.department_id ?? '',
      },
    };
  } catch (error) {
    const answered =
      error instanceof FeishuApiError &&
      (error.code === FeishuCode.INSTANCE_NOT_FOUND || (!sample && error.code === FeishuCode.BAD_PARAMETER));
    return { result: answered ? OK : failure(error) };
  }
}

/** Granted when the detail carries a user_id; unknown without an applicant to tell by. */
export function employeeIdScope(applicant: Applicant | undefined): 'granted' | 'missing' | 'unknown' {
  if (!applicant || applicant.openId === '') return 'unknown';
  return applicant.userId === '' ? 'missing' : 'granted';
}
