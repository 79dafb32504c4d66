import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalog,
  committedPrefix,
  cutAfterRecords,
  instanceCodes,
  lastState,
  mulberry32,
  runConnectorInProcess,
  runConnectorUntilKilled,
  writeFiles,
  type CliOutput,
} from '../harness/index.js';
import { withMessages } from './helpers/connector.js';
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
  // Seeds with the same config cut the same whole run (reads change nothing on the emulator, so a
  // second whole run would be one more run of the same read): ten seeds, five distinct configs.
  const wholeRuns = new Map<string, Promise<CliOutput>>();
  const wholeRun = (args: string[], config: Record<string, unknown>): Promise<CliOutput> => {
    const key = JSON.stringify(config);
    let run = wholeRuns.get(key);
    if (!run) {
      run = runConnectorInProcess(args);
      wholeRuns.set(key, run);
    }
    return run;
  };
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
      let killed;
      if (real) killed = withMessages(await runConnectorUntilKilled(args, killAt));
      else {
        const whole = await wholeRun(args, config);
        assert.equal(whole.code, 0, `the read to cut exited ${whole.code}`);
        killed = withMessages(cutAfterRecords(whole, killAt));
      }
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
