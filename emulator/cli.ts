#!/usr/bin/env node
/**
 * `node dist/emulator/cli.js [flags]` — runs the emulator as a process for the demo, the image
 * smoke test and benchmarks. The first stdout line is one JSON object those callers parse; human
 * chatter goes to stderr so it never corrupts that line.
 */
import { parseArgs } from 'node:util';
import { HOSTILE_PARSE_OPTIONS, HOSTILE_USAGE, parseHostileFlags } from './hostile-cli.js';
import type {
  BoundSemantics,
  ContactScope,
  DeniableEndpoint,
  EmulatorOptions,
  RateLimitOption,
  RateLimitSetting,
} from './options.js';
import { BOUND_SEMANTICS, CONTACT_SCOPES, DENIABLE_ENDPOINTS } from './options.js';
import { FeishuEmulator } from './server.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The emulator has no real auth and a known secret: it must never listen beyond this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

const USAGE = `usage: node dist/emulator/cli.js [--port N] [--host 127.0.0.1] [--seed N] [--codes N]
  [--instances N] [--days N] [--latency-ms N] [--token-ttl-sec N]
  [--list-limit LIMIT] [--detail-limit LIMIT] [--approval-limit LIMIT] [--query-limit LIMIT]
  [--task-search-limit LIMIT] [--users-limit LIMIT] [--departments-limit LIMIT] [--query-lag-ms N]
  [--employee-id-scope] [--deny list,approval,detail,query,taskSearch] [--deny-scopes SCOPE,...]
  [--out-of-range-ratio F]
  [--fault-rate F] [--html-fault-rate F] [--bounds inclusive|end_exclusive|start_exclusive]
  [--index-delay-ms N] [--page-token-ttl-ms N] [--edge-every-ms N] [--app-id S] [--app-secret S]

  LIMIT: sliding-window frequency limits, comma-separated, all must admit: N (per minute), N/min,
  N/s or N/<ms>ms; 0 or off = unlimited. Defaults (the documented ones): --list-limit 100/min,
  --detail-limit 1000/min,50/s, --approval-limit 100/min (apart from the list's),
  --query-limit 1000/min,50/s, --task-search-limit 1000/min,50/s, --users-limit 1000/min,50/s,
  --departments-limit 1000/min,50/s (GET /contact/v3/users/batch and /departments/batch). A refused request answers 99991400 (HTTP 429, x-ogw-ratelimit-reset).
  --query-lag-ms N       the bulk query (POST /approval/v4/instances/query) and the task search
                         (POST /approval/v4/tasks/search) answer as of N ms ago (0)
  --employee-id-scope    the app has contact:user.employee_id:readonly: details carry user_id
  --deny E,...           these endpoints answer 1390009 (HTTP 403, no permission)
  --deny-scopes S,...    the app lacks these contact scopes (${CONTACT_SCOPES.join(', ')}):
                         the endpoints needing one answer 99991672 naming it
  --out-of-range-ratio F share of the tenant's users outside the app's contact range (0.1)
  Admin API (no auth): GET /_emulator/truth, GET /_emulator/statuses, GET|POST /_emulator/config,
  POST /_emulator/instances, POST /_emulator/instances/:code/{status,revoke,finish,advance},
  DELETE /_emulator/instances/:code?mode=gone|status, DELETE /_emulator/approvals/:code,
  POST /_emulator/users/:open_id/rename, POST /_emulator/departments/:open_department_id/rename,
  POST /_emulator/approvals/:code/widgets, DELETE /_emulator/approvals/:code/widgets/:widget_id
  (a code's form; instances added later follow it), POST /_emulator/config {"deniedDefinitions": [code]}
  (that definition answers 1390009),
  GET /_emulator/stats[?times=1], POST /_emulator/stats/reset, POST /_emulator/tokens/expire
${HOSTILE_USAGE}`;

class UsageError extends Error {}

