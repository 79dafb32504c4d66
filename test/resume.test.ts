import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalog,
  committedPrefix,
  instanceCodes,
  lastState,
  mulberry32,
  runConnectorUntilKilled,
  writeFiles,
} from '../harness/index.js';
import { runCutAt, withMessages } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';
import { assertExactRecordCounts, assertNoDuplicates, assertResumedToTruth, sync } from './helpers/sync.js';

// Seeds read the one emulator side by side (reads change nothing there): the runs mostly wait on it.
describe('kill -9 and resume', { concurrency: 4 }, () => {
  const emulator = emulatorForSuite({
    seed: 31,
    codeCount: 2,
    instancesPerCode: 2500,
    latencyMs: 1,
    listRateLimit: null,
  });

  // Seeds 1 and 2 kill the real process; the others cut a whole in-process run at the same kind of
  // point (harness cutAfterRecords), which is what a kill there leaves, without a process per seed.
  for (let seed = 1; seed <= 12; seed++) {
    const real = seed <= 2;
    it(`seed ${seed}${real ? ' (a real kill -9)' : ''}: what the last STATE covers + the resumed sync = truth`, async () => {
      const random = mulberry32(seed);
      const config = emulatorConfig(emulator(), {
        window_hours: 2,
        page_size: 25,
        max_concurrency: 1 + Math.floor(random.next() * 6),
      });
      const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental') });
      const killAt = 1 + Math.floor(random.next() * 4900);
      const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
      const killed = real
        ? withMessages(await runConnectorUntilKilled(args, killAt))
        : (await runCutAt(args, [killAt]))[0]!;
      assert.equal(killed.signal, 'SIGKILL', `killed after ${killAt} records, before the end`);
      // The platform keeps records only up to the last STATE it received.
      const committed = committedPrefix(killed.messages);
      const committedCodes = instanceCodes(committed);
      assertNoDuplicates(committedCodes, 'records before the kill');
      assertExactRecordCounts({ messages: committed, code: null, signal: null, stdout: '', stderr: '' });
      const resumeFrom = lastState(committed);
      const resumed = await sync(emulator(), { config, state: resumeFrom ? [resumeFrom] : undefined });
      assertResumedToTruth(emulator(), committedCodes, resumed, killAt);
      assert.ok(resumeFrom === undefined || resumed.codes.length < 5000, 'the resumed sync did not start over');
    });
  }
});
