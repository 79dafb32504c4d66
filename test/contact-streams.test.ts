/**
 * The streams users and departments through the CLI against the emulator (issue 24's "Done when"):
 * after a sync of the approval streams with both selected, every open_id and department id those
 * rows name has a row with the emulator's name, except users outside the contact range (counted in
 * the log); requests = ⌈ids ÷ 50⌉ per endpoint and 0 refusals at the documented limits; no list or
 * detail request more than the approval streams make alone; selected alone they scan and fetch; a
 * missing scope fails them alone, naming it; a kill -9 loses nothing; a renamed person's new name
 * arrives with the next read of an approval naming them (here a full refresh).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContactScope, FeishuEmulator } from '../emulator/index.js';
import { committedPrefix, records, states, traces } from '../harness/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject } from '../src/kit/protocol.js';
import { detailIds } from './helpers/contact-ids.js';
import { runCutAt } from './helpers/connector.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { assertNoDuplicates, readArgs, sync, type SyncResult } from './helpers/sync.js';

const HOUR = 3_600_000;
const APPROVAL = [
  'approval_instances',
  'approval_instance_details',
  'approval_form_fields',
  'approval_tasks',
  'approval_timeline',
];
const CONTACT = ['users', 'departments'];
const BATCH = 50;

const rows = (messages: AirbyteMessage[], stream: string): JsonObject[] => records(messages, stream).map((r) => r.data);
const byKey = (list: JsonObject[], key: string): Map<string, JsonObject> =>
  new Map(list.map((row) => [row[key] as string, row]));
const logLines = (messages: AirbyteMessage[]): string[] =>
  messages.flatMap((m) => (m.type === 'LOG' ? [`${m.log.level} ${m.log.message}`] : []));

function statuses(messages: AirbyteMessage[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of traces(messages, 'STREAM_STATUS')) {
    const s = t.stream_status!;
    out[s.stream_descriptor.name] = s.status;
  }
  return out;
}

/** Each STATE's recordCount is its own stream's records since that stream's previous STATE. */
function assertStreamRecordCounts(messages: AirbyteMessage[]): void {
  const since = new Map<string, number>();
  for (const m of messages) {
    if (m.type === 'RECORD') since.set(m.record.stream, (since.get(m.record.stream) ?? 0) + 1);
    if (m.type !== 'STATE') continue;
    const name = m.state.stream!.stream_descriptor.name;
    assert.equal(m.state.sourceStats?.recordCount, since.get(name) ?? 0, `recordCount of a STATE of ${name}`);
    since.set(name, 0);
  }
}

/** The last STATE of each stream: what the platform hands a resumed sync. */
function lastStates(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  const last = new Map<string, AirbyteStateMessage>();
  for (const s of states(messages)) last.set(s.stream!.stream_descriptor.name, s);
  return [...last.values()];
}

/** What the approval rows of a sync name, and what the emulator says each id is. */
function expectedOf(emu: FeishuEmulator, run: SyncResult) {
  const users = new Set<string>();
  const named = new Set<string>();
  for (const detail of rows(run.messages, 'approval_instance_details')) {
    const ids = detailIds(detail);
    ids.users.forEach((id) => users.add(id));
    ids.departments.forEach((id) => named.add(id));
  }
  const inRange = [...users].filter((id) => emu.contactUser(id)?.inContactRange);
  const departments = new Set([...named, ...inRange.flatMap((id) => emu.contactUser(id)!.department_ids)]);
  return { users, inRange, outOfRange: users.size - inRange.length, named, departments };
}

