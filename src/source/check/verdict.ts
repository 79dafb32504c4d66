import { FeishuCode, missingScopeOf } from '../../feishu/errors.js';
import type { AirbyteConnectionStatus } from '../../kit/protocol.js';
import { toConnectorError } from '../sync/errors.js';
import type { ProbeResult } from './probe.js';
import { EMPLOYEE_ID_SCOPE, ENDPOINT_USES, PUBLISH_STEP, USER_DEPARTMENT_SCOPE, type ProbeName } from './scopes.js';

/** Everything `check` learned, once the token was granted and every code answered. */
export interface CheckFindings {
  target: string;
  codes: {
    total: number;
    unknown: readonly string[];
    deleted: readonly string[];
    /** Codes whose definition was read, in config order. */
    named: readonly { code: string; name: string; status?: string }[];
  };
  probes: Partial<Record<ProbeName, ProbeResult>>;
  employeeId: 'granted' | 'missing' | 'unknown';
  /** Whether users come with department_ids (contact:user.department:readonly). */
  userDepartments: 'granted' | 'missing' | 'unknown';
}

/** The status, one short INFO line, and a WARN per thing a sync will lack. */
export interface Verdict {
  status: AirbyteConnectionStatus;
  info: string;
  warnings: string[];
}

const PROBE_ORDER: readonly ProbeName[] = ['list', 'detail', 'query', 'definition', 'users', 'departments'];
const SHORT_NAMES: Record<ProbeName, string> = {
  list: 'list',
  detail: 'detail',
  query: 'bulk query',
  definition: 'definition',
  users: 'contact users',
  departments: 'contact departments',
};
/** Codes named in a message before "and N more": enough to spot a pattern, short enough to read. */
const NAMED_CODES = 20;

/** Pure: the findings in the words of the person setting the connector up. */
export function verdict(f: CheckFindings): Verdict {
  const problems: string[] = [];
  const notes: string[] = [];
  let scopeNamed = false;
  if (f.codes.unknown.length > 0) problems.push(unknownCodes(f.codes.unknown));

  const denied = PROBE_ORDER.filter((p) => f.probes[p]?.kind === 'denied');
  const requiredDenied = denied.filter((p) => ENDPOINT_USES[p].required);
  if (requiredDenied.length > 0) {
    problems.push(cannotSync(requiredDenied, f.probes));
    scopeNamed = true;
  }
  for (const p of PROBE_ORDER) {
    const result = f.probes[p];
    if (result?.kind !== 'failed') continue;
    const message = toConnectorError(result.error).message;
    if (ENDPOINT_USES[p].required) problems.push(`${ENDPOINT_USES[p].endpoint} failed: ${message}`);
    else notes.push(`Could not check ${ENDPOINT_USES[p].endpoint}: ${message}`);
  }
  for (const p of denied.filter((d) => !ENDPOINT_USES[d].required)) {
    const use = ENDPOINT_USES[p];
    notes.push(
      `Missing scope ${scopeOf(p, f.probes[p])} (${SHORT_NAMES[p]} API refused, ${codeOf(f.probes[p])}): ${use.cost}.`,
    );
    scopeNamed = true;
  }
  for (const [finding, { scope, cost }] of [
    [f.employeeId, EMPLOYEE_ID_SCOPE],
    [f.userDepartments, USER_DEPARTMENT_SCOPE],
  ] as const) {
    if (finding !== 'missing') continue;
    notes.push(`Missing scope ${scope}: ${cost}.`);
    scopeNamed = true;
  }
  if (f.codes.deleted.length > 0) notes.push(deletedDefinitions(f.codes.deleted));

  const info = connectedLine(f);
  if (problems.length === 0 && notes.length === 0) return { status: { status: 'SUCCEEDED' }, info, warnings: [] };
  const publish = scopeNamed ? [PUBLISH_STEP] : [];
  if (problems.length > 0) {
    const also = notes.length > 0 ? [`Also: ${notes.join(' ')}`] : [];
    return { status: { status: 'FAILED', message: [...problems, ...also, ...publish].join(' ') }, info, warnings: [] };
  }
  return { status: { status: 'SUCCEEDED', message: [...notes, ...publish].join(' ') }, info, warnings: notes };
}

/** The scope the refusal names (99991672 does), else the one the endpoint is documented to need. */
function scopeOf(probe: ProbeName, result: ProbeResult | undefined): string {
  return result?.kind === 'denied' ? missingScopeOf(result.error) : ENDPOINT_USES[probe].scope;
}

function codeOf(result: ProbeResult | undefined): string {
  return result?.kind === 'denied' ? `Feishu code ${result.error.code}` : 'no answer';
}

function quoted(codes: readonly string[]): string {
  const shown = codes.slice(0, NAMED_CODES).map((c) => `'${c}'`);
  if (codes.length > NAMED_CODES) shown.push(`and ${codes.length - NAMED_CODES} more`);
  return shown.join(', ');
}

function unknownCodes(codes: readonly string[]): string {
  return (
    `Approval code${codes.length > 1 ? 's' : ''} not found (Feishu code ${FeishuCode.APPROVAL_NOT_FOUND}): ${quoted(codes)}. ` +
    'Check config.approval_codes against the approval admin console.'
  );
}

/** The required endpoints refused: the streams that cannot sync, the endpoints, the scopes to grant. */
function cannotSync(probes: readonly ProbeName[], results: CheckFindings['probes']): string {
  const streams = [...new Set(probes.flatMap((p) => ENDPOINT_USES[p].streams))];
  const scopes = [...new Set(probes.map((p) => scopeOf(p, results[p])))];
  const endpoints = probes.map((p) => ENDPOINT_USES[p].endpoint).join(' and ');
  const codes = [...new Set(probes.map((p) => codeOf(results[p])))].join(', ');
  return (
    `Stream${streams.length > 1 ? 's' : ''} ${streams.join(', ')} cannot sync: the app lacks ${scopes.join(' and ')}; ` +
    `${endpoints} refused it (${codes}). Grant ${scopes.length > 1 ? 'them' : 'it'} to the app.`
  );
}

function deletedDefinitions(codes: readonly string[]): string {
  return (
    `Approval definition${codes.length > 1 ? 's' : ''} ${quoted(codes)} in config.approval_codes ${codes.length > 1 ? 'were' : 'was'} deleted (Feishu code ${FeishuCode.DEFINITION_DELETED}). ` +
    'Syncs still read the instances the list API lists for it, and no new ones will appear; remove the code once its history is no longer needed.'
  );
}

/** One short line: the host, the counts, the first few names, the endpoints that answered. */
function connectedLine(f: CheckFindings): string {
  const found = f.codes.total - f.codes.unknown.length;
  const names = f.codes.named
    .slice(0, 3)
    .map((d) => `${d.name} (${d.code}${d.status && d.status !== 'ACTIVE' ? `, ${d.status}` : ''})`);
  if (f.codes.named.length > 3) names.push('…');
  const answered = PROBE_ORDER.filter((p) => f.probes[p]?.kind === 'ok').map((p) => SHORT_NAMES[p]);
  return (
    `Connected to ${f.target}: ${found} of ${f.codes.total} approval code(s) found; ` +
    `${f.codes.named.length} definition(s) read${names.length > 0 ? `: ${names.join(', ')}` : ''}; ` +
    `endpoints answering: ${answered.join(', ') || 'none'}.`
  );
}
