#!/usr/bin/env node
/**
 * Compares what two builds of the connector write on stdout for the same reads against the same
 * emulator data: `node dist/scripts/compare-read.js <base main.js> <new main.js>`. A refactor that
 * must not change the output is checked with it (issue 22: the read plan, the detail split).
 *
 * Each build gets a fresh emulator with the same seed, span and settings (no rate limits, no
 * PENDING instance finishing on its own) and runs the same scenario through its real CLI:
 *   1. every stream, incremental (approval_definitions in full refresh), from no state;
 *   2. changes: rejections (tasks vanish), a deletion with status DELETED, one removed entirely
 *      (1390003), a revoke; then every stream incremental from sync 1's last STATEs (the status
 *      recheck runs, tombstones are written);
 *   3. every stream in full refresh;
 *   4. approval_instances from sync 2's STATE, the detail streams from none: two scan groups;
 *   5. approval_instances and approval_instance_details from a 0.2.0 state whose pending list names
 *      an instance removed since: its DELETED row and approval_instances' tombstone (one detail at a
 *      time: the digest keeps entries in the order details come back, which concurrency varies);
 *   6. every stream with the detail API refusing: the detail streams fail, the others complete.
 * end_date is fixed, so the windows do not depend on when a sync runs.
 *
 * Compared per sync: the records of each stream (sorted: the detail pipeline writes concurrently),
 * the LOG lines and the STREAM_STATUS and ERROR traces in order, and each stream's last STATE.
 * Masked: emitted_at, every timestamp from the script's own run (a recheck window ends "now", a
 * tombstone's _ab_cdc_deleted_at, the emulator's change times), durations in log lines, and in error
 * messages Feishu's log id and the instance of the failed request (which fails first is timing), and
 * an ERROR trace's stack trace (file paths and lines). Left out:
 * ESTIMATE traces and the STATEs before the last, whose number depends on timing (pacing).
 * Exit code 0 when every part is identical; otherwise the first differences are printed.
 */
import { ManualClock, startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { catalog, collectOutput, connectionConfig, hourFloor, HOUR_MS, writeFiles } from '../harness/index.js';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog, JsonObject } from '../src/kit/protocol.js';
import { spawn } from 'node:child_process';

const INSTANCE_STREAMS = [
  'approval_instances',
  'approval_instance_details',
  'approval_form_fields',
  'approval_tasks',
  'approval_timeline',
];
const DEFINITIONS = 'approval_definitions';
const SCRIPT_START_MS = Date.now();
const SPAN_START_MS = hourFloor(SCRIPT_START_MS) - 72 * HOUR_MS;
const END_DATE_MS = hourFloor(SCRIPT_START_MS) - HOUR_MS;
const EMULATOR_NOW_MS = END_DATE_MS - 30 * 60_000;

interface SyncOutput {
  name: string;
  code: number | null;
  messages: AirbyteMessage[];
}

/** A catalog with per-stream sync modes. */
function mixedCatalog(modes: [string, 'full_refresh' | 'incremental'][]): ConfiguredAirbyteCatalog {
  return { streams: modes.map(([name, mode]) => catalog(mode, [name]).streams[0]!) };
}

async function read(
  bin: string,
  emulator: FeishuEmulator,
  name: string,
  configured: ConfiguredAirbyteCatalog,
  state?: AirbyteStateMessage[],
  extra: Record<string, unknown> = {},
): Promise<SyncOutput> {
  const config = connectionConfig(emulator, {
    end_date: new Date(END_DATE_MS).toISOString(),
    requests_per_minute: 100_000,
    detail_requests_per_minute: 1_000_000,
    query_requests_per_minute: 1_000_000,
    detail_requests_per_second: 1_000,
    query_requests_per_second: 1_000,
    max_concurrency: 4,
    retry_initial_delay_ms: 20,
    ...extra,
  });
  const files = writeFiles({
    'config.json': config,
    'catalog.json': configured,
    ...(state ? { 'state.json': state } : {}),
  });
  const args = [
    'read',
    '--config',
    files['config.json']!,
    '--catalog',
    files['catalog.json']!,
    ...(state ? ['--state', files['state.json']!] : []),
  ];
  const out = await collectOutput(
    spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    300_000,
  );
  const messages = out.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as AirbyteMessage);
  if (process.env['COMPARE_DEBUG'])
    process.stderr.write(
      `${name}: exit ${out.code}\n${out.stderr.slice(0, 1500)}\n${messages
        .filter((m) => m.type === 'LOG')
        .map((m) => JSON.stringify(m))
        .join('\n')
        .slice(0, 3000)}\n`,
    );
  return { name, code: out.code, messages };
}

