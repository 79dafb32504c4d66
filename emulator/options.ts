/**
 * Emulator options: the public types, their defaults and validation.
 *
 * Options fall in two groups. Data-set options (seed, codes, counts, span, edge instances, pending
 * ratio) shape the generated instances and are fixed once the emulator exists; behaviour knobs
 * (latency, faults, per-endpoint limits, query lag, scopes and denied endpoints, TTLs, bounds,
 * quota, credentials) can be changed at run time through
 * `FeishuEmulator.configure` or `POST /_emulator/config`.
 */

import {
  HOSTILE_KEYS,
  cloneHostileOptions,
  defaultHostileOptions,
  hostileOptionProblem,
  isHostileKey,
  type HostileOptions,
} from './hostile-options.js';

/** How `start_time` / `end_time` filter an instance's creation time (undocumented by Feishu). */
export type BoundSemantics = 'inclusive' | 'end_exclusive' | 'start_exclusive';

export const BOUND_SEMANTICS: readonly BoundSemantics[] = ['inclusive', 'end_exclusive', 'start_exclusive'];

/** At most `limit` admitted requests in any sliding `windowMs` (see rate-limit.ts). */
export interface RateLimitOption {
  limit: number;
  windowMs: number;
}

/** null = unlimited; several windows must all admit (e.g. 1,000/min AND 50/s). */
export type RateLimitSetting = RateLimitOption | RateLimitOption[] | null;

/** API endpoints that can be denied (1390009, HTTP 403) to emulate a missing scope. */
export type DeniableEndpoint = 'list' | 'approval' | 'detail' | 'query' | 'taskSearch';

export const DENIABLE_ENDPOINTS: readonly DeniableEndpoint[] = ['list', 'approval', 'detail', 'query', 'taskSearch'];

/**
 * The contact scopes the app may lack (feishu-api-notes.md). Without the base scope neither contact
 * endpoint answers, without the user or department one its endpoint does not: each answers 99991672
 * naming the scope. Without contact:user.department:readonly users come back without department_ids.
 * (contact:user.employee_id:readonly is `employeeIdScope`, which also governs the details' user_id.)
 */
export type ContactScope =
  | 'contact:contact.base:readonly'
  | 'contact:user.base:readonly'
  | 'contact:department.base:readonly'
  | 'contact:user.department:readonly';

export const CONTACT_SCOPES: readonly ContactScope[] = [
  'contact:contact.base:readonly',
  'contact:user.base:readonly',
  'contact:department.base:readonly',
  'contact:user.department:readonly',
];

/** Hostile-mode switches (hostile-options.ts) are behaviour knobs too, all off by default. */
export interface EmulatorOptions extends HostileOptions {
  appId: string;
  appSecret: string;
  seed: number;
  approvalCodes: string[];
  codeCount: number;
  instancesPerCode: number;
  spanStartMs: number;
  spanEndMs: number;
  edgeInstancesEveryMs: number;
  latencyMs: number;
  tokenTtlSec: number;
  listRateLimit: RateLimitSetting;
  detailRateLimit: RateLimitSetting;
  /** The approval definition endpoint, counted apart from the list API. */
  approvalRateLimit: RateLimitSetting;
  /** POST /approval/v4/instances/query. */
  queryRateLimit: RateLimitSetting;
  /** POST /approval/v4/tasks/search. */
  taskSearchRateLimit: RateLimitSetting;
  /** GET /contact/v3/users/batch. */
  usersRateLimit: RateLimitSetting;
  /** GET /contact/v3/departments/batch, counted apart from the users endpoint. */
  departmentsRateLimit: RateLimitSetting;
  /** Contact scopes the app lacks (see ContactScope). */
  deniedScopes: ContactScope[];
  /** Share of the tenant's users outside the app's contact range: the users endpoint leaves them out. */
  contactOutOfRangeRatio: number;
  /** The bulk query and the task search answer as of this many ms ago (search-index lag). */
  queryLagMs: number;
  /** The app has contact:user.employee_id:readonly: details carry user_id (else it is ''). */
  employeeIdScope: boolean;
  /** Endpoints answering 1390009 (HTTP 403, no permission). */
  deniedEndpoints: DeniableEndpoint[];
  /** Approval codes whose definition (GET /approvals/:code) answers 1390009: a form the app may not read. */
  deniedDefinitions: string[];
  faultRate: number;
  htmlFaultRate: number;
  bounds: BoundSemantics;
  indexDelayMs: number;
  pageTokenTtlMs: number;
  maxRangeMs: number;
  maxPageSize: number;
  quotaExhausted: boolean;
  pendingRatio: number;
  /**
   * The moment the seeded instances' status model counts from (PENDING ones finish after it, final
   * ones finished before it); 0 = when the emulator starts listening. A fixed value makes every
   * detail independent of the wall clock once its instances are final (the sample data set).
   */
  seedAnchorMs: number;
}

