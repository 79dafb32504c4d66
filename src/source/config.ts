import type { EndpointLimit } from '../feishu/budgets.js';
import { ConfigError } from '../kit/errors.js';
import { isRealDateTime } from '../kit/schema.js';
import { readSpecConfig } from './spec-fields.js';

/** The connector's configuration after the spec's schema and the checks below. */
export interface FeishuApprovalConfig {
  appId: string;
  appSecret: string;
  approvalCodes: string[];
  startMs: number;
  /** Undefined: read up to the moment each sync starts. */
  endMs: number | undefined;
  baseUrl: string;
  pageSize: number;
  windowMs: number;
  lookbackMs: number;
  /** The list API's budget per minute. */
  requestsPerMinute: number;
  /** Every other endpoint's budget, as the spec's *_requests_per_* fields give it. */
  limits: Record<'approval' | 'detail' | 'query', EndpointLimit>;
  maxConcurrency: number;
  maxRetries: number;
  timeoutMs: number;
  retryBaseMs: number;
  detailConcurrency: number;
  pendingMax: number;
  pendingMaxAgeMs: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/**
 * Test-only key, deliberately not in the spec (so not in the UI): the one host, besides loopback,
 * that may be reached over plain http. Airbyte's acceptance tests need it because their container
 * network reaches the sample emulator under a name such as host.docker.internal.
 */
export const TEST_ONLY_PLAIN_HTTP_HOST = 'test_only_plain_http_host';

/**
 * Checks the schema cannot express, on a config that already passed it (so
 * every defaulted field is present). Each message names the field and value.
 */
export function parseConfig(raw: Record<string, unknown>): FeishuApprovalConfig {
  const spec = readSpecConfig(raw);
  const startMs = parseUtc(spec.start_date, 'start_date');
  const endMs = spec.end_date === undefined || spec.end_date === '' ? undefined : parseUtc(spec.end_date, 'end_date');
  if (endMs !== undefined && endMs <= startMs) {
    throw new ConfigError(`config.end_date '${spec.end_date}' must be after config.start_date '${spec.start_date}'.`);
  }
  return {
    appId: spec.app_id,
    appSecret: spec.app_secret,
    approvalCodes: spec.approval_codes.map((code) => code.trim()),
    startMs,
    endMs,
    baseUrl: parseBaseUrl(spec.base_url, raw[TEST_ONLY_PLAIN_HTTP_HOST]),
    pageSize: spec.page_size,
    windowMs: spec.window_hours * 3_600_000,
    lookbackMs: spec.lookback_minutes * 60_000,
    requestsPerMinute: spec.requests_per_minute,
    limits: {
      approval: { perMinute: spec.approval_requests_per_minute },
      detail: { perMinute: spec.detail_requests_per_minute, perSecond: spec.detail_requests_per_second },
      query: { perMinute: spec.query_requests_per_minute, perSecond: spec.query_requests_per_second },
    },
    maxConcurrency: spec.max_concurrency,
    maxRetries: spec.max_retries,
    timeoutMs: spec.request_timeout_seconds * 1000,
    retryBaseMs: spec.retry_initial_delay_ms,
    detailConcurrency: spec.detail_max_concurrency,
    pendingMax: spec.pending_resync_max,
    pendingMaxAgeMs: spec.pending_resync_max_age_days * 86_400_000,
  };
}

/** A date alone means midnight UTC; the pattern already forbids offsets other than Z. */
export function parseUtc(value: string, field: string): number {
  const ms = Date.parse(/T/.test(value) ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(ms) || !isRealDateTime(value)) throw new ConfigError(`config.${field} '${value}' is not a valid UTC date-time.`);
  return ms;
}

function parseBaseUrl(value: string, plainHttpTestHost: unknown): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`config.base_url '${value}' is not a URL (expected e.g. https://open.feishu.cn).`);
  }
  const plainHttpOk = LOOPBACK.has(url.hostname) || (typeof plainHttpTestHost === 'string' && plainHttpTestHost.toLowerCase() === url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && plainHttpOk)) {
    throw new ConfigError(
      `config.base_url '${value}' must use https (plain http is allowed only for localhost / 127.0.0.1, or the host named by the test-only key ${TEST_ONLY_PLAIN_HTTP_HOST}).`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`config.base_url '${url.origin}' must be a plain origin without credentials, query or fragment.`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}
