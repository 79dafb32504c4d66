import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject } from '../src/kit/protocol.js';
import { ApprovalInstanceDetailsStream } from '../src/source/streams/details/approval-instance-details.js';
import { catalog, committedPrefix, connectionConfig, lastState, logs, records, runConnectorUntilKilled, writeFiles } from '../harness/index.js';
import { runCli, withMessages, type RunResult } from './helpers/connector.js';
import { latestRows } from './helpers/latest-rows.js';

const DETAILS = 'approval_instance_details';
const DAY = 86_400_000;
let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());
after(() => emulator?.stop());

/** An incremental read of both streams through the real CLI, with the connector's default config. */
async function sync(e: FeishuEmulator, state: AirbyteStateMessage[] | undefined, overrides: Record<string, unknown> = {}): Promise<RunResult> {
  const files = writeFiles({
    'config.json': connectionConfig(e, overrides),
    'catalog.json': catalog('incremental', ['approval_instances', DETAILS]),
    ...(state ? { 'state.json': state } : {}),
  });
  const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!, ...(state ? ['--state', files['state.json']!] : [])];
  const result = await runCli(args, { timeoutMs: 240_000 });
  assert.equal(result.code, 0, result.stdout.split('\n').filter((l) => l.includes('"ERROR"')).join('\n').slice(0, 2000));
  return result;
}

function bothStates(run: AirbyteMessage[]): AirbyteStateMessage[] {
  return [lastState(run, 'approval_instances')!, lastState(run, DETAILS)!];
}

/** Every field of every record (and of its list items) is declared by the stream's schema, and the record validates. */
function assertDeclared(run: AirbyteMessage[]): void {
  const schema = new ApprovalInstanceDetailsStream().jsonSchema as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
  const validate = new Ajv({ strict: false }).compile(schema);
  for (const { data } of records(run, DETAILS)) {
    assert.ok(validate(data), JSON.stringify(validate.errors));
    for (const [key, value] of Object.entries(data)) {
      assert.ok(key in schema.properties, `undeclared field ${key}`);
      const itemProps = schema.properties[key]!.items?.properties;
      if (!itemProps || !Array.isArray(value)) continue;
      for (const item of value as JsonObject[]) for (const itemKey of Object.keys(item)) assert.ok(itemKey in itemProps, `undeclared ${key}[].${itemKey}`);
    }
  }
}

