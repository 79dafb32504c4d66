/**
 * `npm run test:slow`: discover's definition requests in real time at the documented limit of the
 * definition API (100/min, sliding window: the emulator's default), with the connector's default
 * config, through the real CLI in a child process. Issue 26: one request per code, no 99991400,
 * and the time the progress line announced (N codes: about N / 98 minutes), within 1.2 x the
 * limit's time. 100 codes keep it near a minute; 300 codes take 3.1 min the same way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEmulator } from '../../emulator/index.js';
import { connectionConfig, formTableNames, logs, writeFiles } from '../../harness/index.js';
import { runChild } from '../helpers/connector.js';

const CODES = 100;
const PER_MINUTE = 100;
const SLACK = 1.2;

describe('discover at the definition API documented limit, default config', () => {
  it(`reads ${CODES} definitions without one 99991400, within ${SLACK} x the limit's time, as announced`, async (t) => {
    // 20 ms per answer, as a real host would take at least.
    const emulator = await startEmulator({ seed: 2600, codeCount: CODES, instancesPerCode: 1, latencyMs: 20 });
    try {
      const files = writeFiles({ 'config.json': connectionConfig(emulator) });
      const requiredS = ((CODES - 1) / PER_MINUTE) * 60;
      const started = Date.now();
      const run = await runChild(['discover', '--config', files['config.json']!], { timeoutMs: 3 * requiredS * 1000 });
      const elapsedS = (Date.now() - started) / 1000;
      assert.equal(run.code, 0, run.stderr);

      const stats = emulator.stats();
      assert.equal(stats.rateLimited, 0, `99991400 by endpoint: ${JSON.stringify(stats.rateLimitedByEndpoint)}`);
      assert.equal(stats.requests['approval'], CODES, 'one definition request per code');
      const catalog = run.messages.find((m) => m.type === 'CATALOG');
      assert.ok(catalog?.type === 'CATALOG');
      assert.deepEqual(
        catalog.catalog.streams.slice(-CODES).map((s) => s.name),
        formTableNames(emulator.approvalCodes),
      );
      assert.ok(elapsedS >= requiredS, `took ${elapsedS.toFixed(1)} s; the limit allows no less than ${requiredS} s`);
      assert.ok(elapsedS <= SLACK * requiredS, `took ${elapsedS.toFixed(1)} s; ${SLACK} x ${requiredS} s allowed`);
      const lines = logs(run.messages).map((l) => l.message);
      assert.ok(
        lines.some((l) => l.includes(`reading the definitions of ${CODES} approval code(s)`) && /about 61 s/.test(l)),
      );
      assert.ok(
        lines.some((l) => /Discover: \d+ of 100 approval definitions read/.test(l)),
        'progress every 10 s',
      );
      t.diagnostic(
        `${CODES} definitions in ${elapsedS.toFixed(1)} s (${((CODES / elapsedS) * 60).toFixed(1)}/min, ${(elapsedS / requiredS).toFixed(3)} x the limit's ${requiredS.toFixed(1)} s)`,
      );
    } finally {
      await emulator.stop();
    }
  });
});
