/**
 * details: the stream approval_instance_details against an instance detail API limited, as
 * Feishu's is, to 50 requests per second (fixed 1 s windows), with the connector's detail budget at
 * that limit. Measures detail requests per second over the span of the detail requests against
 * the budget, and the 429-style refusals.
 * Target: ≥ 0.9 of the budget with zero refusals, and a detail for every instance.
 */
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead } from '../connector-run.js';
import { checkExact, describeExactness } from '../exactness.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';

const CODES = 2;
const PER_CODE = 500;
const DAYS = 3;
const LATENCY_MS = 20;
const BUDGET_PER_S = 50;
const DETAIL_CONCURRENCY = 10;
const TARGET_FRACTION = 0.9;

export async function details(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const emulator = await scenarioEmulator(range, { codes: CODES, perCode: PER_CODE, latencyMs: LATENCY_MS }, { detailRateLimit: { limit: BUDGET_PER_S, windowMs: 1000 } });
  try {
    say(`details: ${CODES * PER_CODE} instance details at detail_requests_per_second=${BUDGET_PER_S} against a limit of ${BUDGET_PER_S}/s ...`);
    emulator.resetStats();
    const run = await runConnectorRead(
      connectorConfig(emulator, range, { detail_requests_per_second: BUDGET_PER_S, detail_max_concurrency: DETAIL_CONCURRENCY }),
      { streams: ['approval_instance_details'] },
    );
    assertCleanRun('details', run);
    const stats = emulator.stats();
    const detailRequests = stats.requests['detail'] ?? 0;
    // Over the span of detail requests: node start-up and the list requests are not the budget's.
    const times = stats.detailRequestTimes;
    const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const rate = spanS > 0 ? (times.length - 1) / spanS : 0;
    const fraction = rate / BUDGET_PER_S;
    const refused = stats.rateLimited;
    const exact = checkExact(emulator, run.codes, run.records);
    say(`details: ${detailRequests} detail requests in ${run.wallS.toFixed(1)} s = ${rate.toFixed(2)}/s (${(fraction * 100).toFixed(1)}% of the budget), ${refused} refused; ${describeExactness(exact)}`);
    return finish({
      name: 'details',
      about: `stream approval_instance_details, detail API limited to ${BUDGET_PER_S} req/s, connector detail budget at the limit: detail req/s vs budget, and 429s`,
      params: { codes: CODES, instancesPerCode: PER_CODE, days: DAYS, latencyMs: LATENCY_MS, detailRequestsPerSecond: BUDGET_PER_S, detailMaxConcurrency: DETAIL_CONCURRENCY },
      figures: { detailRequests, detailSpanS: spanS, listRequests: stats.requests['list'] ?? 0, wallS: run.wallS, ratePerS: rate, fractionOfBudget: fraction, rateLimited: refused, records: run.records },
      notes: [{ figure: 'detail requests / their span (sync wall time)', shown: `${detailRequests} / ${spanS.toFixed(1)} s (${run.wallS.toFixed(1)} s)` }],
      checks: [
        { figure: `detail req/s / budget (${BUDGET_PER_S}/s)`, value: fraction, shown: `${rate.toFixed(2)} / ${BUDGET_PER_S} = ${fraction.toFixed(3)}`, target: `≥ ${TARGET_FRACTION}`, met: fraction >= TARGET_FRACTION },
        { figure: '429s (code 99991400)', value: refused, shown: String(refused), target: '0', met: refused === 0 },
      ],
      exactness: [{ run: 'connector', result: exact }],
    });
  } finally {
    await emulator.stop();
  }
}
