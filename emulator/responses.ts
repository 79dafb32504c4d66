/**
 * Response values and the Feishu error bodies the emulator produces. Handlers return these plain
 * values; only server.ts writes them to the socket, which keeps handlers free of I/O.
 */

export interface JsonResult {
  kind: 'json';
  status: number;
  body: { code: number; msg: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface HtmlResult {
  kind: 'html';
  status: number;
  html: string;
}

export type ApiResult = JsonResult | HtmlResult;

export function ok(data: Record<string, unknown>, msg = 'success'): JsonResult {
  return { kind: 'json', status: 200, body: { code: 0, msg, data } };
}

export function fail(status: number, code: number, msg: string, headers?: Record<string, string>): JsonResult {
  return headers
    ? { kind: 'json', status, body: { code, msg }, headers }
    : { kind: 'json', status, body: { code, msg } };
}

// Gateway-wide errors (see feishu-api-notes.md).
export const quotaExhausted = (): JsonResult =>
  fail(429, 99991403, 'request denied: the monthly quota exhausted for this tenant, please upgrade your plan');
export const missingToken = (): JsonResult =>
  fail(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
export const invalidToken = (): JsonResult =>
  fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
/** The notes: 99991663 is the invalid OR expired tenant token; 99991677 is the user token's code, never sent here. */
export const expiredToken = (): JsonResult =>
  fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
export const rateLimited = (limit: number, resetSec: number): JsonResult =>
  fail(429, 99991400, 'request trigger frequency limit', {
    'x-ogw-ratelimit-limit': String(limit),
    'x-ogw-ratelimit-reset': String(resetSec),
  });
export const transientFault = (): JsonResult =>
  fail(400, 1395001, 'There have been some errors. Please try again later');
export const badGatewayHtml = (): HtmlResult => ({
  kind: 'html',
  status: 502,
  html: '<html><body><h1>502 Bad Gateway</h1></body></html>',
});
export const notFound = (): JsonResult => fail(404, 404, 'not found');

// Token endpoint errors.
export const invalidAppParam = (): JsonResult => fail(400, 10003, 'invalid param');
export const invalidAppSecret = (): JsonResult => fail(400, 10014, 'app secret invalid');

// Approval API errors (seed: approval-v4-instances-list.md).
export const paramInvalid = (detail?: string): JsonResult =>
  fail(400, 1390001, detail ? `param is invalid: ${detail}` : 'param is invalid');
export const approvalNotFound = (): JsonResult => fail(400, 1390002, 'approval code not found');
/**
 * Unknown or deleted instance. 1390003 "instance code not found" is listed in the approval v4
 * error-code tables (e.g. the mirror of the approval v4 search_cc page at
 * feishu.apifox.cn/api-59948051, same table family as the list API's); the instance-get page
 * itself was not available to confirm it, so it is the best-supported choice, not a certainty.
 */
export const instanceNotFound = (): JsonResult => fail(400, 1390003, 'instance code not found');

/** The approval definition was deleted (its instances stay listable). */
export const definitionDeleted = (): JsonResult => fail(400, 1390016, 'approval is deleted');
/** The app lacks the permission (scope) for this operation. */
export const noPermission = (): JsonResult => fail(403, 1390009, 'no permission to operate');
