/** Feishu answered with a non-zero body `code` (the body decides, not the HTTP status). */
export class FeishuApiError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly httpStatus: number,
    readonly logId: string | undefined,
    readonly endpoint: string,
    /** Seconds from `x-ogw-ratelimit-reset`, when the gateway sent it. */
    readonly rateLimitResetSec?: number,
  ) {
    super(`Feishu API error ${code} (${msg}) from ${endpoint}, HTTP ${httpStatus}${logId ? `, log id ${logId}` : ''}`);
    this.name = 'FeishuApiError';
  }
}

export type TransportFailure = 'connect' | 'timeout' | 'reset' | 'http' | 'body';

/**
 * The request did not produce a Feishu body: the host is unreachable, the
 * connection broke, a timeout fired, or a gateway answered with HTML.
 */
export class FeishuTransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    readonly target: string,
    /** What failed, without the target: "ECONNREFUSED", "TLS handshake failed (…)". */
    readonly detail: string,
    readonly httpStatus?: number,
    readonly logId?: string,
  ) {
    super(`${describeFailure(failure)} ${target}: ${detail}`);
    this.name = 'FeishuTransportError';
  }
}

function describeFailure(failure: TransportFailure): string {
  switch (failure) {
    case 'connect':
      return 'Cannot connect to';
    case 'timeout':
      return 'Timed out waiting for';
    case 'reset':
      return 'Connection lost to';
    case 'http':
      return 'Unexpected HTTP answer from';
    case 'body':
      return 'Unreadable answer from';
  }
}

/** Feishu codes with a meaning the client acts on. */
export const FeishuCode = {
  FREQUENCY_LIMIT: 99991400,
  QUOTA_EXHAUSTED: 99991403,
  TOKEN_MISSING: 99991661,
  /** The tenant access token is invalid or expired: fetch a new one, retry once. */
  TOKEN_INVALID: 99991663,
  /** A user access token expired: this connector sends none, but a fresh token is tried once as documented. */
  USER_TOKEN_EXPIRED: 99991677,
  NO_PERMISSION: 99991672,
  /** The user has not authorised the scope: a user-token code. */
  NO_PERMISSION_USER: 99991679,
  BAD_APP_ID: 10003,
  /** Seen in practice with msg "app secret invalid" (app not authorised or disabled). */
  BAD_APP_SECRET: 10014,
  WRONG_APP_SECRET: 10015,
  BAD_PARAMETER: 1390001,
  APPROVAL_NOT_FOUND: 1390002,
  /** Instance code unknown (deleted between list and detail); listed in the approval v4 error tables. */
  INSTANCE_NOT_FOUND: 1390003,
  /** HTTP 403: the app lacks the scope for this operation. */
  APPROVAL_NO_PERMISSION: 1390009,
  /** The approval definition was deleted; the list API still lists its instances. */
  DEFINITION_DELETED: 1390016,
  TRANSIENT: 1395001,
} as const;

/**
 * The permission scope an endpoint needs, when the answer names none (1390009 never does): the
 * bulk query has a scope of its own, and each contact endpoint needs its own on top of the base one.
 */
export function scopeFor(endpoint: string): string {
  if (/\/contact\/v3\/users\//.test(endpoint)) return 'contact:user.base:readonly and contact:contact.base:readonly';
  if (/\/contact\/v3\/departments\//.test(endpoint))
    return 'contact:department.base:readonly and contact:contact.base:readonly';
  return /\/instances\/query$/.test(endpoint) ? 'approval:approval.list:readonly' : 'approval:approval:readonly';
}

/**
 * The scope a permission error asks for: 99991672's msg names it ("One of the following scopes is
 * required: [contact:user.base:readonly]"); otherwise the endpoint's own (scopeFor).
 */
export function missingScopeOf(error: FeishuApiError): string {
  const named = /scopes? (?:is |are )?required:\s*\[([^\]]{1,300})\]/i.exec(error.msg)?.[1];
  const scopes = named
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => /^[a-z][\w.:-]*$/i.test(s));
  return scopes !== undefined && scopes.length > 0 ? scopes.join(' or ') : scopeFor(error.endpoint);
}

/** Codes after which a fresh tenant token is fetched and the request tried once more. */
export function isTokenError(code: number): boolean {
  return (
    code === FeishuCode.TOKEN_MISSING || code === FeishuCode.TOKEN_INVALID || code === FeishuCode.USER_TOKEN_EXPIRED
  );
}

/** The call failed because its approval definition was deleted (its instances stay listable). */
export function isDefinitionDeleted(error: unknown): error is FeishuApiError {
  return error instanceof FeishuApiError && error.code === FeishuCode.DEFINITION_DELETED;
}
