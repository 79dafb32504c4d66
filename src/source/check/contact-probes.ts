import type { FeishuClient } from '../../feishu/client.js';
import type { Applicant } from './endpoint-probes.js';
import { failure, OK, type ProbeResult } from './probe.js';

/**
 * Stand-ins when no instance named a person or a department: the batch calls leave unknown ids out
 * of their answer silently, so an empty answer still proves the scopes.
 */
const NO_SUCH_USER = 'ou_feishu_approval_check_probe';
const NO_SUCH_DEPARTMENT = 'od_feishu_approval_check_probe';

export interface ContactFindings {
  users: ProbeResult;
  departments: ProbeResult;
  /** Whether users come with their department_ids (contact:user.department:readonly); unknown without one to tell by. */
  userDepartments: 'granted' | 'missing' | 'unknown';
}

/** One users and one departments batch call, for the applicant of the probed instance when there is one. */
export async function probeContact(client: FeishuClient, applicant: Applicant | undefined): Promise<ContactFindings> {
  const openId = applicant?.openId || NO_SUCH_USER;
  const [users, departments] = await Promise.all([
    client.batchGetUsers([openId]).then(
      (items) => ({ result: OK, user: items.find((u) => u.open_id === openId) }),
      (error: unknown) => ({ result: failure(error), user: undefined }),
    ),
    client.batchGetDepartments([applicant?.departmentId || NO_SUCH_DEPARTMENT]).then(
      () => OK,
      (error: unknown) => failure(error),
    ),
  ]);
  // A user outside the app's contact range is left out: then nothing tells.
  const userDepartments =
    users.user === undefined ? 'unknown' : users.user.department_ids?.length ? 'granted' : 'missing';
  return { users: users.result, departments, userDepartments };
}
