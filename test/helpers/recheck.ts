/**
 * The status-recheck scenario (issue 20): what users and admins change between two syncs of both
 * instance streams, and what the latest rows and the detail requests must then show. Shared by
 * test/status-recheck.test.ts (raised limits, a clock the test drives) and
 * test/slow/documented-limits.test.ts (the documented limits, in real time).
 */
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import type { FeishuEmulator } from '../../emulator/index.js';
import type { AirbyteMessage, AirbyteStateMessage, JsonObject } from '../../src/kit/protocol.js';
import { ApprovalInstanceDetailsStream } from '../../src/source/streams/details/approval-instance-details.js';
import { lastState, logs, records } from '../../harness/index.js';
import { latestRows as latestRowsOf } from './latest-rows.js';
import { sync, type SyncOptions, type SyncResult } from './sync.js';

export const DETAILS = 'approval_instance_details';
export const BOTH = ['approval_instances', DETAILS];

/** An incremental read of both streams. */
export function syncBoth(
  e: FeishuEmulator,
  state: AirbyteStateMessage[] | undefined,
  options: SyncOptions = {},
): Promise<SyncResult> {
  return sync(e, { timeoutMs: 240_000, ...options, streams: BOTH, ...(state ? { state } : {}) });
}

/** What an append-dedup destination keeps per instance of the details stream. */
export function latestRows(runs: AirbyteMessage[][]): Map<string, JsonObject> {
  return latestRowsOf(DETAILS, runs);
}

export function bothStates(run: AirbyteMessage[]): AirbyteStateMessage[] {
  return [lastState(run, 'approval_instances')!, lastState(run, DETAILS)!];
}

/** Every field of every record (and of its list items) is declared by the stream's schema, and the record validates. */
export function assertDeclared(run: AirbyteMessage[]): void {
  const schema = new ApprovalInstanceDetailsStream().jsonSchema as {
    properties: Record<string, { items?: { properties?: Record<string, unknown> } }>;
  };
  const validate = new Ajv({ strict: false }).compile(schema);
  for (const { data } of records(run, DETAILS)) {
    assert.ok(validate(data), JSON.stringify(validate.errors));
    for (const [key, value] of Object.entries(data)) {
      assert.ok(key in schema.properties, `undeclared field ${key}`);
      const itemProps = schema.properties[key]!.items?.properties;
      if (!itemProps || !Array.isArray(value)) continue;
      for (const item of value as JsonObject[])
        for (const itemKey of Object.keys(item)) assert.ok(itemKey in itemProps, `undeclared ${key}[].${itemKey}`);
    }
  }
}

/**
 * Revokes, deletions (both modes), PENDING → final and new instances between two syncs: all reach
 * the latest rows, with detail requests for what changed and what is new (plus the lookback's
 * few), never everything; a third sync with nothing changed fetches (almost) nothing. `emulator`
 * holds 2 codes × 200 instances, 30 % pending; `options` are the reads' (config, defaults).
 */
export async function recheckScenario(emulator: FeishuEmulator, options: SyncOptions): Promise<void> {
  const first = await syncBoth(emulator, undefined, options);
  assertDeclared(first.messages);
  const firstRows = latestRows([first.messages]);
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
  const nowMs = emulator.clock.now();
  const added = emulator.addInstances({
    approvalCode: emulator.approvalCodes[0]!,
    count: 5,
    createdFromMs: nowMs - 60_000,
    createdToMs: nowMs - 30_000,
  });
  emulator.resetStats();

  const second = await syncBoth(emulator, bothStates(first.messages), options);
  assertDeclared(second.messages);
  const truth = new Map(emulator.statuses().map((t) => [t.instanceCode, t]));
  const rows = latestRows([first.messages, second.messages]);
  const wrong = [...truth.values()].filter((t) => rows.get(t.instanceCode)?.['status'] !== t.status);
  assert.deepEqual(
    wrong.slice(0, 5).map((t) => [t.instanceCode, t.status, rows.get(t.instanceCode)?.['status']]),
    [],
    `${wrong.length} latest row(s) with a stale status`,
  );
  for (const code of revoked) assert.equal(rows.get(code)!['reverted'], true, 'a revoked approval says reverted');
  for (const code of deletedByStatus) assert.equal(rows.get(code)!['status'], 'DELETED');
  for (const t of added) assert.ok(rows.has(t.instanceCode), 'new instances are read');

  // Detail requests: what changed + what is new (+ the lookback's few), never everything.
  const changed = [...truth.values()].filter(
    (t) => firstRows.has(t.instanceCode) && firstRows.get(t.instanceCode)!['status'] !== t.status,
  ).length;
  const stats = emulator.stats();
  const detailRequests = stats.requests['detail'] ?? 0;
  const stillPending = [...truth.values()].filter((t) => t.status === 'PENDING').length;
  assert.ok(changed >= 16, `${changed} changed`);
  // Every instance still PENDING is fetched again too (its approvers may have moved on).
  assert.ok(
    detailRequests <= changed + added.length + stillPending + 10,
    `${detailRequests} detail requests for ${changed} changed + ${added.length} new + ${stillPending} still pending`,
  );
  assert.ok(
    detailRequests >= changed + added.length,
    `${detailRequests} detail requests for ${changed} changed + ${added.length} new; ${JSON.stringify(stats.requests)}; ${logs(
      second.messages,
    )
      .map((l) => l.message)
      .filter((m) => /recheck|detail request/.test(m))
      .join(' / ')}`,
  );
  assert.ok(
    (stats.requests['query'] ?? 0) <= 2 * Math.ceil(205 / 200) + 2,
    `${stats.requests['query']} query requests`,
  );
  assert.equal(stats.rateLimited, 0, 'no 99991400');
  // Gone without a trace: neither API names it, so it is reported, not marked (the state keeps no codes).
  assert.ok(
    logs(second.messages).some(
      (l) => l.level === 'WARN' && /1 instance\(s\) emitted earlier are no longer named/.test(l.message),
    ),
  );

  // A third sync with nothing changed fetches (almost) nothing but the PENDING instances again, and says how many.
  emulator.resetStats();
  const third = await syncBoth(emulator, bothStates(second.messages), options);
  const pendingNow = emulator.statuses().filter((t) => t.status === 'PENDING').length;
  assert.ok(
    (emulator.stats().requests['detail'] ?? 0) <= pendingNow + 10,
    `${emulator.stats().requests['detail']} detail requests with nothing changed and ${pendingNow} pending`,
  );
  assert.ok(
    logs(third.messages).some(
      (l) =>
        l.level === 'INFO' &&
        new RegExp(`, ${pendingNow} still PENDING fetched again for their current approvers`).test(l.message),
    ),
    'the INFO line counts the pending re-fetches',
  );
  const finalRows = latestRows([first.messages, second.messages, third.messages]);
  for (const t of truth.values()) assert.equal(finalRows.get(t.instanceCode)!['status'], t.status);
}
