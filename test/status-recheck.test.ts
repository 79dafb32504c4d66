/**
 * Status recheck (issue 20) end to end. The emulator runs on a clock the test drives (a frozen
 * ManualClock with its limits off: time moves only when a test says so, so "the seconds-soon
 * finals are done" and "the query has not caught up" hold however loaded the machine is); the
 * connector reads with raised budgets. The same first scenario at the documented limits and in
 * real time is in test/slow/documented-limits.test.ts.
 */
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startEmulator, type EmulatorOptions, type FeishuEmulator } from '../emulator/index.js';
import { committedPrefix, lastState, logs, records, runConnectorUntilKilled } from '../harness/index.js';
import { withMessages } from './helpers/connector.js';
import { bothStates, BOTH, DETAILS, latestRows, recheckScenario, syncBoth as sync } from './helpers/recheck.js';
import { readArgs } from './helpers/sync.js';

const DAY = 86_400_000;
let emulator: FeishuEmulator | undefined;
let clock = new ManualClock();
afterEach(() => emulator?.stop());
after(() => emulator?.stop());

/** An emulator on a fresh frozen clock, every rate limit off (the limits are not what these tests are about). */
function start(options: Partial<EmulatorOptions>): Promise<FeishuEmulator> {
  clock = new ManualClock();
  return startEmulator(
    { listRateLimit: null, detailRateLimit: null, approvalRateLimit: null, queryRateLimit: null, ...options },
    0,
    { clock },
  );
}

function now(): number {
  return clock.now();
}

/** The codes of the emulator's APPROVED instances. */
function approvedCodes(emu: FeishuEmulator): string[] {
  return emu
    .statuses()
    .filter((t) => t.status === 'APPROVED')
    .map((t) => t.instanceCode);
}

/** `start` with instances created from `days` days ago until two minutes ago. */
function startDaysBack(days: number, options: Partial<EmulatorOptions>): Promise<FeishuEmulator> {
  return start({ ...options, spanStartMs: now() - days * DAY, spanEndMs: now() - 120_000 });
}

