/**
 * Issue 25 item 2: `check` probes every endpoint the streams use, once each, and answers per stream:
 * FAILED naming the scope when a stream nobody can do without would fail, SUCCEEDED naming each
 * missing optional scope and what it costs, and the step people forget (publish a new version).
 * Each scope is denied in the emulator as Feishu would deny it, through the real CLI, at the
 * documented limits, on the mocked clock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import { connectionConfig, writeFiles } from '../harness/index.js';
import type { AirbyteConnectionStatus, AirbyteMessage } from '../src/kit/protocol.js';
import { runCli } from './helpers/connector.js';
import { enableVirtualClock, onVirtualClock } from './helpers/virtual-clock.js';

function connectionStatus(messages: AirbyteMessage[]): AirbyteConnectionStatus {
  const found = messages.flatMap((m) => (m.type === 'CONNECTION_STATUS' ? [m.connectionStatus] : []));
  assert.equal(found.length, 1);
  return found[0]!;
}

const PUBLISH = /publish a new version of the app/;
const DETAIL_STREAMS = 'approval_instance_details, approval_form_fields, approval_tasks, approval_timeline';

interface Case {
  name: string;
  /** How the emulator denies it; every other scope is granted (employeeIdScope true). */
  denial: Partial<EmulatorOptions>;
  /** Codes added to the emulator's two in the config. */
  extraCodes?: string[];
  status: 'SUCCEEDED' | 'FAILED';
  /** Each must match the message; none of `absent` may. */
  message: RegExp[];
  absent?: RegExp[];
  /** Requests per endpoint, where the case is about them. */
  requests?: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: 'every scope granted: SUCCEEDED without a message, each endpoint asked once or per code',
    denial: {},
    status: 'SUCCEEDED',
    message: [],
    requests: { token: 1, query: 2, approval: 2, list: 1, detail: 1, users: 1, departments: 1 },
  },
  {
    name: 'approval:approval:readonly missing (list, definition and detail refused): FAILED naming every stream',
    denial: { deniedEndpoints: ['list', 'approval', 'detail'] },
    status: 'FAILED',
    message: [
      new RegExp(
        `^Streams approval_instances, ${DETAIL_STREAMS} cannot sync: the app lacks approval:approval:readonly; ` +
          'the list API .* and the detail API .* refused it \\(Feishu code 1390009\\)\\. Grant it to the app\\.',
      ),
      /Also: Missing scope approval:approval:readonly \(definition API refused, Feishu code 1390009\)/,
      PUBLISH,
    ],
    absent: [/approval:approval\.list:readonly/],
  },
  {
    name: 'only the list API refused: FAILED, the list and detail streams named',
    denial: { deniedEndpoints: ['list'] },
    status: 'FAILED',
    message: [
      new RegExp(
        `^Streams approval_instances, ${DETAIL_STREAMS} cannot sync: the app lacks approval:approval:readonly; the list API`,
      ),
      PUBLISH,
    ],
    absent: [/the detail API/],
  },
  {
    name: 'only the detail API refused: FAILED naming the four detail streams, not approval_instances',
    denial: { deniedEndpoints: ['detail'] },
    status: 'FAILED',
    message: [
      new RegExp(`^Streams ${DETAIL_STREAMS} cannot sync: the app lacks approval:approval:readonly; the detail API`),
      PUBLISH,
    ],
    absent: [/approval_instances/],
  },
  {
    name: 'approval:approval.list:readonly missing: SUCCEEDED, no status recheck; the codes checked through the definitions',
    denial: { deniedEndpoints: ['query'] },
    status: 'SUCCEEDED',
    message: [
      /^Missing scope approval:approval\.list:readonly \(bulk query API refused, Feishu code 1390009\): no status recheck/,
      PUBLISH,
    ],
    requests: { query: 1, approval: 2 },
  },
  {
    name: 'the definition API refused: SUCCEEDED, approval_definitions named',
    denial: { deniedEndpoints: ['approval'] },
    status: 'SUCCEEDED',
    message: [
      /^Missing scope approval:approval:readonly \(definition API refused.*approval_definitions stream fails/,
      PUBLISH,
    ],
  },
  {
    name: 'contact:user.employee_id:readonly missing: SUCCEEDED, no user_id',
    denial: { employeeIdScope: false },
    status: 'SUCCEEDED',
    message: [/^Missing scope contact:user\.employee_id:readonly: no user_id/, PUBLISH],
  },
  {
    name: 'contact:contact.base:readonly missing: SUCCEEDED, both contact streams named',
    denial: { deniedScopes: ['contact:contact.base:readonly'] },
    status: 'SUCCEEDED',
    message: [
      /^Missing scope contact:contact\.base:readonly \(contact users API refused, Feishu code 99991672\): no names of people/,
      /Missing scope contact:contact\.base:readonly \(contact departments API refused, Feishu code 99991672\): no department names/,
      PUBLISH,
    ],
  },
  {
    name: 'contact:user.base:readonly missing: SUCCEEDED, the users stream named, not departments',
    denial: { deniedScopes: ['contact:user.base:readonly'] },
    status: 'SUCCEEDED',
    message: [
      /^Missing scope contact:user\.base:readonly \(contact users API refused.*the users stream fails/,
      PUBLISH,
    ],
    absent: [/departments/],
  },
  {
    name: 'contact:department.base:readonly missing: SUCCEEDED, the departments stream named, not users',
    denial: { deniedScopes: ['contact:department.base:readonly'] },
    status: 'SUCCEEDED',
    message: [
      /^Missing scope contact:department\.base:readonly \(contact departments API refused.*the departments stream fails/,
    ],
    absent: [/users stream/],
  },
  {
    name: 'contact:user.department:readonly missing: SUCCEEDED, users without department_ids',
    // Every user in the contact range, so the probed applicant comes back and tells.
    denial: { deniedScopes: ['contact:user.department:readonly'], contactOutOfRangeRatio: 0 },
    status: 'SUCCEEDED',
    message: [/^Missing scope contact:user\.department:readonly: users come without department_ids/, PUBLISH],
  },
  {
    name: 'bulk query and definition refused, an unknown code: the list API tells the codes apart',
    denial: { deniedEndpoints: ['query', 'approval'] },
    extraCodes: ['NOPE-25'],
    status: 'FAILED',
    message: [/^Approval code not found \(Feishu code 1390002\): 'NOPE-25'/, /approval:approval\.list:readonly/],
    requests: { list: 3 },
  },
  {
    name: 'an unknown code and a missing scope: both in one answer',
    denial: { deniedEndpoints: ['detail'] },
    extraCodes: ['NOPE-26', 'NOPE-27'],
    status: 'FAILED',
    message: [
      /^Approval codes not found \(Feishu code 1390002\): 'NOPE-26', 'NOPE-27'\./,
      /Streams approval_instance_details/,
    ],
  },
];

describe('check names each missing scope with the right status', () => {
  for (const c of CASES) {
    it(c.name, async (t) => {
      enableVirtualClock(t.mock.timers);
      const emulator = await startEmulator({
        seed: 27,
        codeCount: 2,
        instancesPerCode: 5,
        employeeIdScope: true,
        ...c.denial,
      });
      try {
        const config = connectionConfig(emulator, {
          approval_codes: [...emulator.approvalCodes, ...(c.extraCodes ?? [])],
        });
        const files = writeFiles({ 'config.json': config });
        const { value: run, elapsedMs } = await onVirtualClock(t.mock.timers, () =>
          runCli(['check', '--config', files['config.json']!]),
        );
        const status = connectionStatus(run.messages);
        t.diagnostic(`${elapsedMs} ms; ${JSON.stringify(emulator.stats().requests)}; ${status.message ?? ''}`);
        assert.equal(status.status, c.status);
        if (c.message.length === 0) assert.equal(status.message, undefined);
        for (const pattern of c.message) assert.match(status.message ?? '', pattern);
        for (const pattern of c.absent ?? []) assert.doesNotMatch(status.message ?? '', pattern);
        for (const [endpoint, n] of Object.entries(c.requests ?? {}))
          assert.equal(emulator.stats().requests[endpoint] ?? 0, n, `${endpoint} requests`);
      } finally {
        await emulator.stop();
      }
    });
  }
});

describe('check: start_date after now', () => {
  it('FAILED naming config.start_date, before any request', async () => {
    const emulator = await startEmulator({ seed: 28, codeCount: 1, instancesPerCode: 1 });
    try {
      const nextYear = new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10);
      const files = writeFiles({ 'config.json': connectionConfig(emulator, { start_date: nextYear }) });
      const status = connectionStatus((await runCli(['check', '--config', files['config.json']!])).messages);
      assert.equal(status.status, 'FAILED');
      assert.match(status.message ?? '', new RegExp(`^config\\.start_date ${nextYear}T00:00:00\\.000Z is after now`));
      assert.equal(emulator.stats().requests['token'] ?? 0, 0);
    } finally {
      await emulator.stop();
    }
  });
});
