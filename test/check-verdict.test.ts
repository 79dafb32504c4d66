/** The check's pure parts, case by case: the verdict from its findings, the future start_date, the scope hints. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FeishuApiError, FeishuTransportError } from '../src/feishu/errors.js';
import { isTlsFailure } from '../src/feishu/transport.js';
import { employeeIdScope } from '../src/source/check/endpoint-probes.js';
import { futureStartDate } from '../src/source/check/start-date.js';
import { verdict, type CheckFindings } from '../src/source/check/verdict.js';

const denied = (path: string) => ({
  kind: 'denied' as const,
  error: new FeishuApiError(1390009, 'no permission to operate', 403, 'log-1', `GET ${path}`),
});
const OK = { kind: 'ok' as const };
const ALL_OK = { list: OK, detail: OK, query: OK, definition: OK, users: OK, departments: OK };
/** 99991672 as the contact API words it: the scope named in the msg. */
const scopeDenied = (scope: string, path: string) => ({
  kind: 'denied' as const,
  error: new FeishuApiError(
    99991672,
    `Access denied. One of the following scopes is required: [${scope}].`,
    400,
    'log-2',
    `GET ${path}`,
  ),
});

function findings(overrides: Partial<CheckFindings> = {}): CheckFindings {
  return {
    target: 'open.feishu.cn:443',
    codes: { total: 2, unknown: [], deleted: [], named: [{ code: 'A', name: 'Leave' }] },
    probes: ALL_OK,
    employeeId: 'granted',
    userDepartments: 'granted',
    ...overrides,
  };
}

describe('verdict', () => {
  const cases: {
    name: string;
    findings: CheckFindings;
    status: 'SUCCEEDED' | 'FAILED';
    message?: RegExp[];
    warnings?: number;
  }[] = [
    {
      name: 'all answered, every scope: SUCCEEDED, no message',
      findings: findings(),
      status: 'SUCCEEDED',
      warnings: 0,
    },
    {
      name: 'the user_id scope unknown (no applicant seen): not reported',
      findings: findings({ employeeId: 'unknown' }),
      status: 'SUCCEEDED',
      warnings: 0,
    },
    {
      name: 'user_id missing: SUCCEEDED naming the scope and the publish step, one WARN',
      findings: findings({ employeeId: 'missing' }),
      status: 'SUCCEEDED',
      message: [/^Missing scope contact:user\.employee_id:readonly: no user_id/, /publish a new version of the app/],
      warnings: 1,
    },
    {
      name: 'the users API refused naming contact:user.base:readonly: SUCCEEDED naming that scope and the users stream',
      findings: findings({
        probes: { ...ALL_OK, users: scopeDenied('contact:user.base:readonly', '/open-apis/contact/v3/users/batch') },
      }),
      status: 'SUCCEEDED',
      message: [
        /^Missing scope contact:user\.base:readonly \(contact users API refused, Feishu code 99991672\): no names of people: the users stream fails/,
        /publish a new version/,
      ],
      warnings: 1,
    },
    {
      name: 'users without department_ids: SUCCEEDED naming contact:user.department:readonly',
      findings: findings({ userDepartments: 'missing' }),
      status: 'SUCCEEDED',
      message: [/^Missing scope contact:user\.department:readonly: users come without department_ids/],
      warnings: 1,
    },
    {
      name: 'a deleted definition: SUCCEEDED naming it, no publish step (no scope involved)',
      findings: findings({ codes: { total: 2, unknown: [], deleted: ['B'], named: [] } }),
      status: 'SUCCEEDED',
      message: [
        /^Approval definition 'B' in config\.approval_codes was deleted \(Feishu code 1390016\)\. [^]*needed\.$/,
      ],
      warnings: 1,
    },
    {
      name: '25 unknown codes: the first 20 named, then a count',
      findings: findings({
        codes: { total: 30, unknown: Array.from({ length: 25 }, (_, i) => `X${i}`), deleted: [], named: [] },
      }),
      status: 'FAILED',
      message: [
        /^Approval codes not found \(Feishu code 1390002\): 'X0', [^]*'X19', and 5 more\. Check config\.approval_codes/,
      ],
    },
    {
      name: 'the list refused and the query refused: FAILED with the streams, "Also:" the optional one',
      findings: findings({
        probes: { ...ALL_OK, list: denied('/open-apis/approval/v4/instances'), query: denied('/instances/query') },
      }),
      status: 'FAILED',
      message: [
        /^Streams approval_instances, approval_instance_details, [^]* cannot sync: the app lacks approval:approval:readonly;/,
        /Also: Missing scope approval:approval\.list:readonly \(bulk query API refused, Feishu code 1390009\): no status recheck/,
        /publish a new version/,
      ],
    },
    {
      name: "the detail API failing for another reason: FAILED with that reason in the user's words",
      findings: findings({
        probes: {
          ...ALL_OK,
          detail: { kind: 'failed', error: new FeishuApiError(99991403, 'quota', 429, 'l', 'GET x') },
        },
      }),
      status: 'FAILED',
      message: [/^the detail API .* failed: The app's monthly Feishu API quota is exhausted/],
    },
    {
      name: 'the definition API failing for another reason: SUCCEEDED, "could not check"',
      findings: findings({
        probes: {
          ...ALL_OK,
          definition: { kind: 'failed', error: new FeishuTransportError('timeout', 'h:443', 'no complete answer') },
        },
      }),
      status: 'SUCCEEDED',
      message: [/^Could not check the approval definition API .*: Cannot get an answer from h:443/],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const v = verdict(c.findings);
      assert.equal(v.status.status, c.status);
      if (!c.message) assert.equal(v.status.message, undefined);
      for (const m of c.message ?? []) assert.match(v.status.message ?? '', m);
      if (c.warnings !== undefined) assert.equal(v.warnings.length, c.warnings);
      assert.ok(v.info.length < 300, v.info);
    });
  }

  it('the INFO line: counts, the first three names, the endpoints that answered', () => {
    const named = ['Leave', 'Expense', 'Trip', 'Purchase'].map((name, i) => ({ code: `C${i}`, name }));
    const v = verdict(findings({ codes: { total: 300, unknown: [], deleted: [], named } }));
    assert.equal(
      v.info,
      'Connected to open.feishu.cn:443: 300 of 300 approval code(s) found; 4 definition(s) read: ' +
        'Leave (C0), Expense (C1), Trip (C2), …; endpoints answering: list, detail, bulk query, definition, contact users, contact departments.',
    );
  });
});

