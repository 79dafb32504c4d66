import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { ShiftedClock, startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteStateMessage } from '../src/kit/protocol.js';
import { ApprovalInstanceDetailsStream } from '../src/source/streams/details/approval-instance-details.js';
import {
  catalog,
  committedPrefix,
  instanceCodes,
  lastState,
  records,
  runConnectorUntilKilled,
  writeFiles,
} from '../harness/index.js';
import { assertExactRecordCounts, assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { readWithState, runCli, runCutAt, withMessages, type RunResult } from './helpers/connector.js';

const DETAILS = 'approval_instance_details';
let emulator: FeishuEmulator | undefined;
afterEach(() => emulator?.stop());
after(() => emulator?.stop());

/** Reads both streams incrementally. */
function syncBoth(e: FeishuEmulator, config: Record<string, unknown>, state?: AirbyteStateMessage[]) {
  return sync(e, { config, streams: ['approval_instances', DETAILS], ...(state ? { state } : {}) });
}

describe('approval_instance_details', () => {
  it('full + incremental of both streams: a detail for every instance, PENDING → final re-emitted, within the detail budget', async () => {
    // The emulator's time flows (its detail window slides as the connector paces) but starts 5.5 s
    // behind the wall clock, so the test can later move it on instead of sleeping.
    const clock = new ShiftedClock(-5500);
    emulator = await startEmulator(
      {
        seed: 12,
        codeCount: 2,
        instancesPerCode: 150,
        pendingRatio: 0.4,
        listRateLimit: null,
        detailRateLimit: { limit: 150, windowMs: 1000 },
      },
      0,
      { clock },
    );
    // 145/s against the emulator's 150 in any second: a per-second budget paced exactly at the window
    // left no room for the in-process emulator's arrival times bunching under a loaded full suite
    // (seen once: 1 refusal). The assertion below (0 × 429) is unchanged.
    const config = { detail_requests_per_second: 145, detail_max_concurrency: 8 };
    const first = await syncBoth(emulator, config);
    const details = records(first.messages, DETAILS);
    assertNoDuplicates(
      details.map((r) => r.data['instance_code'] as string),
      'details in sync 1',
    );
    assertSameSet(
      details.map((r) => r.data['instance_code'] as string),
      truthCodes(emulator),
      'details vs truth',
    );
    assertSameSet(
      records(first.messages, 'approval_instances').map((r) => r.data['instance_code'] as string),
      truthCodes(emulator),
      'codes vs truth',
    );
    assertExactRecordCounts({
      ...first,
      messages: first.messages
        .filter((m) => m.type !== 'RECORD' || m.record.stream === DETAILS)
        .filter((m) => m.type !== 'STATE' || m.state.stream?.stream_descriptor.name === DETAILS),
    });

    const validate = new Ajv({ strict: false }).compile(new ApprovalInstanceDetailsStream().jsonSchema);
    for (const r of details) assert.ok(validate(r.data), JSON.stringify(validate.errors));
    const open = details.filter((r) => r.data['status'] === 'PENDING');
    assert.ok(open.length > 10, `${open.length} pending`);
    assert.ok(open.every((r) => r.data['end_time'] === null));
    const closed = details.find((r) => r.data['status'] !== 'PENDING')!;
    assert.ok(Date.parse(closed.data['end_time'] as string) >= Date.parse(closed.data['start_time'] as string));
    assert.ok(Array.isArray(closed.data['form_parsed']));
    const detailState = lastState(first.messages, DETAILS)!;
    assert.ok(detailState.stream!.stream_state!['status_digest'], 'the state carries the digest of emitted statuses');
    assert.equal(detailState.stream!.stream_state!['pending'], undefined, 'no pending list of codes');
    assert.equal(emulator.stats().rateLimited, 0, 'no 429 at the detail budget');
    // Both streams start from no state: they share one scan, so the windows are listed once.
    const windows = first.messages
      .flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []))
      .filter((l) => /^Partition .*: done, /.test(l));
    const listRequests = windows.reduce((n, l) => n + Number(/(\d+) request\(s\)/.exec(l)![1]), 0);
    assert.equal(windows.length, emulator.approvalCodes.length, 'one scan per approval code, not one per stream');
    assert.equal(emulator.stats().requests['list'], listRequests);

    // Half of the pending instances become final within seconds of the emulator's start.
    clock.advance(5500);
    emulator.resetStats();
    const second = await syncBoth(emulator, config, [lastState(first.messages, 'approval_instances')!, detailState]);
    const again = new Map(
      records(second.messages, DETAILS).map((r) => [r.data['instance_code'] as string, r.data['status'] as string]),
    );
    const truth = new Map(emulator.statuses().map((t) => [t.instanceCode, t.status]));
    const nowFinal = open.map((r) => r.data['instance_code'] as string).filter((code) => truth.get(code) !== 'PENDING');
    assert.ok(nowFinal.length > 0, 'some instances moved from PENDING to a final status');
    for (const code of nowFinal)
      assert.equal(again.get(code), truth.get(code), `${code} re-emitted with its final status`);
    // The changed instances and those still PENDING (their approvers may have moved on) are fetched again, nothing else.
    const stillPending = [...truth.values()].filter((s) => s === 'PENDING').length;
    assert.ok(
      (emulator.stats().requests['detail'] ?? 0) <= nowFinal.length + stillPending + 10,
      `${emulator.stats().requests['detail']} detail requests for ${nowFinal.length} changed + ${stillPending} pending`,
    );
    assert.ok((emulator.stats().requests['query'] ?? 0) >= 1);
    assert.equal(emulator.stats().rateLimited, 0);
  });

  it('kill -9 mid-sync and resume: every instance gets its detail', async () => {
    emulator = await startListDetailUnlimited({ seed: 15, codeCount: 2, instancesPerCode: 400, latencyMs: 2 });
    const files = writeFiles({
      'config.json': emulatorConfig(emulator, { window_hours: 2, detail_requests_per_second: 1000 }),
      'catalog.json': catalog('incremental', [DETAILS]),
    });
    const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
    // A real kill -9 at 333 records; at 50 and 700 one whole in-process run is cut as such a kill would leave it.
    const [early, late] = await runCutAt(args, [50, 700]);
    const runs: Array<[number, RunResult]> = [
      [50, early!],
      [333, withMessages(await runConnectorUntilKilled(args, 333))],
      [700, late!],
    ];
    for (const [killAt, killed] of runs) {
      assert.equal(killed.signal, 'SIGKILL', `killed after ${killAt} records, before the end`);
      const committed = instanceCodes(committedPrefix(killed.messages));
      const resumeFrom = lastState(killed.messages);
      const stateFile = writeFiles({ 'state.json': resumeFrom ? [resumeFrom] : [] });
      const resumed = await runCli(
        readWithState(files['config.json']!, files['catalog.json']!, stateFile['state.json']!),
      );
      assert.equal(resumed.code, 0);
      const after = records(resumed.messages).map((r) => r.data['instance_code'] as string);
      assertSameSet([...committed, ...after], truthCodes(emulator), `details killed after ${killAt} records, resumed`);
    }
  });
});