function lastStates(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  const last = new Map<string, AirbyteStateMessage>();
  for (const m of messages)
    if (m.type === 'STATE' && m.state.stream) last.set(m.state.stream.stream_descriptor.name, m.state);
  return [...last.values()];
}

/** Runs the scenario against a fresh emulator; the same every time for the same build. */
async function scenario(bin: string): Promise<SyncOutput[]> {
  const emulator = await startEmulator(
    {
      seed: 22,
      codeCount: 2,
      instancesPerCode: 80,
      pendingRatio: 0,
      spanStartMs: SPAN_START_MS,
      spanEndMs: EMULATOR_NOW_MS - 60_000,
      listRateLimit: null,
      approvalRateLimit: null,
      detailRateLimit: null,
      queryRateLimit: null,
    },
    undefined,
    // The emulator's time stands still at the same instant for both builds: the same data, the same change times.
    { clock: new ManualClock(EMULATOR_NOW_MS) },
  );
  try {
    const all = mixedCatalog([
      [DEFINITIONS, 'full_refresh'],
      ...INSTANCE_STREAMS.map((s) => [s, 'incremental'] as [string, 'incremental']),
    ]);
    const approved = emulator
      .statuses()
      .filter((s) => s.status === 'APPROVED')
      .map((s) => s.instanceCode);
    const pending = approved.slice(3, 13);
    for (const code of pending) emulator.setInstanceStatus(code, 'PENDING');
    const first = await read(bin, emulator, '1 incremental, no state', all);
    for (const code of pending.slice(0, 6)) emulator.finishInstance(code, 'REJECTED');
    emulator.deleteInstance(approved[0]!, 'status');
    emulator.deleteInstance(approved[1]!, 'gone');
    emulator.revokeInstance(approved[2]!);
    const second = await read(bin, emulator, '2 incremental, recheck after changes', all, lastStates(first.messages));
    const third = await read(
      bin,
      emulator,
      '3 full refresh',
      mixedCatalog([
        [DEFINITIONS, 'full_refresh'],
        ...INSTANCE_STREAMS.map((s) => [s, 'full_refresh'] as [string, 'full_refresh']),
      ]),
    );
    const instancesState = lastStates(second.messages).filter(
      (s) => s.stream?.stream_descriptor.name === 'approval_instances',
    );
    const fourth = await read(bin, emulator, '4 two scan groups', all, instancesState);
    // A 0.2.0 state's pending list names an instance removed since (1390003): its DELETED row, and a tombstone in
    // approval_instances, read in the same scan group (the fan-out's gone listener).
    const victim = pending[6]!;
    emulator.deleteInstance(victim, 'gone');
    const legacy = lastStates(first.messages).flatMap((s): AirbyteStateMessage[] => {
      const name = s.stream?.stream_descriptor.name;
      if (name === 'approval_instances') return [s];
      if (name !== 'approval_instance_details') return [];
      const { status_digest: _, ...cursors } = s.stream!.stream_state as JsonObject;
      const open = first.messages.flatMap((m) =>
        m.type === 'RECORD' && m.record.stream === name && m.record.data['status'] === 'PENDING' ? [m.record.data] : [],
      );
      const list = open.map((r) => ({
        instance_code: r['instance_code'],
        approval_code: r['approval_code'],
        created_after: r['created_after'],
        created_before: r['created_before'],
      }));
      return [{ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { ...cursors, pending: list } } }];
    });
    const fifth = await read(
      bin,
      emulator,
      '5 a 0.2.0 pending list, one removed',
      mixedCatalog([
        ['approval_instances', 'incremental'],
        ['approval_instance_details', 'incremental'],
      ]),
      legacy,
      {
        // The digest keeps its entries in the order the details come back: one at a time, the same order in every run.
        detail_max_concurrency: 1,
      },
    );
    // Isolation: the detail endpoint refuses every call; the detail streams end INCOMPLETE, the others COMPLETE,
    // and one TRACE ERROR names the failed streams.
    emulator.configure({ deniedEndpoints: ['detail'] });
    const sixth = await read(bin, emulator, '6 detail API refused', all);
    return [first, second, third, fourth, fifth, sixth];
  } finally {
    await emulator.stop();
  }
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/** Masks timestamps from this script's run (anything at or after its start, less a second). */
function maskTimes(text: string): string {
  return text
    .replace(ISO, (iso) => (Date.parse(iso) >= SCRIPT_START_MS - 1000 ? '<now>' : iso))
    .replace(/log id [0-9A-F]+/g, 'log id <id>')
    .replace(/\/instances\/[0-9A-F-]{36}/g, '/instances/<code>');
}