describe('status recheck (status_recheck_days, default 30) at the documented limits', () => {
  it('revokes, deletions (both modes), PENDING → final and new instances reach the latest rows, within the request bound', async () => {
    const now = Date.now();
    emulator = await startEmulator({ seed: 141, codeCount: 2, instancesPerCode: 200, pendingRatio: 0.3, spanStartMs: now - 3 * DAY, spanEndMs: now - 120_000 });
    const first = await sync(emulator, undefined);
    assertDeclared(first.messages);
    const firstRows = latestRows(DETAILS, [first.messages]);
    assert.equal(firstRows.size, 400);

    // Between the syncs: what Feishu users and admins do.
    const truth0 = emulator.statuses();
    const approved = truth0.filter((t) => t.status === 'APPROVED').map((t) => t.instanceCode);
    const pending = truth0.filter((t) => t.status === 'PENDING').map((t) => t.instanceCode);
    const revoked = approved.slice(0, 8);
    for (const code of revoked) emulator.revokeInstance(code);
    const deletedByStatus = [approved[8]!, pending[0]!];
    for (const code of deletedByStatus) emulator.deleteInstance(code, 'status');
    const gone = approved[9]!;
    emulator.deleteInstance(gone, 'gone');
    for (const [i, code] of pending.slice(1, 7).entries()) emulator.finishInstance(code, i % 2 ? 'APPROVED' : 'REJECTED');
    const added = emulator.addInstances({ approvalCode: emulator.approvalCodes[0]!, count: 5, createdFromMs: Date.now() - 60_000, createdToMs: Date.now() - 30_000 });
    emulator.resetStats();

    const second = await sync(emulator, bothStates(first.messages));
    assertDeclared(second.messages);
    const truth = new Map(emulator.statuses().map((t) => [t.instanceCode, t]));
    const rows = latestRows(DETAILS, [first.messages, second.messages]);
    const wrong = [...truth.values()].filter((t) => rows.get(t.instanceCode)?.['status'] !== t.status);
    assert.deepEqual(wrong.slice(0, 5).map((t) => [t.instanceCode, t.status, rows.get(t.instanceCode)?.['status']]), [], `${wrong.length} latest row(s) with a stale status`);
    for (const code of revoked) assert.equal(rows.get(code)!['reverted'], true, 'a revoked approval says reverted');
    for (const code of deletedByStatus) assert.equal(rows.get(code)!['status'], 'DELETED');
    for (const t of added) assert.ok(rows.has(t.instanceCode), 'new instances are read');

    // Detail requests: what changed + what is new (+ the lookback's few), never everything.
    const changed = [...truth.values()].filter((t) => firstRows.has(t.instanceCode) && firstRows.get(t.instanceCode)!['status'] !== t.status).length;
    const stats = emulator.stats();
    const detailRequests = stats.requests['detail'] ?? 0;
    const stillPending = [...truth.values()].filter((t) => t.status === 'PENDING').length;
    assert.ok(changed >= 16, `${changed} changed`);
    // Every instance still PENDING is fetched again too (its approvers may have moved on).
    assert.ok(detailRequests <= changed + added.length + stillPending + 10, `${detailRequests} detail requests for ${changed} changed + ${added.length} new + ${stillPending} still pending`);
    assert.ok(detailRequests >= changed + added.length, `${detailRequests} detail requests for ${changed} changed + ${added.length} new; ${JSON.stringify(stats.requests)}; ${logs(second.messages).map((l) => l.message).filter((m) => /recheck|detail request/.test(m)).join(" / ")}`);
    assert.ok((stats.requests['query'] ?? 0) <= 2 * Math.ceil(205 / 200) + 2, `${stats.requests['query']} query requests`);
    assert.equal(stats.rateLimited, 0, 'no 99991400 at the documented limits');
    // Gone without a trace: neither API names it, so it is reported, not marked (the state keeps no codes).
    assert.ok(logs(second.messages).some((l) => l.level === 'WARN' && /1 instance\(s\) emitted earlier are no longer named/.test(l.message)));

    // A third sync with nothing changed fetches (almost) nothing but the PENDING instances again, and says how many.
    emulator.resetStats();
    const third = await sync(emulator, bothStates(second.messages));
    const pendingNow = emulator.statuses().filter((t) => t.status === 'PENDING').length;
    assert.ok((emulator.stats().requests['detail'] ?? 0) <= pendingNow + 10, `${emulator.stats().requests['detail']} detail requests with nothing changed and ${pendingNow} pending`);
    assert.ok(logs(third.messages).some((l) => l.level === 'INFO' && new RegExp(`, ${pendingNow} still PENDING fetched again for their current approvers`).test(l.message)), 'the INFO line counts the pending re-fetches');
    const finalRows = latestRows(DETAILS, [first.messages, second.messages, third.messages]);
    for (const t of truth.values()) assert.equal(finalRows.get(t.instanceCode)!['status'], t.status);
  });

  it('killed during the recheck and resumed from its last STATE: every change still reaches the latest rows', async () => {
    const now = Date.now();
    emulator = await startEmulator({ seed: 146, codeCount: 2, instancesPerCode: 80, pendingRatio: 0.3, spanStartMs: now - DAY, spanEndMs: now - 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 6000)); // the model's seconds-soon finals are done
    const first = await sync(emulator, undefined);
    const approved = emulator.statuses().filter((t) => t.status === 'APPROVED').map((t) => t.instanceCode);
    for (const code of approved.slice(0, 12)) emulator.revokeInstance(code);
    const files = writeFiles({ 'config.json': connectionConfig(emulator), 'catalog.json': catalog('incremental', ['approval_instances', DETAILS]), 'state.json': bothStates(first.messages) });
    const killed = withMessages(await runConnectorUntilKilled(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!, '--state', files['state.json']!], 5));
    assert.notEqual(killed.signal, null, 'the sync was killed');
    const committed = committedPrefix(killed.messages);
    const resumeState = [lastState(committed, 'approval_instances') ?? lastState(first.messages, 'approval_instances')!, lastState(committed, DETAILS) ?? lastState(first.messages, DETAILS)!];
    const resumed = await sync(emulator, resumeState);
    const rows = latestRows(DETAILS, [first.messages, committed, resumed.messages]);
    for (const t of emulator.statuses()) assert.equal(rows.get(t.instanceCode)?.['status'], t.status, t.instanceCode);
  });

  it('a state from before the digest (pending list) still reads: its instances are fetched once, a deleted one (1390003) is emitted as DELETED, no first_seen leaks', async () => {
    const now = Date.now();
    emulator = await startEmulator({ seed: 142, codeCount: 1, instancesPerCode: 60, pendingRatio: 0.5, spanStartMs: now - DAY, spanEndMs: now - 120_000 });
    const first = await sync(emulator, undefined, { status_recheck_days: 0 });
    assert.equal(lastState(first.messages, DETAILS)!.stream!.stream_state!['status_digest'], undefined, 'no digest when re-checking is off');
    const open = records(first.messages, DETAILS).filter((r) => r.data['status'] === 'PENDING');
    const cursorsBlob = lastState(first.messages, DETAILS)!.stream!.stream_state!;
    const legacy = {
      ...cursorsBlob,
      pending: open.map((r) => ({ instance_code: r.data['instance_code'], approval_code: r.data['approval_code'], created_after: r.data['created_after'], created_before: r.data['created_before'], first_seen: new Date(now).toISOString() })),
    };
    const victim = open[0]!.data['instance_code'] as string;
    emulator.deleteInstance(victim, 'gone');
    emulator.resetStats();
    const second = await sync(emulator, [lastState(first.messages, 'approval_instances')!, { type: 'STREAM', stream: { stream_descriptor: { name: DETAILS }, stream_state: legacy } }]);
    const again = records(second.messages, DETAILS);
    const victimRow = again.find((r) => r.data['instance_code'] === victim)!;
    assert.deepEqual(
      Object.entries(victimRow.data).filter(([, v]) => v !== null).map(([k]) => k).sort(),
      ['approval_code', 'created_after', 'created_before', 'instance_code', 'status'],
    );
    assert.equal(victimRow.data['status'], 'DELETED');
    for (const r of open) assert.ok(again.some((a) => a.data['instance_code'] === r.data['instance_code']), 'each legacy pending instance is fetched again');
    assert.ok(again.every((r) => !('first_seen' in r.data)));
    assert.ok((emulator.stats().requests['detail'] ?? 0) <= open.length + 5, 'no re-fetch of everything while the digest is seeded from the query');
    const blob = lastState(second.messages, DETAILS)!.stream!.stream_state!;
    assert.equal(blob['pending'], undefined, 'new states carry the digest, not the pending list');
    assert.ok(blob['status_digest'], 'the digest is written');
  });

  it('a lagging bulk query: a change it has not caught up with reaches the destination on the sync after it does', async () => {
    const now = Date.now();
    const lagMs = 4000;
    emulator = await startEmulator({ seed: 145, codeCount: 1, instancesPerCode: 60, pendingRatio: 0.3, spanStartMs: now - DAY, spanEndMs: now - 120_000, queryLagMs: lagMs });
    await new Promise((resolve) => setTimeout(resolve, 6000)); // the model's seconds-soon finals are done
    const first = await sync(emulator, undefined);
    const approved = emulator.statuses().filter((t) => t.status === 'APPROVED').map((t) => t.instanceCode);
    const [revoked, deleted] = [approved[0]!, approved[1]!];
    emulator.revokeInstance(revoked);
    emulator.deleteInstance(deleted, 'status');
    const changedAt = Date.now();
    const second = await sync(emulator, bothStates(first.messages));
    const secondRan = Date.now() - changedAt < lagMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, changedAt + lagMs + 500 - Date.now())));
    const third = await sync(emulator, bothStates(second.messages));
    const rows = latestRows(DETAILS, [first.messages, second.messages, third.messages]);
    assert.equal(rows.get(revoked)!['status'], 'CANCELED');
    assert.equal(rows.get(deleted)!['status'], 'DELETED');
    if (secondRan) assert.ok(!records(second.messages, DETAILS).some((r) => r.data['instance_code'] === revoked), 'the query had not caught up during the second sync');
  });

  it('a bulk query refused for want of its scope: one WARN naming approval:approval.list:readonly, the sync still completes', async () => {
    const now = Date.now();
    emulator = await startEmulator({ seed: 144, codeCount: 1, instancesPerCode: 40, spanStartMs: now - DAY, spanEndMs: now - 120_000 });
    const first = await sync(emulator, undefined);
    emulator.configure({ deniedEndpoints: ['query'] });
    const added = emulator.addInstances({ approvalCode: emulator.approvalCodes[0]!, count: 3, createdFromMs: Date.now() - 20_000, createdToMs: Date.now() - 10_000 });
    const second = await sync(emulator, bothStates(first.messages));
    const warnings = logs(second.messages).filter((l) => l.level === 'WARN' && l.message.includes('approval:approval.list:readonly'));
    assert.equal(warnings.length, 1);
    const read = new Set(records(second.messages, DETAILS).map((r) => r.data['instance_code']));
    for (const t of added) assert.ok(read.has(t.instanceCode), 'new instances are still read');
  });

  it('the state stays small with 3,000 pending instances, and a details sync without user_id WARNs once about the scope', async (t) => {
    const now = Date.now();
    emulator = await startEmulator({ seed: 143, codeCount: 1, instancesPerCode: 3000, pendingRatio: 1, spanStartMs: now - 2 * DAY, spanEndMs: now - 120_000, detailRateLimit: null, listRateLimit: null });
    // The model finishes half of them within seconds: hold every instance PENDING.
    for (const t of emulator.truth()) emulator.setInstanceStatus(t.instanceCode, 'PENDING');
    const first = await sync(emulator, undefined, { detail_requests_per_minute: 120_000, detail_requests_per_second: 2000, detail_max_concurrency: 16 });
    const pendingCount = records(first.messages, DETAILS).filter((r) => r.data['status'] === 'PENDING').length;
    assert.equal(pendingCount, 3000);
    const sizes = first.messages.flatMap((m) => (m.type === 'STATE' && m.state.stream?.stream_descriptor.name === DETAILS ? [Buffer.byteLength(JSON.stringify(m.state))] : []));
    assert.ok(Math.max(...sizes) <= 64 * 1024, `largest details STATE ${Math.max(...sizes)} bytes`);
    t.diagnostic(`${pendingCount} pending; largest details STATE ${Math.max(...sizes)} bytes`);
    const scopeWarnings = logs(first.messages).filter((l) => l.level === 'WARN' && l.message.includes('contact:user.employee_id:readonly'));
    assert.equal(scopeWarnings.length, 1);
  });
});