describe('users and departments', () => {
  let emu: FeishuEmulator;
  /** The sync of the approval streams with users and departments, and what it cost. */
  let full: SyncResult;
  let fullStats: ReturnType<FeishuEmulator['stats']>;

  before(async () => {
    const now = Date.now();
    // Every instance final (pendingRatio 0), so each read names the same people; contact limits as documented.
    emu = await startListDetailUnlimited({
      seed: 5,
      codeCount: 2,
      instancesPerCode: 40,
      pendingRatio: 0,
      spanStartMs: now - 48 * HOUR,
      spanEndMs: now - HOUR,
    });
    full = await sync(emu, { streams: [...APPROVAL, ...CONTACT] });
    fullStats = emu.stats();
  });
  after(() => emu.stop());

  it('every referenced id has its row with the emulator name, out-of-range users counted; ⌈ids ÷ 50⌉ requests, 0 refusals', () => {
    const expected = expectedOf(emu, full);
    assert.ok(expected.users.size > BATCH && expected.outOfRange > 0, JSON.stringify(expected.outOfRange));
    const users = byKey(rows(full.messages, 'users'), 'open_id');
    assert.equal(users.size, expected.inRange.length);
    for (const id of expected.inRange) {
      const truth = emu.contactUser(id)!;
      assert.equal(users.get(id)?.['name'], truth.name, id);
      assert.deepEqual(users.get(id)?.['department_ids'], truth.department_ids, id);
    }
    const left = logLines(full.messages).filter((l) => /^WARN users: .* left out by Feishu/.test(l));
    assert.equal(left.length, 1, 'one log line counts the users left out');
    assert.match(
      left[0]!,
      new RegExp(`${expected.users.size} open_id\\(s\\) referenced, .* ${expected.outOfRange} left out`),
    );
    assert.match(left[0]!, /contact range/);

    const departments = byKey(rows(full.messages, 'departments'), 'open_department_id');
    assert.deepEqual([...departments.keys()].sort(), [...expected.departments].sort());
    for (const [id, row] of departments) assert.equal(row['name'], emu.contactDepartment(id)?.name, id);

    assert.equal(fullStats.requests['users'], Math.ceil(expected.users.size / BATCH));
    assert.equal(fullStats.requests['departments'], Math.ceil(expected.departments.size / BATCH));
    assert.equal(fullStats.rateLimitedByEndpoint['users'] ?? 0, 0);
    assert.equal(fullStats.rateLimitedByEndpoint['departments'] ?? 0, 0);

    assertNoDuplicates([...rows(full.messages, 'users').map((r) => r['open_id'] as string)], 'users rows');
    assertStreamRecordCounts(full.messages);
    const syncedAt = new Set([...users.values(), ...departments.values()].map((r) => r['synced_at']));
    assert.equal(syncedAt.size, 1, 'one synced_at per sync');
    assert.ok(!Number.isNaN(Date.parse([...syncedAt][0] as string)));
    assert.deepEqual(
      statuses(full.messages),
      Object.fromEntries([...APPROVAL, ...CONTACT].map((s) => [s, 'COMPLETE'])),
    );
  });

  it('beside the approval streams they add no list or detail request; alone they scan and fetch the details', async () => {
    emu.resetStats();
    await sync(emu, { streams: APPROVAL });
    const approvalOnly = emu.stats().requests;
    assert.equal(fullStats.requests['list'], approvalOnly['list']);
    assert.equal(fullStats.requests['detail'], approvalOnly['detail']);
    assert.equal(approvalOnly['users'] ?? 0, 0);

    emu.resetStats();
    const alone = await sync(emu, { streams: CONTACT });
    const requests = emu.stats().requests;
    assert.equal(requests['detail'], emu.instanceCount);
    assert.equal(requests['list'], approvalOnly['list']);
    assert.equal(requests['users'], fullStats.requests['users']);
    const names = (run: SyncResult, stream: string, key: string) =>
      rows(run.messages, stream)
        .map((r) => `${r[key] as string} ${r['name'] as string}`)
        .sort();
    assert.deepEqual(names(alone, 'users', 'open_id'), names(full, 'users', 'open_id'));
    assert.deepEqual(
      names(alone, 'departments', 'open_department_id'),
      names(full, 'departments', 'open_department_id'),
    );
  });

  it('a missing scope fails only the streams that need it, naming the scope', async () => {
    const cases: Array<[ContactScope, string[]]> = [
      ['contact:user.base:readonly', ['users']],
      ['contact:department.base:readonly', ['departments']],
      ['contact:contact.base:readonly', ['users', 'departments']],
    ];
    const expected = expectedOf(emu, full);
    try {
      for (const [scope, failing] of cases) {
        emu.configure({ deniedScopes: [scope] });
        const run = await sync(emu, {
          streams: ['approval_instance_details', 'approval_tasks', ...CONTACT],
          expectExit: null,
        });
        assert.notEqual(run.code, 0, scope);
        const status = statuses(run.messages);
        for (const stream of ['approval_instance_details', 'approval_tasks', ...CONTACT])
          assert.equal(
            status[stream],
            failing.includes(stream) ? 'INCOMPLETE' : 'COMPLETE',
            `${stream} without ${scope}`,
          );
        assert.equal(records(run.messages, 'approval_instance_details').length, emu.instanceCount);
        const errors = traces(run.messages, 'ERROR');
        assert.equal(errors.length, 1);
        const message = errors[0]!.error!.message;
        for (const stream of failing) assert.match(message, new RegExp(`${stream}: .*${scope.replaceAll('.', '\\.')}`));
        assert.doesNotMatch(message, /approval_instance_details|approval_tasks/);
        assert.equal(errors[0]!.error!.failure_type, 'config_error');
        if (failing.includes('users') && !failing.includes('departments')) {
          // departments reads on with the departments the approvals name themselves, and says what it lacks.
          const departments = new Set(rows(run.messages, 'departments').map((r) => r['open_department_id']));
          for (const id of expected.named) assert.ok(departments.has(id), id);
          assert.ok(logLines(run.messages).some((l) => /^WARN departments: the users endpoint failed/.test(l)));
        }
        if (failing.includes('departments') && !failing.includes('users'))
          assert.equal(rows(run.messages, 'users').length, expected.inRange.length);
      }
    } finally {
      emu.configure({ deniedScopes: [] });
    }
  });

  it('a kill -9 anywhere loses nothing: the resumed sync delivers every referenced id', async () => {
    const streams = ['approval_instance_details', ...CONTACT];
    const total = records(full.messages).length;
    const cuts = await runCutAt(readArgs(emu, { streams }), [1, 150, 330]);
    const expected = expectedOf(emu, full);
    let resumedWithPending = 0;
    for (const [i, cut] of cuts.entries()) {
      const kept = committedPrefix(cut.messages);
      const owed = lastStates(kept).find((s) => s.stream!.stream_descriptor.name === 'users')?.stream?.stream_state;
      if (Array.isArray(owed?.['pending_open_ids']) && owed['pending_open_ids'].length > 0) resumedWithPending++;
      const resumed = await sync(emu, { streams, state: lastStates(kept) });
      const users = new Set(
        [...rows(kept, 'users'), ...rows(resumed.messages, 'users')].map((r) => r['open_id'] as string),
      );
      const departments = new Set(
        [...rows(kept, 'departments'), ...rows(resumed.messages, 'departments')].map(
          (r) => r['open_department_id'] as string,
        ),
      );
      const where = `cut ${i} of ${total} records`;
      assert.deepEqual([...users].sort(), [...expected.inRange].sort(), where);
      assert.deepEqual([...departments].sort(), [...expected.departments].sort(), where);
      assertNoDuplicates(
        rows(resumed.messages, 'users').map((r) => r['open_id'] as string),
        `users rows of the resumed sync (${where})`,
      );
    }
    assert.ok(resumedWithPending > 0, 'some cut resumes from a STATE that still owed ids');
  });

  it('read in different scan groups: departments, added later, scans alone and writes nothing before it starts', async () => {
    const first = await sync(emu, { streams: ['approval_instance_details', 'users'] });
    emu.resetStats();
    const later = await sync(emu, {
      streams: ['approval_instance_details', 'users', 'departments'],
      state: lastStates(first.messages),
    });
    const expected = expectedOf(emu, full);
    // The caught-up group reads nothing new; departments reads every instance from start_date.
    assert.equal(rows(later.messages, 'users').length, 0);
    assert.deepEqual(
      rows(later.messages, 'departments')
        .map((r) => r['open_department_id'] as string)
        .sort(),
      [...expected.departments].sort(),
    );
    assert.equal(emu.stats().requests['users'], Math.ceil(expected.users.size / BATCH));
    const started = later.messages.findIndex(
      (m) =>
        m.type === 'TRACE' &&
        m.trace.stream_status?.stream_descriptor.name === 'departments' &&
        m.trace.stream_status.status === 'STARTED',
    );
    const firstRow = later.messages.findIndex((m) => m.type === 'RECORD' && m.record.stream === 'departments');
    assert.ok(started >= 0 && started < firstRow, `STARTED at ${started}, first record at ${firstRow}`);
  });

  it("a renamed person's new name arrives with the next read of an approval naming them", async () => {
    const someone = rows(full.messages, 'users')[0]!['open_id'] as string;
    emu.renameUser(someone, '改名后');
    // An incremental sync reads no approval again (every instance is final): nobody is looked up.
    emu.resetStats();
    const next = await sync(emu, { streams: ['approval_instance_details', 'users'], state: lastStates(full.messages) });
    assert.equal(rows(next.messages, 'users').length, 0);
    assert.equal(emu.stats().requests['users'] ?? 0, 0);
    // A full refresh reads every approval again, so every name is current.
    const refreshed = await sync(emu, { streams: ['users'], mode: 'full_refresh' });
    const row = byKey(rows(refreshed.messages, 'users'), 'open_id').get(someone);
    assert.equal(row?.['name'], '改名后');
    assert.ok((row?.['synced_at'] as string) > (rows(full.messages, 'users')[0]!['synced_at'] as string));
  });
});
