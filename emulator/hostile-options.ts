/**
 * Hostile-mode options: switches that make the emulator misbehave the way a broken or hostile
 * Feishu server could (issue 17). Every one is off by default, settable at construction, through
 * CLI flags (hostile-cli.ts) and at run time (`configure` / `POST /_emulator/config`).
 *
 * One table (HOSTILE_SPECS) drives defaults, validation, CLI flags and --help, so a new switch is
 * one row plus its behaviour in hostile.ts. This file imports nothing from options.ts so the two
 * cannot form an import cycle; options.ts folds these keys into EmulatorOptions.
 */

/**
 * Which instances a per-instance misbehaviour hits: a share in [0, 1] (0 = none, 1 = all, chosen
 * by a stable hash of the instance code, see isTargeted) or an explicit list of instance codes.
 */
export type InstanceTarget = number | string[];

export interface HostileOptions {
  /** List answers code 0 without `data`. */
  hostileListNoData: boolean;
  /** List `data.instance_code_list` is null. */
  hostileListNullCodes: boolean;
  /** List `data.has_more` is the string "true" / "false". */
  hostileListHasMoreString: boolean;
  /** A number is inserted in the middle of `data.instance_code_list`. */
  hostileListNonStringCode: boolean;
  /** A page with has_more true carries no `page_token` field. */
  hostileListNoPageToken: boolean;
  /** Every list page says has_more true with a fresh page token; past the end pages are empty. */
  hostileListEndless: boolean;
  /** 0 = off; N >= 1: page tokens cycle among N tokens forever, each page replaying the first. */
  hostileListTokenCycle: number;
  /** 0 = off; else the list body is written one byte every N ms (headers at once). */
  hostileListTrickleMs: number;
  /** Detail answers code 0 without `data`. */
  hostileDetailNoData: boolean;
  /** 0 = off; else the detail body is written one byte every N ms (headers at once). */
  hostileDetailTrickleMs: number;
  /** These instances' detail always answers 1395001 (a detail that fails for good). */
  hostileDetailFail: InstanceTarget;
  /** Detail `start_time` is "99999999999999999" (beyond any Date). */
  hostilePoisonTimeHuge: InstanceTarget;
  /** Detail `start_time` is "abc". */
  hostilePoisonTimeText: InstanceTarget;
  /** Detail `form` is valid JSON nested 10,000 levels deep. */
  hostilePoisonDeepForm: InstanceTarget;
  /** Detail `form` is not JSON. */
  hostilePoisonFormNotJson: InstanceTarget;
  /** Detail `status` is a value Feishu never documented. */
  hostilePoisonUnknownStatus: InstanceTarget;
  /** Detail keeps only `instance_code` and `approval_code`; every other field is missing. */
  hostilePoisonMissingFields: InstanceTarget;
  /** Detail form: the amount widget holds "about 12 yuan" and the date widget "soon" (values of the wrong type). */
  hostilePoisonWidgetValue: InstanceTarget;
  /** 0 = off; else every 99991400 answer says `x-ogw-ratelimit-reset: N` (seconds). */
  hostileRateLimitResetSec: number;
  /** 0 = off; else every Nth list/detail/approval request is refused with 99991400. */
  hostileRateLimitEvery: number;
  /** Approval codes the list switches (hostileList*) apply to; empty = every code. */
  hostileListScope: string[];
  /** 0 = off; else the list switches apply only to queries whose start_time is before this epoch ms (older ranges, e.g. a recheck's). */
  hostileListStartBeforeMs: number;
  /** Every bulk query page says has_more with the page token "hostile-repeat"; that token answers an empty page handing it out again. */
  hostileQueryTokenRepeat: boolean;
  /** Error answers' `msg` echoes the request: method, path and query, Authorization, body. */
  hostileEchoRequest: boolean;
}

export type HostileKey = keyof HostileOptions;

