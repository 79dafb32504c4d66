/**
 * details: the stream approval_instance_details against an emulator at Feishu's documented limits
 * (detail 1,000 per minute and 50 in any second, list 100 per minute, sliding windows), the
 * connector at its default config. Measures detail requests per minute over the span of the detail
 * requests, as a ratio to the documented 1,000/min (the baseline), and the 99991400 refusals.
 * Target: ≥ 0.95 of 1,000/min with zero refusals, and a detail for every instance.
 */
import { defaultOptions } from '../../emulator/options.js';
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead } from '../connector-run.js';
import { checkExact, describeExactness } from '../exactness.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';

const CODES = 2;
/** 1,200 details: a little over a minute at the limit, so the minute window binds, not only the second's. */
const PER_CODE = 600;
const DAYS = 3;
const LATENCY_MS = 20;
const LIMIT_PER_MINUTE = 1000;
const TARGET_FRACTION = 0.95;

export async function details(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const documented = defaultOptions();
  const emulator = await scenarioEmulator(
    range,
    { codes: CODES, perCode: PER_CODE, latencyMs: LATENCY_MS },
    { listRateLimit: documented.listRateLimit, detailRateLimit: documented.detailRateLimit },
  );
  try {
    say(
      `details: ${CODES * PER_CODE} instance details, default config, against the documented limits (detail ${LIMIT_PER_MINUTE}/min and 50/s) ...`,
    );
    emulator.resetStats();
    // The bench's page size and window are the defaults too; only the credentials and the range are set.
    const run = await runConnectorRead(connectorConfig(emulator, range), { streams: ['approval_instance_details'] });
    assertCleanRun('details', run);
    const stats = emulator.stats();
    const detailRequests = stats.requests['detail'] ?? 0;
    // Over the span of detail requests: node start-up and the list requests are not the budget's.
    const times = stats.detailRequestTimes;
    const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const perMinute = spanS > 0 ? ((times.length - 1) / spanS) * 60 : 0;
    const fraction = perMinute / LIMIT_PER_MINUTE;
    const refused = stats.rateLimited;
    const exact = checkExact(emulator, run.codes, run.records);
    say(
      `details: ${detailRequests} detail requests in ${run.wallS.toFixed(1)} s = ${perMinute.toFixed(0)}/min (${(fraction * 100).toFixed(1)}% of ${LIMIT_PER_MINUTE}/min), ${refused} refused; ${describeExactness(exact)}`,
    );
    return finish({
      name: 'details',
      about: `stream approval_instance_details at the documented limits (detail ${LIMIT_PER_MINUTE}/min and 50/s, list 100/min), default config: detail req/min vs ${LIMIT_PER_MINUTE}/min, and 429s`,
      params: {
        codes: CODES,
        instancesPerCode: PER_CODE,
        days: DAYS,
        latencyMs: LATENCY_MS,
        detailLimitPerMinute: LIMIT_PER_MINUTE,
        detailLimitPerSecond: 50,
        config: 'defaults',
      },
      figures: {
        detailRequests,
        detailSpanS: spanS,
        listRequests: stats.requests['list'] ?? 0,
        wallS: run.wallS,
        ratePerMinute: perMinute,
        fractionOfLimit: fraction,
        rateLimited: refused,
        records: run.records,
      },
      notes: [
        {
          figure: 'detail requests / their span (sync wall time)',
          shown: `${detailRequests} / ${spanS.toFixed(1)} s (${run.wallS.toFixed(1)} s)`,
        },
      ],
      checks: [
        {
          figure: `detail req/min / documented limit (${LIMIT_PER_MINUTE}/min)`,
          value: fraction,
          shown: `${perMinute.toFixed(0)} / ${LIMIT_PER_MINUTE} = ${fraction.toFixed(3)}`,
          target: `≥ ${TARGET_FRACTION}`,
          met: fraction >= TARGET_FRACTION,
        },
        { figure: '429s (code 99991400)', value: refused, shown: String(refused), target: '0', met: refused === 0 },
      ],
      exactness: [{ run: 'connector', result: exact }],
    });
  } finally {
    await emulator.stop();
  }
}
