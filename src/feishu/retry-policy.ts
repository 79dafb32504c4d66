import { FeishuApiError, FeishuCode, FeishuTransportError, isTokenError } from './errors.js';

export type RetryDecision =
  | { kind: 'retry'; minDelayMs: number; throttled: boolean; cause: string }
  | { kind: 'refresh-token'; cause: string }
  | { kind: 'fail' };

/**
 * What to do after a failed request. Pure: the caller owns the clock and the
 * attempt count. Codes that a retry cannot fix (quota, bad parameters, unknown
 * approval code, bad credentials, missing permission) fail at once.
 */
export function classifyFailure(error: unknown): RetryDecision {
  if (error instanceof FeishuApiError) {
    if (
      error.code === FeishuCode.FREQUENCY_LIMIT ||
      (error.httpStatus === 429 && error.code !== FeishuCode.QUOTA_EXHAUSTED)
    ) {
      const resetMs = (error.rateLimitResetSec ?? 1) * 1000;
      return { kind: 'retry', minDelayMs: resetMs, throttled: true, cause: `frequency limit ${error.code}` };
    }
    if (isTokenError(error.code)) return { kind: 'refresh-token', cause: `token rejected ${error.code}` };
    if (error.code === FeishuCode.TRANSIENT)
      return { kind: 'retry', minDelayMs: 0, throttled: false, cause: `transient error ${error.code}` };
    // Unknown codes on a 5xx are server trouble, not our request's fault.
    if (error.httpStatus >= 500)
      return { kind: 'retry', minDelayMs: 0, throttled: false, cause: `HTTP ${error.httpStatus} code ${error.code}` };
    return { kind: 'fail' };
  }
  if (error instanceof FeishuTransportError) {
    if (
      error.failure === 'http' &&
      error.httpStatus !== undefined &&
      error.httpStatus < 500 &&
      error.httpStatus !== 429
    )
      return { kind: 'fail' };
    const cause = error.failure === 'http' ? `HTTP ${error.httpStatus ?? '?'}` : error.failure;
    return { kind: 'retry', minDelayMs: 0, throttled: false, cause };
  }
  return { kind: 'fail' };
}

/**
 * Exponential backoff with full jitter (a random delay in [0, base·2^attempt],
 * capped), so many concurrent requests that failed together do not retry
 * together. `attempt` counts from 0. `random` is injectable for tests.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  minDelayMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.max(minDelayMs, Math.floor(random() * ceiling));
}