/**
 * 'switch' = boolean, 'count' = non-negative integer (0 = off), 'target' = InstanceTarget,
 * 'codes' = a list of approval codes (empty = all).
 */
export type HostileKind = 'switch' | 'count' | 'target' | 'codes';

export interface HostileSpec {
  key: HostileKey;
  kind: HostileKind;
  /** CLI flag without the leading dashes. */
  flag: string;
  /** One line for --help. */
  help: string;
}

export const HOSTILE_SPECS: readonly HostileSpec[] = [
  { key: 'hostileListNoData', kind: 'switch', flag: 'hostile-list-no-data', help: 'list answers code 0 without data' },
  {
    key: 'hostileListNullCodes',
    kind: 'switch',
    flag: 'hostile-list-null-codes',
    help: 'list instance_code_list is null',
  },
  {
    key: 'hostileListHasMoreString',
    kind: 'switch',
    flag: 'hostile-list-has-more-string',
    help: 'list has_more is "true"/"false"',
  },
  {
    key: 'hostileListNonStringCode',
    kind: 'switch',
    flag: 'hostile-list-non-string-code',
    help: 'a number inside instance_code_list',
  },
  {
    key: 'hostileListNoPageToken',
    kind: 'switch',
    flag: 'hostile-list-no-page-token',
    help: 'has_more true without page_token',
  },
  {
    key: 'hostileListEndless',
    kind: 'switch',
    flag: 'hostile-list-endless',
    help: 'every page has more, with a new page token',
  },
  {
    key: 'hostileListTokenCycle',
    kind: 'count',
    flag: 'hostile-list-token-cycle',
    help: 'page tokens cycle A,B,..,A (N tokens)',
  },
  {
    key: 'hostileListTrickleMs',
    kind: 'count',
    flag: 'hostile-list-trickle-ms',
    help: 'list body one byte every N ms',
  },
  {
    key: 'hostileDetailNoData',
    kind: 'switch',
    flag: 'hostile-detail-no-data',
    help: 'detail answers code 0 without data',
  },
  {
    key: 'hostileDetailTrickleMs',
    kind: 'count',
    flag: 'hostile-detail-trickle-ms',
    help: 'detail body one byte every N ms',
  },
  { key: 'hostileDetailFail', kind: 'target', flag: 'hostile-detail-fail', help: 'detail always answers 1395001' },
  {
    key: 'hostilePoisonTimeHuge',
    kind: 'target',
    flag: 'hostile-poison-time-huge',
    help: 'start_time "99999999999999999"',
  },
  { key: 'hostilePoisonTimeText', kind: 'target', flag: 'hostile-poison-time-text', help: 'start_time "abc"' },
  {
    key: 'hostilePoisonDeepForm',
    kind: 'target',
    flag: 'hostile-poison-deep-form',
    help: 'form nested 10,000 levels deep',
  },
  { key: 'hostilePoisonFormNotJson', kind: 'target', flag: 'hostile-poison-form-not-json', help: 'form is not JSON' },
  {
    key: 'hostilePoisonUnknownStatus',
    kind: 'target',
    flag: 'hostile-poison-unknown-status',
    help: 'status "SUSPENDED"',
  },
  {
    key: 'hostilePoisonMissingFields',
    kind: 'target',
    flag: 'hostile-poison-missing-fields',
    help: 'only instance/approval code left',
  },
  {
    key: 'hostilePoisonWidgetValue',
    kind: 'target',
    flag: 'hostile-poison-widget-value',
    help: 'amount widget "about 12 yuan", date widget "soon"',
  },
  {
    key: 'hostileRateLimitResetSec',
    kind: 'count',
    flag: 'hostile-rate-limit-reset-sec',
    help: '99991400 answers say reset N s',
  },
  {
    key: 'hostileRateLimitEvery',
    kind: 'count',
    flag: 'hostile-rate-limit-every',
    help: 'every Nth API request gets 99991400',
  },
  {
    key: 'hostileListScope',
    kind: 'codes',
    flag: 'hostile-list-scope',
    help: 'approval codes the list switches hit (default all)',
  },
  {
    key: 'hostileListStartBeforeMs',
    kind: 'count',
    flag: 'hostile-list-start-before-ms',
    help: 'list switches only for start_time before this epoch ms',
  },
  {
    key: 'hostileQueryTokenRepeat',
    kind: 'switch',
    flag: 'hostile-query-token-repeat',
    help: 'bulk query pages repeat one page token',
  },
  {
    key: 'hostileEchoRequest',
    kind: 'switch',
    flag: 'hostile-echo-request',
    help: 'error msg echoes the request (secrets too)',
  },
];