describe('futureStartDate', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const cases: [string, number, RegExp | undefined][] = [
    ['in the past', Date.parse('2024-01-01T00:00:00Z'), undefined],
    ['now exactly', now, undefined],
    ['a second ahead', now + 1000, /^config\.start_date 2026-06-01T00:00:01\.000Z is after now/],
    [
      'a mistyped year',
      Date.parse('2062-01-01T00:00:00Z'),
      /2062-01-01T00:00:00\.000Z is after now .* a sync would read nothing/,
    ],
  ];
  for (const [name, startMs, expected] of cases) {
    it(name, () => {
      const problem = futureStartDate(startMs, now);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? '', expected);
    });
  }
});

describe('employeeIdScope: told by the probed detail', () => {
  const cases: [string, Parameters<typeof employeeIdScope>[0], ReturnType<typeof employeeIdScope>][] = [
    ['no detail read', undefined, 'unknown'],
    ['no applicant', { openId: '', userId: '', departmentId: '' }, 'unknown'],
    ['open_id without user_id', { openId: 'ou_1', userId: '', departmentId: 'od_1' }, 'missing'],
    ['both', { openId: 'ou_1', userId: 'u1', departmentId: 'od_1' }, 'granted'],
  ];
  for (const [name, applicant, expected] of cases) it(name, () => assert.equal(employeeIdScope(applicant), expected));
});

describe('isTlsFailure: which socket error codes are a refused TLS handshake', () => {
  const cases: [string, boolean][] = [
    ['ERR_SSL_WRONG_VERSION_NUMBER', true],
    ['ERR_TLS_CERT_ALTNAME_INVALID', true],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', true],
    ['SELF_SIGNED_CERT_IN_CHAIN', true],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', true],
    ['CERT_HAS_EXPIRED', true],
    ['EPROTO', true],
    ['ECONNREFUSED', false],
    ['ECONNRESET', false],
    ['ENOTFOUND', false],
  ];
  for (const [code, expected] of cases) it(code, () => assert.equal(isTlsFailure(code), expected));
});
