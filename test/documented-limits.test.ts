/**
 * Issue 14 point 1, through the real CLI: the emulator at its documented default limits (list
 * 100/min; detail 1,000/min and 50/s, sliding windows) and the connector with its default config.
 * A read of both streams over 1,100 instances gets no 99991400 from any endpoint and takes no more
 * than 1.2 x the time 1,100 detail requests need at 1,000 per minute (66 s). The one test here that
 * runs longer than a minute, by design.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { catalog, connectionConfig, instanceCodes, writeFiles } from '../harness/index.js';
import { runCli } from './helpers/connector.js';
import { assertSameSet, truthCodes } from './helpers/sync.js';

const DAY = 86_400_000;
const INSTANCES = 1_100;
const DETAIL_PER_MINUTE = 1_000;
const SLACK = 1.2;
const STREAMS = ['approval_instances', 'approval_instance_details'];

describe('documented limits, default config', () => {
  let emulator: FeishuEmulator;
  before(async () => {
    const now = Date.now();
    // No limit options: the emulator's defaults are the documented limits. 20 ms per answer, as a real host would take at least.
    emulator = await startEmulator({ seed: 1400, codeCount: 2, instancesPerCode: INSTANCES / 2, spanStartMs: now - 3 * DAY, spanEndMs: now - 3_600_000, latencyMs: 20 });
  });
  after(() => emulator.stop());

  it(`reads ${INSTANCES} instances and their details without one 99991400, within ${SLACK} x the detail limit's time`, async (t) => {
    const requiredS = (INSTANCES / DETAIL_PER_MINUTE) * 60;
    const config = connectionConfig(emulator, { start_date: new Date(emulator.options.spanStartMs).toISOString() });
    const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental', STREAMS) });
    const started = Date.now();
    const result = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!], { timeoutMs: 3 * requiredS * 1000 });
    const elapsedS = (Date.now() - started) / 1000;
    assert.equal(result.code, 0, result.stderr.slice(-2000));

    const stats = emulator.stats();
    assert.equal(stats.rateLimited, 0, `99991400 by endpoint: ${JSON.stringify(stats.rateLimitedByEndpoint)}`);
    const expected = truthCodes(emulator);
    assert.equal(expected.length, INSTANCES);
    for (const stream of STREAMS) assertSameSet(instanceCodes(result.messages, stream), expected, stream);
    assert.equal(stats.requests['detail'], INSTANCES, 'one detail request per instance');
    assert.ok(elapsedS <= SLACK * requiredS, `took ${elapsedS.toFixed(1)} s; ${SLACK} x ${requiredS} s allowed`);
    t.diagnostic(`${INSTANCES} details + list in ${elapsedS.toFixed(1)} s (${((INSTANCES / elapsedS) * 60).toFixed(0)}/min, ${(elapsedS / requiredS).toFixed(3)} x the limit's ${requiredS} s)`);
  });
});