export type OptionKey = keyof EmulatorOptions;

/** Options that shape the generated data set; they cannot change after construction. */
export const DATASET_KEYS: readonly OptionKey[] = [
  'seed',
  'approvalCodes',
  'codeCount',
  'instancesPerCode',
  'spanStartMs',
  'spanEndMs',
  'edgeInstancesEveryMs',
  'pendingRatio',
  'seedAnchorMs',
];

export const ALL_KEYS: readonly OptionKey[] = [
  'appId',
  'appSecret',
  'seed',
  'approvalCodes',
  'codeCount',
  'instancesPerCode',
  'spanStartMs',
  'spanEndMs',
  'edgeInstancesEveryMs',
  'latencyMs',
  'tokenTtlSec',
  'listRateLimit',
  'detailRateLimit',
  'approvalRateLimit',
  'queryRateLimit',
  'taskSearchRateLimit',
  'usersRateLimit',
  'departmentsRateLimit',
  'deniedScopes',
  'contactOutOfRangeRatio',
  'queryLagMs',
  'employeeIdScope',
  'deniedEndpoints',
  'deniedDefinitions',
  'faultRate',
  'htmlFaultRate',
  'bounds',
  'indexDelayMs',
  'pageTokenTtlMs',
  'maxRangeMs',
  'maxPageSize',
  'quotaExhausted',
  'pendingRatio',
  'seedAnchorMs',
  ...HOSTILE_KEYS,
];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Defaults. `approvalCodes` is left empty here: the real default is `codeCount` codes generated
 * from the seed, which the data set fills in (see dataset.ts).
 */
export function defaultOptions(nowMs: number = Date.now()): EmulatorOptions {
  return {
    appId: 'cli_emulator_app',
    appSecret: 'emulator-secret-0123456789',
    seed: 42,
    approvalCodes: [],
    codeCount: 2,
    instancesPerCode: 1000,
    spanStartMs: Math.floor((nowMs - 30 * DAY_MS) / HOUR_MS) * HOUR_MS,
    spanEndMs: nowMs - 60_000,
    edgeInstancesEveryMs: 0,
    latencyMs: 0,
    tokenTtlSec: 7200,
    // The documented limits per app and tenant (feishu-api-notes.md).
    listRateLimit: { limit: 100, windowMs: 60_000 },
    detailRateLimit: [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ],
    approvalRateLimit: { limit: 100, windowMs: 60_000 },
    queryRateLimit: [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ],
    taskSearchRateLimit: [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ],
    usersRateLimit: [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ],
    departmentsRateLimit: [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ],
    deniedScopes: [],
    contactOutOfRangeRatio: 0.1,
    queryLagMs: 0,
    employeeIdScope: false,
    deniedEndpoints: [],
    deniedDefinitions: [],
    faultRate: 0,
    htmlFaultRate: 0,
    bounds: 'inclusive',
    indexDelayMs: 0,
    pageTokenTtlMs: 0,
    maxRangeMs: 36_000_000,
    maxPageSize: 100,
    quotaExhausted: false,
    pendingRatio: 0.3,
    seedAnchorMs: 0,
    ...defaultHostileOptions(),
  };
}

