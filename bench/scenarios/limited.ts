/**
 * limited: the emulator's list API allows R = 20 requests per (wall-clock-aligned) second and the
 * connector's budget is 1,200 per minute. Measures the list request rate the emulator received
 * over the steady part of the run, as a fraction of R, and the 429-style refusals (99991400).
 * Target: ≥ 0.9 R with zero refusals.
 */
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead } from '../connector-run.js';
import { checkExact, describeExactness } from '../exactness.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';

const CODES = 2;
/** 30 days = 72 windows per code; 36,000 per code ≈ 500 per window ≈ 5–6 pages: ~800 requests ≈ 40 s at 20/s. */
const PER_CODE = 36_000;
const DAYS = 30;
const LATENCY_MS = 50;
const R = 20;
const BUDGET_PER_MINUTE = 1200;
const MAX_CONCURRENCY = 4;
/** The first and last seconds (ramp-up, the last windows draining) are not the steady part. */
const EDGE_MS = 2000;
const TARGET_FRACTION = 0.9;
const MIN_REQUEST_SPAN_S = 30;

export async function limited(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const emulator = await scenarioEmulator(
    range,
    { codes: CODES, perCode: PER_CODE, latencyMs: LATENCY_MS },
    { listRateLimit: { limit: R, windowMs: 1000 } },
  );
  try {
    say(
      `limited: connector at requests_per_minute=${BUDGET_PER_MINUTE}, max_concurrency=${MAX_CONCURRENCY} against R=${R}/s ...`,
    );
    emulator.resetStats();
    const run = await runConnectorRead(
      connectorConfig(emulator, range, { requests_per_minute: BUDGET_PER_MINUTE, max_concurrency: MAX_CONCURRENCY }),
    );
    assertCleanRun('limited', run);
    const stats = emulator.stats();
    const times = [...stats.listRequestTimes].sort((a, b) => a - b);
    const first = times[0] ?? 0;
    const last = times[times.length - 1] ?? 0;
    const from = first + EDGE_MS;
    const to = last - EDGE_MS;
    const steadyCount = times.filter((t) => t >= from && t < to).length;
    const steadyRate = to > from ? (steadyCount * 1000) / (to - from) : 0;
    const overallRate = last > first ? ((times.length - 1) * 1000) / (last - first) : 0;
    // Requests the limiter saw per aligned second (received times; the limiter decides 50 ms later).
    const perSecond = new Map<number, number>();
    for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    const busiestSecond = Math.max(0, ...perSecond.values());
    const secondsOverR = [...perSecond.values()].filter((n) => n > R).length;
    const refused = stats.rateLimited;
    const spanS = (last - first) / 1000;
    const fraction = steadyRate / R;
    const exact = checkExact(emulator, run.codes, run.records);
    say(
      `limited: ${times.length} list requests over ${spanS.toFixed(1)} s, steady ${steadyRate.toFixed(2)} req/s = ${(fraction * 100).toFixed(1)}% of R, ` +
        `${refused} refused (99991400), busiest received second ${busiestSecond} (${secondsOverR} s above R); ${describeExactness(exact)}`,
    );
    return finish({
      name: 'limited',
      about: `list API limited to R=${R} req/s (fixed 1 s windows), connector budget ${BUDGET_PER_MINUTE}/min: achieved list req/s over the steady part vs R, and 429s`,
      params: {
        codes: CODES,
        instancesPerCode: PER_CODE,
        days: DAYS,
        latencyMs: LATENCY_MS,
        R,
        requestsPerMinute: BUDGET_PER_MINUTE,
        maxConcurrency: MAX_CONCURRENCY,
        steadyEdgeMs: EDGE_MS,
      },
      figures: {
        listRequests: times.length,
        requestSpanS: spanS,
        steadyRequests: steadyCount,
        steadyRatePerS: steadyRate,
        overallRatePerS: overallRate,
        fractionOfR: fraction,
        rateLimited: refused,
        busiestReceivedSecond: busiestSecond,
        receivedSecondsOverR: secondsOverR,
        responsesByCode: stats.responsesByCode,
        wallS: run.wallS,
        records: run.records,
        connectorSummary: run.summaryLogs.filter((l) => l.startsWith('Sync finished')),
      },
      notes: [
        {
          figure: 'list requests / span of requests',
          shown: `${times.length} / ${spanS.toFixed(1)} s (overall ${overallRate.toFixed(2)} req/s)`,
        },
      ],
      checks: [
        {
          figure: `steady list req/s / R (R=${R})`,
          value: fraction,
          shown: `${steadyRate.toFixed(2)} / ${R} = ${fraction.toFixed(3)}`,
          target: `≥ ${TARGET_FRACTION}`,
          met: fraction >= TARGET_FRACTION,
        },
        { figure: '429s (code 99991400)', value: refused, shown: String(refused), target: '0', met: refused === 0 },
        {
          figure: 'span of list requests',
          value: spanS,
          shown: `${spanS.toFixed(1)} s`,
          target: `≥ ${MIN_REQUEST_SPAN_S} s`,
          met: spanS >= MIN_REQUEST_SPAN_S,
        },
      ],
      exactness: [{ run: 'connector', result: exact }],
    });
  } finally {
    await emulator.stop();
  }
}
