/**
 * Issue 13 §2: a STATE in every sync mode. A full refresh ends each stream with a STATE whose
 * recordCounts sum to its records, and an interrupted full refresh that the platform retries with
 * its last STATE resumes from it (resumable full refresh); a finished one reads nothing (issue 25 §7).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../emulator/index.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import {
  catalog,
  committedPrefix,
  instanceCodes,
  lastState,
  logs,
  records,
  runConnectorUntilKilled,
  states,
  traces,
  writeFiles,
} from '../harness/index.js';
import { runCli, runCutAt, withMessages } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';
import { assertExactRecordCounts, assertResumedToTruth, assertSameSet, sync, truthCodes } from './helpers/sync.js';

const STREAMS = ['approval_instances', 'approval_instance_details'];

/** Per stream: the records it wrote and the sum of the recordCounts of its STATEs. */
function countsByStream(
  messages: AirbyteMessage[],
): Record<string, { records: number; counted: number; states: number }> {
  const out: Record<string, { records: number; counted: number; states: number }> = {};
  const of = (name: string) => (out[name] ??= { records: 0, counted: 0, states: 0 });
  for (const m of messages) {
    if (m.type === 'RECORD') of(m.record.stream).records++;
    if (m.type === 'STATE') {
      const entry = of(m.state.stream!.stream_descriptor.name);
      entry.counted += m.state.sourceStats!.recordCount!;
      entry.states++;
    }
  }
  return out;
}