export const HOSTILE_KEYS: readonly HostileKey[] = HOSTILE_SPECS.map((s) => s.key);

const SPEC_BY_KEY = new Map<string, HostileSpec>(HOSTILE_SPECS.map((s) => [s.key, s]));

export function isHostileKey(key: string): key is HostileKey {
  return SPEC_BY_KEY.has(key);
}

/** Everything off. */
export function defaultHostileOptions(): HostileOptions {
  const out: Record<string, unknown> = {};
  for (const spec of HOSTILE_SPECS) out[spec.key] = spec.kind === 'switch' ? false : spec.kind === 'codes' ? [] : 0;
  return out as unknown as HostileOptions;
}

function isTarget(value: unknown): value is InstanceTarget {
  if (typeof value === 'number') return value >= 0 && value <= 1;
  return Array.isArray(value) && value.every((c) => typeof c === 'string' && c.length > 0);
}

/** Why `value` is not acceptable for `key`, or undefined when it is (options.ts throws). */
export function hostileOptionProblem(key: HostileKey, value: unknown): string | undefined {
  const kind = SPEC_BY_KEY.get(key)?.kind;
  if (kind === 'switch') return typeof value === 'boolean' ? undefined : `${key} must be a boolean`;
  if (kind === 'count') {
    const ok = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    return ok ? undefined : `${key} must be a non-negative integer (0 = off)`;
  }
  if (kind === 'codes') {
    const ok = Array.isArray(value) && value.every((c) => typeof c === 'string' && c.length > 0);
    return ok ? undefined : `${key} must be an array of approval codes`;
  }
  return isTarget(value) ? undefined : `${key} must be a share in [0, 1] or an array of instance codes`;
}

/** Copies the target arrays so callers never share them with the emulator. */
export function cloneHostileOptions(options: HostileOptions): HostileOptions {
  const out: Record<string, unknown> = { ...options };
  for (const spec of HOSTILE_SPECS) {
    const value = options[spec.key];
    if (Array.isArray(value)) out[spec.key] = [...value];
  }
  return out as unknown as HostileOptions;
}

/** FNV-1a of `label:code`, as a float in [0, 1): a stable per-instance, per-switch draw. */
function stableDraw(label: string, instanceCode: string): number {
  const text = `${label}:${instanceCode}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/**
 * Whether `target` (the value of option `key`) hits this instance. Exported so tests can tell in
 * advance which instances a share poisons; the key salts the draw so switches pick independently.
 */
/** Whether the list switches apply to this list query (its approval code and start time). */
export function inListScope(options: HostileOptions, query: URLSearchParams): boolean {
  const scope = options.hostileListScope;
  const approvalCode = query.get('approval_code');
  if (scope.length > 0 && (approvalCode === null || !scope.includes(approvalCode))) return false;
  const before = options.hostileListStartBeforeMs;
  return before === 0 || Number(query.get('start_time')) < before;
}

export function isTargeted(key: HostileKey, target: InstanceTarget, instanceCode: string): boolean {
  if (Array.isArray(target)) return target.includes(instanceCode);
  if (target <= 0) return false;
  return target >= 1 || stableDraw(key, instanceCode) < target;
}
