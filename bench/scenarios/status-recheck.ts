/**
 * status-recheck: incremental syncs of approval_instance_details with 30,000 instances inside the
 * 30-day recheck span, at the documented limits (query 1,000/min + 50/s, detail 1,000/min + 50/s,
 * list 100/min) and the connector's default config. The first sync starts from a state with
 * cursors only, so its recheck takes the bulk query's statuses as the baseline; then a share of the
 * instances changes (PENDING finished, approvals revoked, instances deleted in both modes) and the
 * next sync must fetch exactly those and the instances still PENDING (their approvers may have
 * moved on: fetched every sync); a sync after that, with nothing changed, only the PENDING ones.
 * 3 % of the instances start PENDING (half of those finish within seconds), so about 450 stay so.
 * Baseline in the same run: the same sync with status_recheck_days 0 (no recheck).
 * Targets: detail requests ≤ changed + pending + 10, query requests ≤ ⌈instances / 200⌉ + codes, every
 * changed instance (but the untraceable gone ones) re-emitted with its true status, 0 × 99991400.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type FeishuEmulator } from '../../emulator/index.js';
import { catalog, runConnectorCli, writeFiles } from '../../harness/index.js';
import { connectorConfig } from '../connector-config.js';
import { DAY_MS, finish, iso, say, type ScenarioResult } from '../scenario.js';

const CODES = 2;
const PER_CODE = 15_000;
const DAYS = 30;
const STREAM = 'approval_instance_details';
const CHANGES = { finished: 150, revoked: 50, deletedStatus: 40, deletedGone: 10 };
const SLACK = 10;
const PENDING_RATIO = 0.03;
const pendingCount = (emulator: FeishuEmulator): number =>
  emulator.statuses().filter((r) => r.status === 'PENDING').length;

interface SyncFigures {
  seconds: number;
  detail: number;
  query: number;
  list: number;
  throttled: number;
  records: Map<string, string>;
  state: Record<string, unknown> | undefined;
  stateBytes: number;
}

async function runSync(
  emulator: FeishuEmulator,
  range: { startMs: number; endMs: number },
  state: unknown,
  overrides: Record<string, unknown> = {},
): Promise<SyncFigures> {
  const files = writeFiles({
    'config.json': connectorConfig(emulator, range, { end_date: undefined, ...overrides }),
    'catalog.json': catalog('incremental', [STREAM]),
    'state.json': state,
  });
  emulator.resetStats();
  const t0 = performance.now();
  const out = await runConnectorCli(
    ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!, '--state', files['state.json']!],
    { timeoutMs: 600_000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (out.code !== 0)
    throw new Error(
      `status-recheck: connector exited ${out.code}: ${out.stdout
        .split('\n')
        .filter((l) => l.includes('"ERROR"'))
        .join(' ')
        .slice(0, 500)}`,
    );
  const records = new Map<string, string>();
  let lastState: Record<string, unknown> | undefined;
  let stateBytes = 0;
  for (const line of out.stdout.split('\n')) {
    if (line.startsWith('{"type":"RECORD"')) {
      const data = (JSON.parse(line) as { record: { data: Record<string, string> } }).record.data;
      records.set(data['instance_code']!, data['status']!);
    } else if (line.startsWith('{"type":"STATE"')) {
      lastState = (JSON.parse(line) as { state: Record<string, unknown> }).state;
      stateBytes = Buffer.byteLength(line);
    }
  }
  const stats = emulator.stats();
  const r = stats.requests;
  return {
    seconds,
    detail: r['detail'] ?? 0,
    query: r['query'] ?? 0,
    list: r['list'] ?? 0,
    throttled: stats.rateLimited,
    records,
    state: lastState,
    stateBytes,
  };
}

/** Applies the scenario's changes; returns the codes it changed (the gone ones apart). */
function changeStatuses(emulator: FeishuEmulator): { changed: Set<string>; gone: string[] } {
  const rows = emulator.statuses();
  const pending = rows.filter((r) => r.status === 'PENDING').map((r) => r.instanceCode);
  const approved = rows.filter((r) => r.status === 'APPROVED').map((r) => r.instanceCode);
  // Spread over the span: every k-th instance, not a cluster.
  const spread = (codes: string[], n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => codes[(offset + i * Math.floor(codes.length / (n + 1))) % codes.length]!);
  const changed = new Set<string>();
  for (const [i, code] of spread(pending, CHANGES.finished, 0).entries()) {
    emulator.finishInstance(code, i % 3 === 0 ? 'REJECTED' : 'APPROVED');
    changed.add(code);
  }
  const approvedPicks = spread(approved, CHANGES.revoked + CHANGES.deletedStatus + CHANGES.deletedGone, 1);
  for (const code of approvedPicks.slice(0, CHANGES.revoked)) emulator.revokeInstance(code);
  for (const code of approvedPicks.slice(CHANGES.revoked, CHANGES.revoked + CHANGES.deletedStatus))
    emulator.deleteInstance(code, 'status');
  for (const code of approvedPicks.slice(0, CHANGES.revoked + CHANGES.deletedStatus)) changed.add(code);
  const gone = approvedPicks.slice(CHANGES.revoked + CHANGES.deletedStatus);
  for (const code of gone) emulator.deleteInstance(code, 'gone');
  return { changed, gone };
}