function int(name: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}`);
  }
  return value;
}

function fraction(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !(value >= 0 && value < 1)) throw new UsageError(`--${name} must be a number in [0, 1)`);
  return value;
}

const UNIT_MS: Record<string, number> = { min: 60_000, s: 1000 };

/** '1000/min,50/s' -> two windows; a bare number is per minute; '0' or 'off' -> unlimited. */
function parseLimit(name: string, raw: string | undefined): RateLimitSetting | undefined {
  if (raw === undefined) return undefined;
  if (raw === '0' || raw === 'off') return null;
  const windows: RateLimitOption[] = raw.split(',').map((part) => {
    const match = /^(\d+)(?:\/(min|s|\d+ms))?$/.exec(part.trim());
    const limit = Number(match?.[1]);
    if (!match || !Number.isSafeInteger(limit) || limit < 1) {
      throw new UsageError(`--${name} must look like 100/min or 1000/min,50/s (got '${raw}')`);
    }
    const unit = match[2] ?? 'min';
    const windowMs = UNIT_MS[unit] ?? Number(unit.slice(0, -2));
    if (!(windowMs >= 1)) throw new UsageError(`--${name}: window must be at least 1 ms`);
    return { limit, windowMs };
  });
  return windows.length === 1 ? windows[0] : windows;
}

interface CliConfig {
  port: number;
  host: string;
  options: Partial<EmulatorOptions>;
}

function parse(argv: string[]): CliConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      codes: { type: 'string' },
      instances: { type: 'string' },
      days: { type: 'string' },
      'latency-ms': { type: 'string' },
      'token-ttl-sec': { type: 'string' },
      'list-limit': { type: 'string' },
      'detail-limit': { type: 'string' },
      'approval-limit': { type: 'string' },
      'query-limit': { type: 'string' },
      'task-search-limit': { type: 'string' },
      'users-limit': { type: 'string' },
      'departments-limit': { type: 'string' },
      'deny-scopes': { type: 'string' },
      'out-of-range-ratio': { type: 'string' },
      'query-lag-ms': { type: 'string' },
      'employee-id-scope': { type: 'boolean' },
      deny: { type: 'string' },
      'fault-rate': { type: 'string' },
      'html-fault-rate': { type: 'string' },
      bounds: { type: 'string' },
      'index-delay-ms': { type: 'string' },
      'page-token-ttl-ms': { type: 'string' },
      'edge-every-ms': { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...HOSTILE_PARSE_OPTIONS,
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }

  const host = values.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new UsageError('--host must be a loopback address (127.0.0.1, ::1, localhost)');
  const port = int('port', values.port) ?? 0;
  if (port > 65_535) throw new UsageError('--port must be <= 65535');

  const options: Partial<EmulatorOptions> = {};
  const set = <K extends keyof EmulatorOptions>(key: K, value: EmulatorOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('seed', int('seed', values.seed, Number.MIN_SAFE_INTEGER));
  set('codeCount', int('codes', values.codes, 1));
  set('instancesPerCode', int('instances', values.instances));
  set('latencyMs', int('latency-ms', values['latency-ms']));
  set('tokenTtlSec', int('token-ttl-sec', values['token-ttl-sec'], 1));
  set('faultRate', fraction('fault-rate', values['fault-rate']));
  set('htmlFaultRate', fraction('html-fault-rate', values['html-fault-rate']));
  set('indexDelayMs', int('index-delay-ms', values['index-delay-ms']));
  set('pageTokenTtlMs', int('page-token-ttl-ms', values['page-token-ttl-ms']));
  set('edgeInstancesEveryMs', int('edge-every-ms', values['edge-every-ms']));
  set('appId', values['app-id']);
  set('appSecret', values['app-secret']);

  Object.assign(options, parseHostileFlags(values as Record<string, string | boolean | undefined>));

  set('listRateLimit', parseLimit('list-limit', values['list-limit']));
  set('detailRateLimit', parseLimit('detail-limit', values['detail-limit']));
  set('approvalRateLimit', parseLimit('approval-limit', values['approval-limit']));
  set('queryRateLimit', parseLimit('query-limit', values['query-limit']));
  set('taskSearchRateLimit', parseLimit('task-search-limit', values['task-search-limit']));
  set('usersRateLimit', parseLimit('users-limit', values['users-limit']));
  set('departmentsRateLimit', parseLimit('departments-limit', values['departments-limit']));
  set('contactOutOfRangeRatio', fraction('out-of-range-ratio', values['out-of-range-ratio']));
  if (values['deny-scopes'] !== undefined) {
    const scopes = values['deny-scopes'].split(',').filter((e) => e !== '');
    const unknown = scopes.find((e) => !CONTACT_SCOPES.includes(e as ContactScope));
    if (unknown !== undefined)
      throw new UsageError(`--deny-scopes takes ${CONTACT_SCOPES.join(', ')} (got '${unknown}')`);
    options.deniedScopes = scopes as ContactScope[];
  }
  set('queryLagMs', int('query-lag-ms', values['query-lag-ms']));
  if (values['employee-id-scope']) options.employeeIdScope = true;
  if (values.deny !== undefined) {
    const denied = values.deny.split(',').filter((e) => e !== '');
    const unknown = denied.find((e) => !DENIABLE_ENDPOINTS.includes(e as DeniableEndpoint));
    if (unknown !== undefined) throw new UsageError(`--deny takes ${DENIABLE_ENDPOINTS.join(', ')} (got '${unknown}')`);
    options.deniedEndpoints = denied as DeniableEndpoint[];
  }

  if (values.bounds !== undefined) {
    if (!BOUND_SEMANTICS.includes(values.bounds as BoundSemantics)) {
      throw new UsageError(`--bounds must be one of ${BOUND_SEMANTICS.join(', ')}`);
    }
    options.bounds = values.bounds as BoundSemantics;
  }

  const days = int('days', values.days, 1);
  if (days !== undefined) {
    const now = Date.now();
    options.spanStartMs = Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS;
    options.spanEndMs = now - 60_000;
  }
  return { port, host, options };
}

async function main(): Promise<void> {
  let config: CliConfig;
  let emulator: FeishuEmulator;
  try {
    config = parse(process.argv.slice(2));
    emulator = new FeishuEmulator(config.options);
  } catch (error) {
    process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const baseUrl = await emulator.start(config.port, config.host);
  const options = emulator.options;
  const instances = emulator.instanceCount;
  process.stdout.write(
    `${JSON.stringify({
      base_url: baseUrl,
      app_id: options.appId,
      app_secret: options.appSecret,
      approval_codes: options.approvalCodes,
      instances,
    })}\n`,
  );
  process.stderr.write(
    `Feishu emulator listening on ${baseUrl} — ${options.approvalCodes.length} approval code(s), ${instances} instances; Ctrl-C to stop\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
