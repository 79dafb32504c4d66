import { FeishuApiError, FeishuCode } from '../../feishu/errors.js';

/** What one probe of an endpoint found. */
export type ProbeResult =
  | { kind: 'ok' }
  /** Feishu refused for a missing scope (1390009, 99991672, 99991679). */
  | { kind: 'denied'; error: FeishuApiError }
  /** Anything else that kept the endpoint from answering (an outage, a bad answer). */
  | { kind: 'failed'; error: unknown }
  | { kind: 'skipped'; reason: string };

export const OK: ProbeResult = { kind: 'ok' };

/** Feishu refused the call for a scope the app lacks. */
export function isScopeMissing(error: unknown): error is FeishuApiError {
  return (
    error instanceof FeishuApiError &&
    (error.code === FeishuCode.APPROVAL_NO_PERMISSION ||
      error.code === FeishuCode.NO_PERMISSION ||
      error.code === FeishuCode.NO_PERMISSION_USER)
  );
}

/** A failed call as a probe's finding. */
export function failure(error: unknown): ProbeResult {
  return isScopeMissing(error) ? { kind: 'denied', error } : { kind: 'failed', error };
}
