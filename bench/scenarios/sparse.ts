/**
 * sparse: one year, 2 codes, 40 instances in all. Every window fits in one page, so the least a
 * reader can do is one request per ≤10 h window: ceil(span / 10 h) per code. Target: list
 * requests ≤ 1.05 × that lower bound.
 */
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead } from '../connector-run.js';
import { checkExact, describeExactness } from '../exactness.js';
import { HOUR_MS } from '../../harness/index.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';

const CODES = 2;
const TOTAL_INSTANCES = 40;
const DAYS = 365;
const LATENCY_MS = 50;
const WINDOW_HOURS = 10;
const MAX_CONCURRENCY = 16;
const TARGET_FACTOR = 1.05;

export async function sparse(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const emulator = await scenarioEmulator(range, {
    codes: CODES,
    perCode: TOTAL_INSTANCES / CODES,
    latencyMs: LATENCY_MS,
  });
  try {
    const perCode = Math.ceil((range.endMs - range.startMs) / (WINDOW_HOURS * HOUR_MS));
    const lowerBound = CODES * perCode;
    say(`sparse: connector over ${DAYS} days, lower bound ${CODES} × ${perCode} = ${lowerBound} list requests ...`);
    emulator.resetStats();
    const run = await runConnectorRead(
      connectorConfig(emulator, range, {
        requests_per_minute: 100_000,
        max_concurrency: MAX_CONCURRENCY,
        window_hours: WINDOW_HOURS,
      }),
    );
    assertCleanRun('sparse', run);
    const stats = emulator.stats();
    const listRequests = stats.requests['list'] ?? 0;
    const factor = listRequests / lowerBound;
    const exact = checkExact(emulator, run.codes, run.records);
    say(
      `sparse: ${listRequests} list requests = ${factor.toFixed(4)} × lower bound, ${run.wallS.toFixed(1)} s, child peak RSS ${run.usage?.peakRssMiB.toFixed(1) ?? '?'} MiB, CPU ${run.usage?.cpuS.toFixed(2) ?? '?'} s; ${describeExactness(exact)}`,
    );
    return finish({
      name: 'sparse',
      about: `${DAYS} days, ${CODES} codes, ${TOTAL_INSTANCES} instances: list requests vs the lower bound ceil(span / ${WINDOW_HOURS} h) per code`,
      params: {
        codes: CODES,
        totalInstances: TOTAL_INSTANCES,
        days: DAYS,
        latencyMs: LATENCY_MS,
        windowHours: WINDOW_HOURS,
        maxConcurrency: MAX_CONCURRENCY,
      },
      figures: {
        listRequests,
        lowerBound,
        factor,
        requests: stats.requests,
        wallS: run.wallS,
        records: run.records,
        childPeakRssMiB: run.usage?.peakRssMiB,
        childCpuS: run.usage?.cpuS,
      },
      notes: [
        {
          figure: 'list requests made, lower bound',
          shown: `${listRequests} / ${lowerBound} (${run.wallS.toFixed(1)} s)`,
        },
      ],
      checks: [
        {
          figure: 'list requests / lower bound',
          value: factor,
          shown: factor.toFixed(4),
          target: `≤ ${TARGET_FACTOR}`,
          met: factor <= TARGET_FACTOR,
        },
      ],
      exactness: [{ run: 'connector', result: exact }],
    });
  } finally {
    await emulator.stop();
  }
}