/** Thrown for option values that make no sense; the admin endpoint turns it into HTTP 400. */
export class OptionError extends Error {
  override name = 'OptionError';
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function checkNonNegativeInt(key: string, value: unknown): void {
  if (!isInt(value) || value < 0) throw new OptionError(`${key} must be a non-negative integer`);
}

function checkPositiveInt(key: string, value: unknown): void {
  if (!isInt(value) || value < 1) throw new OptionError(`${key} must be a positive integer`);
}

function checkRate(key: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new OptionError(`${key} must be a number in [0, 1)`);
  }
}

function checkRateLimit(key: string, value: unknown): void {
  if (value === null) return;
  const windows: unknown[] = Array.isArray(value) ? value : [value];
  windows.forEach((w, i) => {
    const at = Array.isArray(value) ? `${key}[${i}]` : key;
    if (typeof w !== 'object' || w === null)
      throw new OptionError(`${at} must be null, {limit, windowMs} or a list of them`);
    const v = w as Record<string, unknown>;
    checkPositiveInt(`${at}.limit`, v['limit']);
    checkPositiveInt(`${at}.windowMs`, v['windowMs']);
    if ((v['limit'] as number) > 1_000_000) throw new OptionError(`${at}.limit must be <= 1000000`);
  });
}

function cloneRate(setting: RateLimitSetting): RateLimitSetting {
  if (setting === null) return null;
  return Array.isArray(setting) ? setting.map((w) => ({ ...w })) : { ...setting };
}

/** Validates one option value; throws OptionError. Kept per key so partial updates reuse it. */
export function validateOption(key: OptionKey, value: unknown): void {
  if (isHostileKey(key)) {
    const problem = hostileOptionProblem(key, value);
    if (problem) throw new OptionError(problem);
    return;
  }
  switch (key) {
    case 'appId':
    case 'appSecret':
      if (typeof value !== 'string' || value.length === 0) throw new OptionError(`${key} must be a non-empty string`);
      return;
    case 'seed':
      if (!isInt(value)) throw new OptionError('seed must be an integer');
      return;
    case 'approvalCodes':
      if (!Array.isArray(value) || !value.every((c) => typeof c === 'string' && c.length > 0)) {
        throw new OptionError('approvalCodes must be an array of non-empty strings');
      }
      if (new Set(value).size !== value.length) throw new OptionError('approvalCodes must be unique');
      return;
    case 'codeCount':
    case 'instancesPerCode':
    case 'edgeInstancesEveryMs':
    case 'latencyMs':
    case 'indexDelayMs':
    case 'pageTokenTtlMs':
    case 'seedAnchorMs':
      checkNonNegativeInt(key, value);
      return;
    case 'spanStartMs':
    case 'spanEndMs':
      if (!isInt(value)) throw new OptionError(`${key} must be an integer (ms since epoch)`);
      return;
    case 'tokenTtlSec':
    case 'maxRangeMs':
    case 'maxPageSize':
      checkPositiveInt(key, value);
      return;
    case 'listRateLimit':
    case 'detailRateLimit':
    case 'approvalRateLimit':
    case 'queryRateLimit':
    case 'taskSearchRateLimit':
    case 'usersRateLimit':
    case 'departmentsRateLimit':
      checkRateLimit(key, value);
      return;
    case 'deniedScopes':
      if (!Array.isArray(value) || !value.every((e) => CONTACT_SCOPES.includes(e as ContactScope))) {
        throw new OptionError(`deniedScopes must be a list of ${CONTACT_SCOPES.join(', ')}`);
      }
      return;
    case 'contactOutOfRangeRatio':
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new OptionError('contactOutOfRangeRatio must be a number in [0, 1]');
      }
      return;
    case 'queryLagMs':
      checkNonNegativeInt(key, value);
      return;
    case 'employeeIdScope':
      if (typeof value !== 'boolean') throw new OptionError('employeeIdScope must be a boolean');
      return;
    case 'deniedEndpoints':
      if (!Array.isArray(value) || !value.every((e) => DENIABLE_ENDPOINTS.includes(e as DeniableEndpoint))) {
        throw new OptionError(`deniedEndpoints must be a list of ${DENIABLE_ENDPOINTS.join(', ')}`);
      }
      return;
    case 'deniedDefinitions':
      if (!Array.isArray(value) || !value.every((c) => typeof c === 'string' && c.length > 0)) {
        throw new OptionError('deniedDefinitions must be a list of approval codes');
      }
      return;
    case 'faultRate':
    case 'htmlFaultRate':
      checkRate(key, value);
      return;
    case 'pendingRatio':
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new OptionError('pendingRatio must be a number in [0, 1]');
      }
      return;
    case 'bounds':
      if (!BOUND_SEMANTICS.includes(value as BoundSemantics)) {
        throw new OptionError(`bounds must be one of ${BOUND_SEMANTICS.join(', ')}`);
      }
      return;
    case 'quotaExhausted':
      if (typeof value !== 'boolean') throw new OptionError('quotaExhausted must be a boolean');
      return;
  }
}

