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
