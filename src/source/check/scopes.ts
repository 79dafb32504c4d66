/**
 * What each endpoint `check` probes is for: the scope Feishu wants for it, the streams that need it,
 * and what a sync loses without it. The one table the check's verdict reads (verdict.ts).
 */

/** The endpoints `check` probes after the token, each once. */
export type ProbeName = 'list' | 'detail' | 'query' | 'definition' | 'users' | 'departments';

export interface EndpointUse {
  /** As a person finds it in Feishu's docs. */
  endpoint: string;
  scope: string;
  /** Streams that fail without it. */
  streams: readonly string[];
  /** True when the connector cannot do without it: check fails. */
  required: boolean;
  /** What a sync loses without it, for an optional endpoint. */
  cost?: string;
}

const DETAIL_STREAMS = ['approval_instance_details', 'approval_form_fields', 'approval_tasks', 'approval_timeline'];

export const ENDPOINT_USES: Readonly<Record<ProbeName, EndpointUse>> = {
  list: {
    endpoint: 'the list API (GET /open-apis/approval/v4/instances)',
    scope: 'approval:approval:readonly',
    // The detail streams read the instances the list scan finds.
    streams: ['approval_instances', ...DETAIL_STREAMS],
    required: true,
  },
  detail: {
    endpoint: 'the detail API (GET /open-apis/approval/v4/instances/:instance_id)',
    scope: 'approval:approval:readonly',
    streams: DETAIL_STREAMS,
    required: true,
  },
  query: {
    endpoint: 'the bulk query API (POST /open-apis/approval/v4/instances/query)',
    scope: 'approval:approval.list:readonly',
    streams: [],
    required: false,
    cost:
      'no status recheck: approval_instance_details keeps the status, tasks and timeline an instance had when first read ' +
      '(a revoked approval, a finished PENDING one never arrive; or set status_recheck_days to 0)',
  },
  definition: {
    endpoint: 'the approval definition API (GET /open-apis/approval/v4/approvals/:approval_code)',
    scope: 'approval:approval:readonly',
    streams: ['approval_definitions'],
    required: false,
    cost: 'the approval_definitions stream fails (deselect it, or grant the scope)',
  },
  users: {
    endpoint: 'the contact users API (GET /open-apis/contact/v3/users/batch)',
    scope: 'contact:user.base:readonly and contact:contact.base:readonly',
    streams: ['users'],
    required: false,
    cost: 'no names of people: the users stream fails (deselect it, or grant the scope)',
  },
  departments: {
    endpoint: 'the contact departments API (GET /open-apis/contact/v3/departments/batch)',
    scope: 'contact:department.base:readonly and contact:contact.base:readonly',
    streams: ['departments'],
    required: false,
    cost: 'no department names: the departments stream fails (deselect it, or grant the scope)',
  },
};

/** Without it the details, tasks and queried instances carry an empty user_id, silently (feishu-api-notes.md). */
export const EMPLOYEE_ID_SCOPE = {
  scope: 'contact:user.employee_id:readonly',
  cost: 'no user_id: it is empty in every row (approval_instance_details, approval_tasks, approval_timeline); open_id is filled',
} as const;

/** Without it the users batch answers leave department_ids empty. */
export const USER_DEPARTMENT_SCOPE = {
  scope: 'contact:user.department:readonly',
  cost: "users come without department_ids: departments holds only the applicants' departments",
} as const;

/** The step people forget: a scope granted in the console does nothing until a version that has it is published. */
export const PUBLISH_STEP =
  'After granting a scope, publish a new version of the app (Developer Console > Version Management & Release) and have it approved: ' +
  'a scope takes effect only once a published version has it.';
