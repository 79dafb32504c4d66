/** Response bodies of the Feishu / Lark Open API endpoints the connector calls. */

/** Every Open API body: `code` 0 means success, whatever the HTTP status says. */
export interface FeishuEnvelope<Data = unknown> {
  code: number;
  msg: string;
  data?: Data;
}

export interface TenantTokenResponse {
  code: number;
  msg: string;
  tenant_access_token?: string;
  /** Seconds the token stays valid. */
  expire?: number;
}

export interface InstanceCodePage {
  instance_code_list: string[];
  page_token: string;
  has_more: boolean;
}

export interface ApprovalDefinition {
  approval_name?: string;
  approval_code?: string;
  /** ACTIVE, INACTIVE, DELETED or UNKNOWN. */
  status?: string;
  /** The form's widgets as a JSON string. */
  form?: string;
  node_list?: unknown[];
  viewers?: unknown[];
}

export interface ListInstanceCodesRequest {
  approvalCode: string;
  /** Creation-time range in ms; whether the API treats the bounds as inclusive is undocumented. */
  startMs: number;
  endMs: number;
  pageSize: number;
  pageToken?: string;
}

/** Instance detail (`GET /approval/v4/instances/:id`), as far as the connector types it. */
export interface InstanceDetail {
  approval_code?: string;
  approval_name?: string;
  instance_code: string;
  serial_number?: string;
  /** PENDING, APPROVED, REJECTED, CANCELED or DELETED. */
  status?: string;
  /** Unix ms as a string; "0" while the instance is open. */
  start_time?: string;
  end_time?: string;
  user_id?: string;
  open_id?: string;
  department_id?: string;
  uuid?: string;
  form?: string;
  task_list?: unknown[];
  comment_list?: unknown[];
  timeline?: unknown[];
  [extra: string]: unknown;
}

/**
 * A user of `GET /contact/v3/users/batch` (user_id_type=open_id), as far as the connector types it;
 * every other field is kept as sent. Fields the app's scopes do not cover come back empty or absent.
 */
export interface ContactUser {
  open_id: string;
  union_id?: string;
  /** Only with contact:user.employee_id:readonly. */
  user_id?: string;
  /** Only with contact:user.base:readonly. */
  name?: string;
  en_name?: string;
  email?: string;
  /** open_department_ids; only with contact:user.department:readonly. */
  department_ids?: string[];
  status?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** A department of `GET /contact/v3/departments/batch` (department_id_type=open_department_id). */
export interface ContactDepartment {
  open_department_id: string;
  department_id?: string;
  name?: string;
  /** "0" for a department directly under the root. */
  parent_department_id?: string;
  [extra: string]: unknown;
}

/** `instance_status` filter values of the bulk query (not the statuses it answers with). */
export type InstanceQueryStatusFilter = 'PENDING' | 'RECALL' | 'REJECT' | 'DELETED' | 'APPROVED' | 'ALL';

/** One request of `POST /approval/v4/instances/query`. */
export interface InstanceQueryRequest {
  approvalCode: string;
  /** Default ALL. The API leaves revoked instances out whatever the filter. */
  status?: InstanceQueryStatusFilter;
  /** Creation-time range in ms, both or neither, at most 30 days apart. */
  startFromMs?: number;
  startToMs?: number;
  /** 5–200 (the API's default is 10). */
  pageSize: number;
  pageToken?: string;
  /** Which id `user_id` holds; default open_id. */
  userIdType?: 'user_id' | 'union_id' | 'open_id';
}

/** One `instance_list[].instance` of the bulk query, narrowed. */
export interface QueriedInstance {
  code: string;
  /**
   * Upper-cased (PENDING, APPROVED, REJECTED, CANCELED, DELETED) so it compares
   * with the detail API's status; the query API answers in lower case.
   */
  status?: string;
  /** Unix ms strings, as the detail API's. */
  start_time?: string;
  end_time?: string;
  /** From `instance_list[].approval.code`. */
  approval_code?: string;
  user_id?: string;
  serial_id?: string;
  title?: string;
  external_id?: string;
}

export interface QueriedInstancePage {
  /** Matches of the whole query (revoked ones not counted), when the server sent it. */
  count?: number;
  instance_list: QueriedInstance[];
  page_token: string;
  has_more: boolean;
}