function maskValue(value: unknown): unknown {
  return JSON.parse(maskTimes(JSON.stringify(value))) as unknown;
}

/** The parts compared, each as a list of strings. */
function normalise(sync: SyncOutput): Record<string, string[]> {
  const parts: Record<string, string[]> = { [`exit code ${sync.code}`]: [String(sync.code)], traces: [] };
  const rows = new Map<string, string[]>();
  const logs: string[] = [];
  for (const m of sync.messages) {
    if (m.type === 'RECORD') {
      const list = rows.get(m.record.stream) ?? [];
      list.push(JSON.stringify(maskValue(m.record.data)));
      rows.set(m.record.stream, list);
    } else if (m.type === 'LOG') {
      logs.push(`${m.log.level} ${maskTimes(m.log.message).replace(/\d+(?:\.\d+)? ?(?:s|ms)\b/g, '<t>')}`);
    } else if (m.type === 'TRACE' && m.trace.type !== 'ESTIMATE') {
      const { emitted_at: _, ...trace } = m.trace as unknown as JsonObject;
      // An ERROR's stack trace names the files and lines that threw: those moved on purpose.
      if (m.trace.type === 'ERROR' && m.trace.error)
        trace['error'] = { ...(trace['error'] as JsonObject), stack_trace: '<stack>' };
      parts['traces']!.push(JSON.stringify(maskValue(trace)));
    }
  }
  for (const [stream, list] of [...rows].sort(([a], [b]) => a.localeCompare(b)))
    parts[`records ${stream}`] = list.sort();
  // Partitions finish in the order their requests come back: the lines are compared as a sorted list.
  parts['logs'] = logs.sort();
  // sourceStats counts the records since the previous STATE, which pacing times.
  parts['last states'] = lastStates(sync.messages).map(({ sourceStats: _, ...s }) => JSON.stringify(maskValue(s)));
  return parts;
}

async function main(): Promise<void> {
  const [baseBin, newBin] = process.argv.slice(2);
  if (!baseBin || !newBin) throw new Error('usage: compare-read <base dist/src/main.js> <new dist/src/main.js>');
  const base = await scenario(baseBin);
  const next = await scenario(newBin);
  let differences = 0;
  for (let i = 0; i < base.length; i++) {
    const a = normalise(base[i]!);
    const b = normalise(next[i]!);
    for (const part of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[part] ?? [];
      const y = b[part] ?? [];
      const same = x.length === y.length && x.every((v, j) => v === y[j]);
      process.stdout.write(
        `${base[i]!.name} · ${part}: ${x.length} vs ${y.length} ${same ? 'identical' : 'DIFFERENT'}\n`,
      );
      if (!same) {
        differences++;
        const j = x.findIndex((v, k) => v !== y[k]);
        const [u, v] = [x[j] ?? '(none)', y[j] ?? '(none)'];
        let c = 0;
        while (c < u.length && u[c] === v[c]) c++;
        const around = (text: string): string => text.slice(Math.max(0, c - 150), c + 250);
        process.stdout.write(
          `  first difference at item ${j}, character ${c}:\n  base: …${around(u)}\n  new:  …${around(v)}\n`,
        );
      }
    }
  }
  for (const sync of [...base, ...next])
    for (const m of sync.messages)
      if (m.type === 'TRACE' && m.trace.type === 'ERROR')
        process.stderr.write(`${sync.name}: ${JSON.stringify(m.trace).slice(0, 600)}\n`);
  process.stdout.write(differences === 0 ? 'identical\n' : `${differences} part(s) differ\n`);
  process.exitCode = differences === 0 ? 0 : 1;
}

await main();