describe('status recheck (status_recheck_days, default 30)', () => {
  it('revokes, deletions (both modes), PENDING → final and new instances reach the latest rows, within the request bound', async () => {
    emulator = await startDaysBack(3, { seed: 141, codeCount: 2, instancesPerCode: 200, pendingRatio: 0.3 });
    await recheckScenario(emulator, {});
  });

  it('killed during the recheck and resumed from its last STATE: every change still reaches the latest rows', async () => {
    emulator = await startDaysBack(1, { seed: 146, codeCount: 2, instancesPerCode: 80, pendingRatio: 0.3 });
    clock.advance(6000); // the model's seconds-soon finals are done
    const first = await sync(emulator, undefined);
    const approved = approvedCodes(emulator);
    for (const code of approved.slice(0, 12)) emulator.revokeInstance(code);
    // kill -9 needs the real process.
    const killed = withMessages(
      await runConnectorUntilKilled(readArgs(emulator, { streams: BOTH, state: bothStates(first.messages) }), 5),
    );
    assert.notEqual(killed.signal, null, 'the sync was killed');
    const committed = committedPrefix(killed.messages);
    const resumeState = [
      lastState(committed, 'approval_instances') ?? lastState(first.messages, 'approval_instances')!,
      lastState(committed, DETAILS) ?? lastState(first.messages, DETAILS)!,
    ];
    const resumed = await sync(emulator, resumeState);
    const rows = latestRows([first.messages, committed, resumed.messages]);
    for (const t of emulator.statuses()) assert.equal(rows.get(t.instanceCode)?.['status'], t.status, t.instanceCode);
  });

  it('a state from before the digest (pending list) still reads: its instances are fetched once, a deleted one (1390003) is emitted as DELETED, no first_seen leaks', async () => {
    emulator = await startDaysBack(1, { seed: 142, codeCount: 1, instancesPerCode: 60, pendingRatio: 0.5 });
    const first = await sync(emulator, undefined, { config: { status_recheck_days: 0 } });
    assert.equal(
      lastState(first.messages, DETAILS)!.stream!.stream_state!['status_digest'],
      undefined,
      'no digest when re-checking is off',
    );
    const open = records(first.messages, DETAILS).filter((r) => r.data['status'] === 'PENDING');
    const cursorsBlob = lastState(first.messages, DETAILS)!.stream!.stream_state!;
    const legacy = {
      ...cursorsBlob,
      pending: open.map((r) => ({
        instance_code: r.data['instance_code'],
        approval_code: r.data['approval_code'],
        created_after: r.data['created_after'],
        created_before: r.data['created_before'],
        first_seen: new Date(now()).toISOString(),
      })),
    };
    const victim = open[0]!.data['instance_code'] as string;
    emulator.deleteInstance(victim, 'gone');
    emulator.resetStats();
    const second = await sync(emulator, [
      lastState(first.messages, 'approval_instances')!,
      { type: 'STREAM', stream: { stream_descriptor: { name: DETAILS }, stream_state: legacy } },
    ]);
    const again = records(second.messages, DETAILS);
    const victimRow = again.find((r) => r.data['instance_code'] === victim)!;
    assert.deepEqual(
      Object.entries(victimRow.data)
        .filter(([, v]) => v !== null)
        .map(([k]) => k)
        .sort(),
      ['approval_code', 'created_after', 'created_before', 'instance_code', 'status'],
    );
    assert.equal(victimRow.data['status'], 'DELETED');
    for (const r of open)
      assert.ok(
        again.some((a) => a.data['instance_code'] === r.data['instance_code']),
        'each legacy pending instance is fetched again',
      );
    assert.ok(again.every((r) => !('first_seen' in r.data)));
    assert.ok(
      (emulator.stats().requests['detail'] ?? 0) <= open.length + 5,
      'no re-fetch of everything while the digest is seeded from the query',
    );
    const blob = lastState(second.messages, DETAILS)!.stream!.stream_state!;
    assert.equal(blob['pending'], undefined, 'new states carry the digest, not the pending list');
    assert.ok(blob['status_digest'], 'the digest is written');
  });

  it('a lagging bulk query: a change it has not caught up with reaches the destination on the sync after it does', async () => {
    const lagMs = 4000;
    emulator = await startDaysBack(1, {
      seed: 145,
      codeCount: 1,
      instancesPerCode: 60,
      pendingRatio: 0.3,
      queryLagMs: lagMs,
    });
    clock.advance(6000); // the model's seconds-soon finals are done
    const first = await sync(emulator, undefined);
    const approved = approvedCodes(emulator);
    const [revoked, deleted] = [approved[0]!, approved[1]!];
    emulator.revokeInstance(revoked);
    emulator.deleteInstance(deleted, 'status');
    const second = await sync(emulator, bothStates(first.messages));
    // The clock stands still: the second sync ran within the lag, so the query cannot have caught up.
    assert.ok(
      !records(second.messages, DETAILS).some((r) => r.data['instance_code'] === revoked),
      'the query had not caught up during the second sync',
    );
    clock.advance(lagMs + 500);
    const third = await sync(emulator, bothStates(second.messages));
    const rows = latestRows([first.messages, second.messages, third.messages]);
    assert.equal(rows.get(revoked)!['status'], 'CANCELED');
    assert.equal(rows.get(deleted)!['status'], 'DELETED');
  });

  it('a bulk query refused for want of its scope: one WARN naming approval:approval.list:readonly, the sync still completes', async () => {
    emulator = await startDaysBack(1, { seed: 144, codeCount: 1, instancesPerCode: 40 });
    const first = await sync(emulator, undefined);
    emulator.configure({ deniedEndpoints: ['query'] });
    const added = emulator.addInstances({
      approvalCode: emulator.approvalCodes[0]!,
      count: 3,
      createdFromMs: now() - 20_000,
      createdToMs: now() - 10_000,
    });
    const second = await sync(emulator, bothStates(first.messages));
    const warnings = logs(second.messages).filter(
      (l) => l.level === 'WARN' && l.message.includes('approval:approval.list:readonly'),
    );
    assert.equal(warnings.length, 1);
    const read = new Set(records(second.messages, DETAILS).map((r) => r.data['instance_code']));
    for (const t of added) assert.ok(read.has(t.instanceCode), 'new instances are still read');
  });

  it('the state stays small with 3,000 pending instances, and a details sync without user_id WARNs once about the scope', async (t) => {
    emulator = await startDaysBack(2, {
      seed: 143,
      codeCount: 1,
      instancesPerCode: 3000,
      pendingRatio: 1,
      detailRateLimit: null,
      listRateLimit: null,
    });
    // The model finishes half of them within seconds: hold every instance PENDING.
    for (const t of emulator.truth()) emulator.setInstanceStatus(t.instanceCode, 'PENDING');
    const first = await sync(emulator, undefined, {
      config: { detail_requests_per_minute: 120_000, detail_requests_per_second: 2000, detail_max_concurrency: 16 },
    });
    const pendingCount = records(first.messages, DETAILS).filter((r) => r.data['status'] === 'PENDING').length;
    assert.equal(pendingCount, 3000);
    const sizes = first.messages.flatMap((m) =>
      m.type === 'STATE' && m.state.stream?.stream_descriptor.name === DETAILS
        ? [Buffer.byteLength(JSON.stringify(m.state))]
        : [],
    );
    assert.ok(Math.max(...sizes) <= 64 * 1024, `largest details STATE ${Math.max(...sizes)} bytes`);
    t.diagnostic(`${pendingCount} pending; largest details STATE ${Math.max(...sizes)} bytes`);
    const scopeWarnings = logs(first.messages).filter(
      (l) => l.level === 'WARN' && l.message.includes('contact:user.employee_id:readonly'),
    );
    assert.equal(scopeWarnings.length, 1);
  });
});
