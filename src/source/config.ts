import { ConfigError } from '../kit/errors.js';
import { isRealDateTime } from '../kit/schema.js';

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
  requestsPerMinute: number;
  maxConcurrency: number;
  maxRetries: number;
  timeoutMs: number;
  retryBaseMs: number;
  detailRequestsPerSecond: number;
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
  const startMs = parseUtc(raw['start_date'] as string, 'start_date');
  const endMs = raw['end_date'] === undefined || raw['end_date'] === '' ? undefined : parseUtc(raw['end_date'] as string, 'end_date');
  if (endMs !== undefined && endMs <= startMs) {
    throw new ConfigError(`config.end_date '${String(raw['end_date'])}' must be after config.start_date '${String(raw['start_date'])}'.`);
  }
  return {
    appId: raw['app_id'] as string,
    appSecret: raw['app_secret'] as string,
    approvalCodes: (raw['approval_codes'] as string[]).map((code) => code.trim()),
    startMs,
    endMs,
    baseUrl: parseBaseUrl(raw['base_url'] as string, raw[TEST_ONLY_PLAIN_HTTP_HOST]),
    pageSize: raw['page_size'] as number,
    windowMs: (raw['window_hours'] as number) * 3_600_000,
    lookbackMs: (raw['lookback_minutes'] as number) * 60_000,
    requestsPerMinute: raw['requests_per_minute'] as number,
    maxConcurrency: raw['max_concurrency'] as number,
    maxRetries: raw['max_retries'] as number,
    timeoutMs: (raw['request_timeout_seconds'] as number) * 1000,
    retryBaseMs: raw['retry_initial_delay_ms'] as number,
    detailRequestsPerSecond: raw['detail_requests_per_second'] as number,
    detailConcurrency: raw['detail_max_concurrency'] as number,
    pendingMax: raw['pending_resync_max'] as number,
    pendingMaxAgeMs: (raw['pending_resync_max_age_days'] as number) * 86_400_000,
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