describe('full refresh: STATE messages and resume', () => {
  const emulator = emulatorForSuite({
    seed: 41,
    codeCount: 2,
    instancesPerCode: 2500,
    latencyMs: 4,
    listRateLimit: null,
    detailRateLimit: null,
  });

  it('discover declares both streams resumable, which the kill tests below hold it to', async () => {
    const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
    const discover = await runCli(['discover', '--config', files['config.json']!]);
    const found = discover.messages.find((m) => m.type === 'CATALOG');
    assert.deepEqual(
      found?.type === 'CATALOG' &&
        found.catalog.streams.filter((s) => STREAMS.includes(s.name)).map((s) => [s.name, s.is_resumable]),
      STREAMS.map((name) => [name, true]),
    );
  });

  for (const mode of ['full_refresh', 'incremental'] as const) {
    it(`${mode}: both streams end with a STATE whose recordCounts sum to their records`, async () => {
      const small = await startEmulator({
        seed: 42,
        codeCount: 2,
        instancesPerCode: 120,
        listRateLimit: null,
        detailRateLimit: null,
      });
      try {
        const files = writeFiles({
          'config.json': emulatorConfig(small, { detail_requests_per_second: 1000 }),
          'catalog.json': catalog(mode, STREAMS),
        });
        const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
        assert.equal(run.code, 0);
        const counts = countsByStream(run.messages);
        for (const stream of STREAMS) {
          assert.equal(counts[stream]!.records, 240, `${stream}: every instance`);
          assert.equal(counts[stream]!.counted, counts[stream]!.records, `${stream}: recordCounts sum to its records`);
          // The stream's last message before COMPLETE is its final STATE.
          const complete = run.messages.findIndex(
            (m) =>
              m.type === 'TRACE' &&
              m.trace.stream_status?.stream_descriptor.name === stream &&
              m.trace.stream_status.status === 'COMPLETE',
          );
          const lastOwn = run.messages
            .slice(0, complete)
            .findLast(
              (m) =>
                (m.type === 'RECORD' && m.record.stream === stream) ||
                (m.type === 'STATE' && m.state.stream?.stream_descriptor.name === stream),
            );
          assert.equal(lastOwn?.type, 'STATE', `${stream} ends with a STATE`);
          const marker = lastState(run.messages, stream)!.stream!.stream_state!['full_refresh'];
          assert.deepEqual(
            marker,
            mode === 'full_refresh' ? { complete: true } : undefined,
            'only a full refresh marks its STATE',
          );
        }
      } finally {
        await small.stop();
      }
    });
  }

  it('an incremental state given to a full refresh starts over from start_date', async () => {
    const config = { approval_codes: [emulator().approvalCodes[0]] };
    const incremental = await sync(emulator(), { mode: 'incremental', config });
    const again = await sync(emulator(), { mode: 'full_refresh', config, state: [lastState(incremental.messages)!] });
    assertSameSet(
      again.codes,
      truthCodes(emulator(), (t) => t.approvalCode === emulator().approvalCodes[0]),
      'a new full refresh reads everything',
    );
  });

  // Issue 25 §7: the platform keeps a full refresh's STATE only between the attempts of one job, so a STATE
  // marked complete means an earlier attempt delivered the stream; reading it again would write it twice.
  it('a completed full refresh reads nothing for its stream (STATE sent again, 0 records) while the catalog’s other streams read normally', async () => {
    const small = await startListDetailUnlimited({ seed: 44, codeCount: 2, instancesPerCode: 150 });
    try {
      const truth = truthCodes(small);
      const first = await sync(small, { mode: 'full_refresh', streams: STREAMS });
      const completed = lastState(first.messages, 'approval_instances')!;
      assert.deepEqual(completed.stream!.stream_state!['full_refresh'], { complete: true });

      small.resetStats();
      const retry = await sync(small, { mode: 'full_refresh', streams: STREAMS, state: [completed] });
      assert.deepEqual(instanceCodes(retry.messages, 'approval_instances'), [], 'the completed stream reads nothing');
      assertSameSet(instanceCodes(retry.messages, 'approval_instance_details'), truth, 'the other stream reads all');
      assert.ok((small.stats().requests['detail'] ?? 0) >= truth.length, 'the other stream fetched its details');
      const own = states(retry.messages, 'approval_instances');
      assert.equal(own.length, 1, 'one STATE for the completed stream');
      assert.deepEqual(own[0]!.stream!.stream_state, completed.stream!.stream_state, 'its STATE sent again unchanged');
      assert.equal(own[0]!.sourceStats!.recordCount, 0);
      const statuses = traces(retry.messages, 'STREAM_STATUS')
        .filter((t) => t.stream_status!.stream_descriptor.name === 'approval_instances')
        .map((t) => t.stream_status!.status);
      assert.deepEqual(statuses, ['STARTED', 'COMPLETE']);
      assert.ok(
        logs(retry.messages).some((l) => /approval_instances: its full refresh already completed/.test(l.message)),
      );
      assertExactRecordCounts(retry);

      // Every stream completed: nothing is read, and no list or detail request is made.
      small.resetStats();
      const all = await sync(small, {
        mode: 'full_refresh',
        streams: STREAMS,
        state: STREAMS.map((name) => lastState(first.messages, name)!),
      });
      assert.equal(records(all.messages).length, 0);
      assert.equal(small.stats().requests['list'] ?? 0, 0, 'no list request');
      assert.equal(small.stats().requests['detail'] ?? 0, 0, 'no detail request');
      assert.equal(states(all.messages).length, STREAMS.length, 'each stream sends its STATE again');
    } finally {
      await small.stop();
    }
  });

  // 1500: a real kill -9; 3200: a whole in-process run cut as such a kill leaves it (harness cutAfterRecords).
  for (const killAt of [1500, 3200]) {
    const real = killAt === 1500;
    it(`${real ? 'kill -9' : 'cut as a kill -9'} after ${killAt} records, resumed with the last STATE: every instance, and the resumed sync does not start over`, async () => {
      const config = emulatorConfig(emulator(), { window_hours: 2, page_size: 50, max_concurrency: 2 });
      const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('full_refresh') });
      const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
      const killed = real
        ? withMessages(await runConnectorUntilKilled(args, killAt))
        : (await runCutAt(args, [killAt]))[0]!;
      assert.ok(killed.signal === 'SIGKILL', 'the sync was killed before it finished');
      const committed = committedPrefix(killed.messages);
      const committedCodes = instanceCodes(committed);
      assertExactRecordCounts({ ...killed, messages: committed });
      const resumeFrom = lastState(committed);
      assert.ok(resumeFrom, 'a STATE reached stdout before the kill');
      assert.deepEqual(resumeFrom.stream!.stream_state!['full_refresh'], { complete: false });
      const resumed = await sync(emulator(), { mode: 'full_refresh', config, state: [resumeFrom] });
      assertResumedToTruth(emulator(), committedCodes, resumed, killAt);
      assert.ok(
        resumed.codes.length < 5000,
        `the resumed full refresh did not start over (${resumed.codes.length} records)`,
      );
      assert.ok(logs(resumed.messages).some((l) => /resuming an interrupted full refresh/.test(l.message)));
      assert.deepEqual(lastState(resumed.messages)!.stream!.stream_state!['full_refresh'], { complete: true });
      assert.equal(
        states(resumed.messages).reduce((n, s) => n + s.sourceStats!.recordCount!, 0),
        records(resumed.messages).length,
      );
    });
  }

  it('details in full refresh: cut after 500 records as a kill -9 leaves it, resumed with the last STATE: every instance has its detail', async () => {
    const slow = await startEmulator({
      seed: 43,
      codeCount: 2,
      instancesPerCode: 400,
      latencyMs: 1,
      listRateLimit: null,
      detailRateLimit: null,
    });
    try {
      const config = emulatorConfig(slow, {
        window_hours: 2,
        detail_requests_per_second: 1000,
        detail_max_concurrency: 2,
      });
      const files = writeFiles({
        'config.json': config,
        'catalog.json': catalog('full_refresh', ['approval_instance_details']),
      });
      const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
      const [killed] = await runCutAt(args, [500]);
      assert.equal(killed!.signal, 'SIGKILL', 'cut before the end');
      const committed = committedPrefix(killed!.messages);
      const resumeFrom = lastState(committed);
      assert.ok(resumeFrom, 'a STATE reached stdout before the kill');
      const stateFile = writeFiles({ 'state.json': [resumeFrom] });
      const resumed = await runCli([...args, '--state', stateFile['state.json']!]);
      assert.equal(resumed.code, 0);
      const resumedCodes = instanceCodes(resumed.messages);
      assertSameSet([...instanceCodes(committed), ...resumedCodes], truthCodes(slow), 'details: committed + resumed');
      assert.ok(
        resumedCodes.length < 800,
        `the resumed full refresh did not start over (${resumedCodes.length} records)`,
      );
    } finally {
      await slow.stop();
    }
  });
});