export async function statusRecheck(): Promise<ScenarioResult> {
  const endMs = Date.now() - 60_000;
  const range = { startMs: endMs - DAYS * DAY_MS + 3_600_000, endMs };
  // The emulator's documented limits stay on (its defaults).
  const emulator = await startEmulator({
    codeCount: CODES,
    instancesPerCode: PER_CODE,
    pendingRatio: PENDING_RATIO,
    spanStartMs: range.startMs,
    spanEndMs: range.endMs,
  });
  try {
    const instances = CODES * PER_CODE;
    // The emulator finishes a share of its PENDING instances 1–5 s after it starts: let that happen first.
    await sleep(6000);
    const cursorsOnly = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: STREAM },
          stream_state: {
            cursor_groups: [{ created_before: iso(range.endMs), approval_codes: emulator.approvalCodes }],
          },
        },
      },
    ];
    say(`status-recheck: ${instances} instances in a ${DAYS}-day span, documented limits; recheck off (baseline) ...`);
    const off = await runSync(emulator, range, cursorsOnly, { status_recheck_days: 0 });
    say(
      `status-recheck: baseline sync (recheck off) ${off.seconds.toFixed(1)} s, ${off.detail} detail requests; first recheck (digest from the query) ...`,
    );
    const first = await runSync(emulator, range, cursorsOnly);
    say(
      `status-recheck: first recheck ${first.seconds.toFixed(1)} s, ${first.query} query, ${first.detail} detail requests, state ${first.stateBytes} bytes`,
    );
    const before = new Map(emulator.statuses().map((r) => [r.instanceCode, r.status]));
    const { gone } = changeStatuses(emulator);
    const pendingSecond = pendingCount(emulator);
    const second = await runSync(emulator, range, [first.state]);
    const truth = new Map(emulator.statuses().map((r) => [r.instanceCode, r.status]));
    // Every status that differs from the one the digest took, whoever changed it (the scenario or the emulator's own model).
    const changed = new Set([...truth].filter(([code, status]) => before.get(code) !== status).map(([code]) => code));
    const stale = [...changed].filter((code) => second.records.get(code) !== truth.get(code)).length;
    say(
      `status-recheck: after ${changed.size} changes (+${gone.length} gone): ${second.seconds.toFixed(1)} s, ${second.detail} detail, ${second.query} query, ${second.list} list requests, ${stale} stale`,
    );
    const pendingThird = pendingCount(emulator);
    const third = await runSync(emulator, range, [second.state]);
    say(
      `status-recheck: nothing changed: ${third.seconds.toFixed(1)} s, ${third.detail} detail, ${third.query} query, ${third.list} list requests`,
    );
    const queryBound = Math.ceil(instances / 200) + CODES;
    const throttled = off.throttled + first.throttled + second.throttled + third.throttled;
    const share = changed.size / instances;
    return finish({
      name: 'status-recheck',
      about: `incremental details syncs with ${instances} instances in the ${DAYS}-day recheck span at the documented limits: requests and seconds per sync, ${(share * 100).toFixed(1)}% changed between syncs`,
      params: { codes: CODES, instancesPerCode: PER_CODE, days: DAYS, changes: CHANGES, slack: SLACK },
      figures: {
        instancesInSpan: instances,
        changed: changed.size,
        gone: gone.length,
        shareChanged: share,
        baselineOff: { seconds: off.seconds, detail: off.detail, query: off.query, list: off.list },
        firstRecheck: {
          seconds: first.seconds,
          detail: first.detail,
          query: first.query,
          list: first.list,
          stateBytes: first.stateBytes,
        },
        afterChanges: {
          seconds: second.seconds,
          detail: second.detail,
          query: second.query,
          list: second.list,
          stale,
          stateBytes: second.stateBytes,
        },
        nothingChanged: { seconds: third.seconds, detail: third.detail, query: third.query, list: third.list },
        throttled,
      },
      notes: [
        {
          figure: 'instances in span / changed',
          shown: `${instances} / ${changed.size} (${(share * 100).toFixed(2)}%) + ${gone.length} gone`,
        },
        {
          figure: 'sync s: off / 1st recheck / changed / unchanged',
          shown: `${off.seconds.toFixed(1)} / ${first.seconds.toFixed(1)} / ${second.seconds.toFixed(1)} / ${third.seconds.toFixed(1)}`,
        },
        { figure: 'changed sync s ÷ recheck-off sync s', shown: (second.seconds / off.seconds).toFixed(2) },
        {
          figure: 'changed sync: detail / query / list requests',
          shown: `${second.detail} / ${second.query} / ${second.list}`,
        },
        {
          figure: 'unchanged sync: detail / query / list requests',
          shown: `${third.detail} / ${third.query} / ${third.list}`,
        },
        { figure: 'details STATE bytes', shown: String(second.stateBytes) },
      ],
      checks: [
        {
          figure: 'detail requests after changes',
          value: second.detail,
          shown: String(second.detail),
          target: `≤ ${changed.size} changed + ${pendingSecond} pending + ${SLACK}`,
          met: second.detail <= changed.size + pendingSecond + SLACK,
        },
        {
          figure: 'detail requests, nothing changed',
          value: third.detail,
          shown: String(third.detail),
          target: `≤ ${pendingThird} pending + ${SLACK}`,
          met: third.detail <= pendingThird + SLACK,
        },
        {
          figure: 'query requests per sync',
          value: second.query,
          shown: String(Math.max(first.query, second.query, third.query)),
          target: `≤ ${queryBound}`,
          met: Math.max(first.query, second.query, third.query) <= queryBound,
        },
        {
          figure: 'changed instances with a stale row',
          value: stale,
          shown: String(stale),
          target: '0',
          met: stale === 0,
        },
        {
          figure: 'details STATE ≤ 256 KiB',
          value: second.stateBytes,
          shown: String(second.stateBytes),
          target: `≤ ${256 * 1024}`,
          met: second.stateBytes <= 256 * 1024,
        },
        {
          figure: '429s (code 99991400)',
          value: throttled,
          shown: String(throttled),
          target: '0',
          met: throttled === 0,
        },
      ],
      exactness: [],
    });
  } finally {
    await emulator.stop();
  }
}
