/**
 * fanout: the detail-based streams share one detail request per instance. Runs the same sync
 * twice against an instance detail API limited, as Feishu's is, to 50 requests per second: once
 * with approval_instance_details alone (the baseline), once with all five streams fed by the one
 * scan and its detail fetches (approval_instances, approval_instance_details,
 * approval_form_fields, approval_tasks, approval_timeline).
 * Target: the five cost exactly the baseline's detail and list requests (ratio 1), every instance
 * read, no refusal. Wall time and CPU are reported as ratios to the baseline.
 */
import { assertCleanRun, connectorConfig } from '../connector-config.js';
import { runConnectorRead, type ConnectorRun } from '../connector-run.js';
import { checkExact, describeExactness } from '../exactness.js';
import { finish, recentRange, say, scenarioEmulator, type ScenarioResult } from '../scenario.js';
import type { FeishuEmulator } from '../../emulator/index.js';

const CODES = 2;
const PER_CODE = 300;
const DAYS = 3;
const LATENCY_MS = 20;
const BUDGET_PER_S = 50;
const BASELINE = ['approval_instance_details'];
const ALL_FIVE = [
  'approval_instances',
  'approval_instance_details',
  'approval_form_fields',
  'approval_tasks',
  'approval_timeline',
];

interface Measured {
  run: ConnectorRun;
  detail: number;
  list: number;
  refused: number;
}

async function measure(
  emulator: FeishuEmulator,
  range: { startMs: number; endMs: number },
  streams: string[],
): Promise<Measured> {
  emulator.resetStats();
  const run = await runConnectorRead(
    connectorConfig(emulator, range, { detail_requests_per_second: BUDGET_PER_S, detail_max_concurrency: 10 }),
    { streams },
  );
  assertCleanRun(`fanout (${streams.length} stream(s))`, run);
  const stats = emulator.stats();
  return { run, detail: stats.requests['detail'] ?? 0, list: stats.requests['list'] ?? 0, refused: stats.rateLimited };
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

export async function detailFanout(): Promise<ScenarioResult> {
  const range = recentRange(DAYS);
  const emulator = await scenarioEmulator(
    range,
    { codes: CODES, perCode: PER_CODE, latencyMs: LATENCY_MS },
    { detailRateLimit: { limit: BUDGET_PER_S, windowMs: 1000 } },
  );
  try {
    say(
      `fanout: ${CODES * PER_CODE} instances, details alone vs the five detail-fed streams, detail API at ${BUDGET_PER_S}/s ...`,
    );
    const base = await measure(emulator, range, BASELINE);
    const five = await measure(emulator, range, ALL_FIVE);
    const exactBase = checkExact(emulator, base.run.codes, base.run.records);
    // With five streams every instance code appears in several records: exactness is on the codes only.
    const exactFive = checkExact(emulator, five.run.codes, five.run.codes.size);
    const detailRatio = ratio(five.detail, base.detail);
    const listRatio = ratio(five.list, base.list);
    const wallRatio = ratio(five.run.wallS, base.run.wallS);
    const cpuRatio = ratio(five.run.usage?.cpuS ?? Number.NaN, base.run.usage?.cpuS ?? Number.NaN);
    say(
      `fanout: detail requests ${five.detail} vs ${base.detail} (ratio ${detailRatio.toFixed(3)}), list ${five.list} vs ${base.list}, ` +
        `records ${five.run.records} vs ${base.run.records}, wall ${five.run.wallS.toFixed(1)} s vs ${base.run.wallS.toFixed(1)} s (ratio ${wallRatio.toFixed(2)}), ` +
        `CPU ratio ${cpuRatio.toFixed(2)}; ${describeExactness(exactFive)}`,
    );
    return finish({
      name: 'fanout',
      about:
        'the five streams fed by one scan and its detail fetches vs approval_instance_details alone: requests, wall time and CPU as ratios',
      params: {
        codes: CODES,
        instancesPerCode: PER_CODE,
        days: DAYS,
        latencyMs: LATENCY_MS,
        detailRequestsPerSecond: BUDGET_PER_S,
        baseline: BASELINE,
        fanout: ALL_FIVE,
      },
      figures: {
        baseline: {
          detailRequests: base.detail,
          listRequests: base.list,
          records: base.run.records,
          wallS: base.run.wallS,
          cpuS: base.run.usage?.cpuS,
        },
        five: {
          detailRequests: five.detail,
          listRequests: five.list,
          records: five.run.records,
          wallS: five.run.wallS,
          cpuS: five.run.usage?.cpuS,
        },
        detailRatio,
        listRatio,
        wallRatio,
        cpuRatio,
      },
      notes: [
        { figure: 'records, five streams / details alone', shown: `${five.run.records} / ${base.run.records}` },
        { figure: 'wall time ratio (five / one)', shown: wallRatio.toFixed(2) },
        { figure: 'connector CPU ratio (five / one)', shown: cpuRatio.toFixed(2) },
      ],
      checks: [
        {
          figure: 'detail requests, five / one',
          value: detailRatio,
          shown: `${five.detail} / ${base.detail} = ${detailRatio.toFixed(3)}`,
          target: '1',
          met: five.detail === base.detail,
        },
        {
          figure: 'list requests, five / one',
          value: listRatio,
          shown: `${five.list} / ${base.list} = ${listRatio.toFixed(3)}`,
          target: '1',
          met: five.list === base.list,
        },
        {
          figure: '429s (code 99991400)',
          value: base.refused + five.refused,
          shown: String(base.refused + five.refused),
          target: '0',
          met: base.refused + five.refused === 0,
        },
      ],
      exactness: [
        { run: 'details alone', result: exactBase },
        { run: 'five streams (codes)', result: exactFive },
      ],
    });
  } finally {
    await emulator.stop();
  }
}
