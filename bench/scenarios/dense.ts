/**
 * dense: 2 codes × 100,000 instances over 30 days, 50 ms per request, no rate limit. Records/s of
 * the connector (several max_concurrency values) against the SDK iterator walking the same
 * ≤10 h windows one page at a time. Target: connector ≥ 3× SDK.
 */
import { planWindows, queryBounds } from '../../src/source/scan/windows.js';
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead } from '../connector-run.js';
import { checkExact, describeExactness, type Exactness } from '../exactness.js';
import { HOUR_MS } from '../../harness/index.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';
import { sdkClient, walkWithSdk, type SdkWindow } from '../sdk-walk.js';

const CODES = 2;
const PER_CODE = 100_000;
const DAYS = 30;
const LATENCY_MS = 50;
const PAGE_SIZE = 100;
const TARGET_RATIO = 3;
/** Windows per approval code the SDK walks (evenly spread); BENCH_SDK_WINDOWS=all walks every one. */
const SDK_WINDOWS_PER_CODE =
  process.env['BENCH_SDK_WINDOWS'] === 'all' ? Infinity : Number(process.env['BENCH_SDK_WINDOWS'] ?? 8);
const CONCURRENCIES = (process.env['BENCH_DENSE_CONCURRENCY'] ?? '4,8,16,32').split(',').map(Number);
const RECOMMENDED_CONCURRENCY = 16;

/** `k` indices spread evenly over 0..n-1 (all of them when k >= n). */
function spread(n: number, k: number): number[] {
  if (k >= n) return [...Array(n).keys()];
  if (k <= 1) return [0];
  return [...new Set([...Array(k).keys()].map((i) => Math.round((i * (n - 1)) / (k - 1))))];
}

