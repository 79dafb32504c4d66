import { ConfigError } from '../../kit/errors.js';

/**
 * The fields of spec/spec.json's connectionSpecification and their JSON
 * types: the one place the TypeScript config type meets the schema
 * (test/spec-fields.test.ts fails when the two drift apart). Optional
 * fields are those the spec neither requires nor defaults.
 */
export const SPEC_FIELDS = {
  app_id: 'string',
  app_secret: 'string',
  approval_codes: 'string[]',
  start_date: 'string',
  end_date: 'string?',
  base_url: 'string',
  page_size: 'integer',
  window_hours: 'integer',
  lookback_minutes: 'integer',
  requests_per_minute: 'integer',
  approval_requests_per_minute: 'integer',
  max_concurrency: 'integer',
  max_retries: 'integer',
  request_timeout_seconds: 'integer',
  retry_initial_delay_ms: 'integer',
  detail_requests_per_minute: 'integer',
  detail_requests_per_second: 'integer',
  detail_max_concurrency: 'integer',
  query_requests_per_minute: 'integer',
  query_requests_per_second: 'integer',
  contact_requests_per_minute: 'integer',
  contact_requests_per_second: 'integer',
  status_recheck_days: 'integer',
  rate_limit_wait_max_seconds: 'integer',
  rate_limit_wait_total_seconds: 'integer',
} as const;

export type SpecFieldKind = (typeof SPEC_FIELDS)[keyof typeof SPEC_FIELDS];

type ValueOf<K extends SpecFieldKind> = K extends 'string'
  ? string
  : K extends 'string?'
    ? string | undefined
    : K extends 'string[]'
      ? string[]
      : number;

/** The raw config as the spec's schema (with its defaults filled in) guarantees it. */
export type SpecConfig = { [F in keyof typeof SPEC_FIELDS]: ValueOf<(typeof SPEC_FIELDS)[F]> };

/**
 * Checks each field's type instead of trusting a cast. The schema has already
 * run, so a failure here means the spec and SPEC_FIELDS disagree; the message
 * names the field but never echoes a value (it may be a secret).
 */
export function readSpecConfig(raw: Record<string, unknown>): SpecConfig {
  const checked: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(SPEC_FIELDS)) {
    const value = raw[field];
    if (!hasKind(value, kind))
      throw new ConfigError(
        `config.${field} must be ${describeKind(kind)}; got ${Array.isArray(value) ? 'an array' : typeof value}.`,
      );
    checked[field] = value;
  }
  // Every field of SpecConfig was checked against its kind just above.
  return checked as SpecConfig;
}

function hasKind(value: unknown, kind: SpecFieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'string?':
      return value === undefined || typeof value === 'string';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'integer':
      return Number.isInteger(value);
  }
}

function describeKind(kind: SpecFieldKind): string {
  return {
    string: 'a string',
    'string?': 'a string or absent',
    'string[]': 'an array of strings',
    integer: 'an integer',
  }[kind];
}