export function isOptionKey(key: string): key is OptionKey {
  return (ALL_KEYS as readonly string[]).includes(key);
}

/**
 * Checks a partial option object coming from an untrusted source (HTTP admin endpoint): only known
 * keys, each valid. Undefined values are dropped so `{latencyMs: undefined}` means "unchanged".
 */
export function validatePartial(partial: Partial<EmulatorOptions> | Record<string, unknown>): Partial<EmulatorOptions> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!isOptionKey(key)) throw new OptionError(`unknown option: ${key}`);
    validateOption(key, value);
    out[key] = value;
  }
  return out;
}

/** Cross-field checks that only make sense on a complete option set. */
function validateWhole(options: EmulatorOptions): void {
  if (options.spanEndMs < options.spanStartMs) throw new OptionError('spanEndMs must be >= spanStartMs');
  if (options.faultRate + options.htmlFaultRate >= 1) {
    throw new OptionError('faultRate + htmlFaultRate must stay below 1');
  }
}

/** Deep-ish copy so callers never share mutable rate-limit objects or the code array with us. */
export function cloneOptions(options: EmulatorOptions): EmulatorOptions {
  return {
    ...options,
    ...cloneHostileOptions(options),
    approvalCodes: [...options.approvalCodes],
    listRateLimit: cloneRate(options.listRateLimit),
    detailRateLimit: cloneRate(options.detailRateLimit),
    approvalRateLimit: cloneRate(options.approvalRateLimit),
    queryRateLimit: cloneRate(options.queryRateLimit),
    taskSearchRateLimit: cloneRate(options.taskSearchRateLimit),
    usersRateLimit: cloneRate(options.usersRateLimit),
    departmentsRateLimit: cloneRate(options.departmentsRateLimit),
    deniedScopes: [...options.deniedScopes],
    deniedEndpoints: [...options.deniedEndpoints],
    deniedDefinitions: [...options.deniedDefinitions],
  };
}

/** Defaults overlaid with the caller's partial options, validated. */
export function resolveOptions(partial: Partial<EmulatorOptions> = {}, nowMs: number = Date.now()): EmulatorOptions {
  const merged = cloneOptions({ ...defaultOptions(nowMs), ...validatePartial(partial) });
  validateWhole(merged);
  return merged;
}

/**
 * Applies a run-time update. Data-set keys may be passed only with their current value (so a
 * caller can round-trip the effective options), anything else about them is refused.
 */
export function applyRuntimeUpdate(current: EmulatorOptions, partial: Partial<EmulatorOptions>): EmulatorOptions {
  const update = validatePartial(partial);
  for (const key of DATASET_KEYS) {
    if (!(key in update)) continue;
    if (JSON.stringify(update[key]) !== JSON.stringify(current[key])) {
      throw new OptionError(`${key} shapes the data set and cannot be changed at run time`);
    }
  }
  const next = cloneOptions({ ...current, ...update });
  validateWhole(next);
  return next;
}
