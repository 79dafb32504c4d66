/**
 * Issue 13 §3: one failing stream does not stop the others. The app lacks the detail scope, so
 * every detail request answers 1390009 (HTTP 403); the list stream, which shares the scan, still
 * reads every instance to COMPLETE, and the sync ends with one TRACE ERROR naming the failed stream.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../emulator/index.js';
import type { SyncMode } from '../src/kit/protocol.js';
import { catalog, instanceCodes, records, states, traces, writeFiles } from '../harness/index.js';
import { runCli } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';
import { assertSameSet, truthCodes } from './helpers/sync.js';

const DETAILS = 'approval_instance_details';
const LIST = 'approval_instances';

describe('a stream whose API is denied does not sink the others', () => {
  const emulator = emulatorForSuite({
    seed: 51,
    codeCount: 2,
    instancesPerCode: 150,
    listRateLimit: null,
    detailRateLimit: null,
    deniedEndpoints: ['detail'],
  });

  const cases: { mode: SyncMode; order: string[] }[] = [
    { mode: 'incremental', order: [DETAILS, LIST] },
    { mode: 'incremental', order: [LIST, DETAILS] },
    { mode: 'full_refresh', order: [DETAILS, LIST] },
  ];
  for (const { mode, order } of cases) {
    it(`${mode}, catalog order ${order.join(', ')}: ${LIST} completes with every instance; one TRACE ERROR names ${DETAILS}`, async () => {
      const files = writeFiles({
        'config.json': emulatorConfig(emulator(), { detail_requests_per_second: 1000 }),
        'catalog.json': catalog(mode, order),
      });
      const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
      assert.equal(run.code, 1, 'the sync fails');
      assertSameSet(instanceCodes(run.messages, LIST), truthCodes(emulator()), `${LIST} vs truth`);
      assert.equal(records(run.messages, DETAILS).length, 0);

      const finalStatus = (stream: string) =>
        traces(run.messages, 'STREAM_STATUS')
          .filter((t) => t.stream_status!.stream_descriptor.name === stream)
          .at(-1)?.stream_status!.status;
      assert.equal(finalStatus(LIST), 'COMPLETE');
      assert.equal(finalStatus(DETAILS), 'INCOMPLETE');
      const listStates = states(run.messages, LIST);
      assert.ok(listStates.length > 0, `${LIST} checkpoints`);
      assert.equal(
        listStates.reduce((n, s) => n + s.sourceStats!.recordCount!, 0),
        300,
        'its recordCounts sum to its records',
      );

      const errors = traces(run.messages, 'ERROR');
      assert.equal(errors.length, 1, 'one TRACE ERROR');
      const error = errors[0]!.error!;
      assert.match(error.message, /following streams did not sync successfully: approval_instance_details: .*1390009/);
      assert.ok(!error.message.includes(`${LIST}:`), 'the list stream is not blamed');
      assert.equal(error.failure_type, 'config_error', 'a missing scope is for the user to fix');
      assert.equal(error.stream_descriptor?.name, DETAILS);
      assert.equal(run.messages.at(-1)?.type, 'TRACE', 'the TRACE ERROR comes last');
    });
  }

  it('a detail that fails for good mid-sync, while many detail fetches wait for room: the list stream still completes, no hang', async () => {
    const failing = await startEmulator({
      seed: 52,
      codeCount: 2,
      instancesPerCode: 300,
      listRateLimit: null,
      detailRateLimit: null,
      hostileDetailFail: 0.02,
    });
    try {
      const config = emulatorConfig(failing, {
        detail_requests_per_second: 1000,
        detail_max_concurrency: 4,
        max_retries: 1,
      });
      const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental', [DETAILS, LIST]) });
      const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!], {
        timeoutMs: 60_000,
      });
      assert.equal(run.signal, null, 'the sync ended by itself');
      assert.equal(run.code, 1);
      assertSameSet(instanceCodes(run.messages, LIST), truthCodes(failing), `${LIST} vs truth`);
      const errors = traces(run.messages, 'ERROR');
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.error!.message, /did not sync successfully: approval_instance_details: .*1395001/);
      assert.equal(errors[0]!.error!.failure_type, 'transient_error');
    } finally {
      await failing.stop();
    }
  });
});