export async function dense(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const emulator = await scenarioEmulator(range, { codes: CODES, perCode: PER_CODE, latencyMs: LATENCY_MS });
  try {
    const planned = planWindows(range, 10 * HOUR_MS);
    // The same windows and query bounds as the connector, per code, in time order.
    const sdkWindows: SdkWindow[] = emulator.approvalCodes.flatMap((approvalCode) =>
      spread(planned.length, SDK_WINDOWS_PER_CODE).map((i) => ({
        approvalCode,
        query: queryBounds(planned[i]!, range),
      })),
    );
    say(`dense: SDK iterator over ${sdkWindows.length} of ${planned.length * CODES} windows, sequentially ...`);
    const client = await sdkClient(emulator.baseUrl, emulator.options.appId, emulator.options.appSecret);
    emulator.resetStats();
    const sdk = await walkWithSdk(client, sdkWindows, PAGE_SIZE);
    const sdkRequests = emulator.stats().requests['list'] ?? 0;
    const sdkRate = sdk.records / sdk.wallS;
    // Exactness of the SDK walk: every instance inside the walked windows' query bounds (inclusive).
    const sdkExpected = new Set<string>();
    for (const w of sdkWindows) {
      for (const t of emulator.truth(w.approvalCode)) {
        if (t.createTimeMs >= w.query.startMs && t.createTimeMs <= w.query.endMs) sdkExpected.add(t.instanceCode);
      }
    }
    let sdkMissing = 0;
    for (const code of sdkExpected) if (!sdk.codes.has(code)) sdkMissing++;
    const sdkExact = sdkMissing === 0 && sdk.codes.size === sdkExpected.size && sdk.failedPages === 0;
    say(
      `dense: SDK ${sdk.records} records, ${sdk.pages} pages (${sdkRequests} list requests) in ${sdk.wallS.toFixed(1)} s = ${sdkRate.toFixed(0)} records/s; ` +
        `${sdkExact ? 'exact' : 'NOT EXACT'} (${sdk.codes.size}/${sdkExpected.size} codes of those windows)`,
    );

    const runs: Record<string, unknown>[] = [];
    const exactness: { run: string; result: Exactness }[] = [];
    for (const maxConcurrency of CONCURRENCIES) {
      emulator.resetStats();
      const run = await runConnectorRead(
        connectorConfig(emulator, range, { requests_per_minute: 1_000_000, max_concurrency: maxConcurrency }),
      );
      assertCleanRun(`dense max_concurrency=${maxConcurrency}`, run);
      const stats = emulator.stats();
      const exact = checkExact(emulator, run.codes, run.records);
      const rate = run.records / run.wallS;
      exactness.push({ run: `connector max_concurrency=${maxConcurrency}`, result: exact });
      runs.push({
        maxConcurrency,
        records: run.records,
        wallS: run.wallS,
        firstRecordS: run.firstRecordS,
        recordsPerS: rate,
        ratioToSdk: rate / sdkRate,
        listRequests: stats.requests['list'] ?? 0,
        maxInFlight: stats.maxInFlight,
        childCpuS: run.usage?.cpuS,
        childPeakRssMiB: run.usage?.peakRssMiB,
        exact,
      });
      say(
        `dense: connector max_concurrency=${maxConcurrency}: ${run.records} records in ${run.wallS.toFixed(1)} s = ${rate.toFixed(0)} records/s ` +
          `(${(rate / sdkRate).toFixed(1)}× SDK), ${stats.requests['list'] ?? 0} list requests, peak ${stats.maxInFlight} in flight; ${describeExactness(exact)}`,
      );
      run.codes.clear();
    }

    const best = runs.reduce((a, b) => ((b['recordsPerS'] as number) > (a['recordsPerS'] as number) ? b : a));
    const recommended = runs.find((r) => r['maxConcurrency'] === RECOMMENDED_CONCURRENCY) ?? best;
    const bestRatio = best['ratioToSdk'] as number;
    return finish({
      name: 'dense',
      about: `${CODES} codes × ${PER_CODE.toLocaleString('en')} instances over ${DAYS} days, ${LATENCY_MS} ms per request, no rate limit: connector records/s vs the SDK iterator on the same windows`,
      params: {
        codes: CODES,
        instancesPerCode: PER_CODE,
        days: DAYS,
        latencyMs: LATENCY_MS,
        pageSize: PAGE_SIZE,
        requestsPerMinute: 1_000_000,
        concurrencies: CONCURRENCIES,
      },
      figures: {
        windowsPerCode: planned.length,
        sdk: {
          windowsWalked: sdkWindows.length,
          windowsTotal: planned.length * CODES,
          subset: sdkWindows.length < planned.length * CODES,
          records: sdk.records,
          pages: sdk.pages,
          listRequests: sdkRequests,
          wallS: sdk.wallS,
          recordsPerS: sdkRate,
          exact: sdkExact,
          expectedInWindows: sdkExpected.size,
        },
        connector: runs,
        best: { maxConcurrency: best['maxConcurrency'], recordsPerS: best['recordsPerS'], ratioToSdk: bestRatio },
      },
      notes: [
        {
          figure: `SDK records/s (${sdkWindows.length} of ${planned.length * CODES} windows, sequential)`,
          shown: `${sdkRate.toFixed(0)} (${sdk.records} rec, ${sdk.pages} pages, ${sdk.wallS.toFixed(1)} s${sdkExact ? ', exact' : ', NOT EXACT'})`,
        },
        ...runs.map((r) => ({
          figure: `connector records/s, max_concurrency=${r['maxConcurrency'] as number}`,
          shown: `${(r['recordsPerS'] as number).toFixed(0)} (${(r['ratioToSdk'] as number).toFixed(1)}× SDK, ${(r['wallS'] as number).toFixed(1)} s, ${r['listRequests'] as number} req)`,
        })),
      ],
      checks: [
        {
          figure: `connector / SDK records/s, best (max_concurrency=${best['maxConcurrency'] as number})`,
          value: bestRatio,
          shown: `${bestRatio.toFixed(1)}×`,
          target: `≥ ${TARGET_RATIO}×`,
          met: bestRatio >= TARGET_RATIO,
        },
        {
          figure: `connector / SDK records/s at max_concurrency=${recommended['maxConcurrency'] as number}`,
          value: recommended['ratioToSdk'] as number,
          shown: `${(recommended['ratioToSdk'] as number).toFixed(1)}×`,
          target: `≥ ${TARGET_RATIO}×`,
          met: (recommended['ratioToSdk'] as number) >= TARGET_RATIO,
        },
        {
          figure: 'SDK walk exact on its windows',
          value: sdkExact ? 1 : 0,
          shown: sdkExact ? 'yes' : 'no',
          target: 'yes',
          met: sdkExact,
        },
      ],
      exactness,
    });
  } finally {
    await emulator.stop();
  }
}
