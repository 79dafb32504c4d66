import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { records, states, traces } from '../harness/index.js';
import { assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';

describe('full refresh read', () => {
  let emulator: FeishuEmulator;
  before(async () => {
    emulator = await startEmulator({ seed: 3, codeCount: 2, instancesPerCode: 5000, listRateLimit: null });
  });
  after(() => emulator.stop());

  it('2 codes × 5,000 instances over 30 days: exactly the truth set, no duplicates', async () => {
    const result = await sync(emulator, { mode: 'full_refresh', config: { page_size: 100 } });
    assertNoDuplicates(result.codes);
    assertSameSet(result.codes, truthCodes(emulator), 'full refresh vs truth');
    assert.equal(result.codes.length, 10_000);
    const sample = records(result.messages)[0]!;
    assert.equal(sample.stream, 'approval_instances');
    assert.ok(emulator.approvalCodes.includes(sample.data['approval_code'] as string));
    assert.ok(Date.parse(sample.data['created_after'] as string) < Date.parse(sample.data['created_before'] as string));
    const fullRefreshStates = states(result.messages);
    assert.ok(fullRefreshStates.length > 0, 'full refresh ends the stream with a STATE');
    assert.equal(
      fullRefreshStates.reduce((n, s) => n + s.sourceStats!.recordCount!, 0),
      10_000,
      'recordCounts sum to the records',
    );
    assert.deepEqual(fullRefreshStates.at(-1)!.stream!.stream_state!['full_refresh'], { complete: true });
    const statuses = traces(result.messages, 'STREAM_STATUS').map((t) => t.stream_status!.status);
    assert.deepEqual(statuses, ['STARTED', 'RUNNING', 'COMPLETE']);
  });

  it('reads only the streams in the configured catalog', async () => {
    emulator.resetStats();
    const result = await sync(emulator, {
      mode: 'full_refresh',
      config: { approval_codes: [emulator.approvalCodes[0]] },
    });
    assert.ok(result.codes.length > 0);
    assert.equal(emulator.stats().requests['detail'] ?? 0, 0, 'no detail request for approval_instances');
    assertSameSet(
      result.codes,
      truthCodes(emulator, (t) => t.approvalCode === emulator.approvalCodes[0]),
      'one code',
    );
  });

  it('a dense single window is split so that its pages are fetched in parallel, still exactly', async () => {
    const dense = await startEmulator({
      seed: 21,
      codeCount: 1,
      instancesPerCode: 3000,
      spanStartMs: Date.now() - 2 * 3_600_000,
      spanEndMs: Date.now() - 1000,
      latencyMs: 20,
      listRateLimit: null,
    });
    try {
      const result = await sync(dense, {
        mode: 'full_refresh',
        config: { page_size: 20, max_concurrency: 8, start_date: new Date(dense.options.spanStartMs).toISOString() },
      });
      assertNoDuplicates(result.codes);
      assertSameSet(result.codes, truthCodes(dense), 'split window vs truth');
      assert.ok(
        dense.stats().maxInFlight >= 4,
        `pages of one window ran in parallel (peak ${dense.stats().maxInFlight} in flight)`,
      );
    } finally {
      await dense.stop();
    }
  });
});
