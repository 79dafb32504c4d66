import type { EndpointLimit } from '../../feishu/budgets.js';
import type { Logger } from '../../kit/emitter.js';
import { ConfigError } from '../../kit/errors.js';
import { isRealDateTime } from '../../kit/schema.js';
import { readSpecConfig } from './spec-fields.js';

/** The connector's configuration after the spec's schema and the checks below. */
export interface FeishuApprovalConfig {
  appId: string;
  appSecret: string;
  /** Trimmed, each once, in the order first given. */
  approvalCodes: string[];
  /** Codes the config named more than once (after trimming); read and check WARN about each. */
  repeatedCodes: string[];
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
  limits: Record<'approval' | 'detail' | 'query' | 'users' | 'departments', EndpointLimit>;
  maxConcurrency: number;
  maxRetries: number;
  timeoutMs: number;
  retryBaseMs: number;
  detailConcurrency: number;
  /** Instances created within this span are re-checked for status changes; 0 = off. */
  statusRecheckMs: number;
  /** Caps of the waits Feishu asks for (x-ogw-ratelimit-reset): each one, and all of one sync together. */
  serverWaitMaxMs: number;
  serverWaitTotalMs: number;
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
    ...distinctCodes(spec.approval_codes),
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
      // Feishu counts each contact endpoint apart; one setting gives each the same budget.
      users: { perMinute: spec.contact_requests_per_minute, perSecond: spec.contact_requests_per_second },
      departments: { perMinute: spec.contact_requests_per_minute, perSecond: spec.contact_requests_per_second },
    },
    maxConcurrency: spec.max_concurrency,
    maxRetries: spec.max_retries,
    timeoutMs: spec.request_timeout_seconds * 1000,
    retryBaseMs: spec.retry_initial_delay_ms,
    detailConcurrency: spec.detail_max_concurrency,
    statusRecheckMs: spec.status_recheck_days * 86_400_000,
    serverWaitMaxMs: spec.rate_limit_wait_max_seconds * 1000,
    serverWaitTotalMs: spec.rate_limit_wait_total_seconds * 1000,
  };
}

/** The approval codes trimmed, each kept once; a code empty once trimmed is a config error. */
export function distinctCodes(raw: string[]): { approvalCodes: string[]; repeatedCodes: string[] } {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  raw.forEach((value, i) => {
    const code = value.trim();
    if (code === '')
      throw new ConfigError(`config.approval_codes[${i}] is blank; remove it or fill in an approval code.`);
    (seen.has(code) ? repeated : seen).add(code);
  });
  return { approvalCodes: [...seen], repeatedCodes: [...repeated] };
}

/** One WARN per approval code the config repeats: it is read once. */
export function warnRepeatedCodes(config: FeishuApprovalConfig, logger: Logger): void {
  for (const code of config.repeatedCodes)
    logger.warn(`config.approval_codes names '${code}' more than once; it is read once.`);
}

/** The forms start_date and end_date accept, as messages name them (the spec's pattern_descriptor). */
export const UTC_FORMS = 'YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ';

/** A date alone means midnight UTC; the pattern already forbids offsets other than Z. */
export function parseUtc(value: string, field: string): number {
  const ms = Date.parse(/T/.test(value) ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(ms) || !isRealDateTime(value))
    throw new ConfigError(
      `config.${field} '${value}' is not a real date or time: write it as ${UTC_FORMS} (UTC), e.g. 2024-01-31 or 2024-01-31T08:00:00Z.`,
    );
  return ms;
}

function parseBaseUrl(value: string, plainHttpTestHost: unknown): string {
  // Shown in every message below with any user:password@ masked: the value itself may hold a secret.
  const shown = maskUserinfo(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`config.base_url '${shown}' is not a URL (expected e.g. https://open.feishu.cn).`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      `config.base_url '${shown}' must not hold credentials (user:password@): the connector signs in with app_id and app_secret only. Remove them from the URL.`,
    );
  }
  const plainHttpOk =
    LOOPBACK.has(url.hostname) ||
    (typeof plainHttpTestHost === 'string' && plainHttpTestHost.toLowerCase() === url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && plainHttpOk)) {
    throw new ConfigError(
      // Never name the test-only key here: this message is what a user reads, and the key would teach them to
      // send the app secret over plain http.
      `config.base_url '${shown}' must use https: the app secret is sent to this host, and Feishu and Lark serve their Open API over https (e.g. https://open.feishu.cn). Change the URL to start with https://.`,
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError(`config.base_url '${url.origin}' must be a plain origin without query or fragment.`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** `value` with whatever stands before an '@' in its authority replaced by ****. */
export function maskUserinfo(value: string): string {
  return value.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}****@`,
  );
}
