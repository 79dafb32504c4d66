#!/usr/bin/env node
/**
 * `npm run demo`: the connector end to end, as the Airbyte platform drives it, against the
 * embedded Feishu emulator — spec, check, discover, a first read of every stream (definitions in
 * full refresh, the instance streams incremental), new approval instances, then an incremental
 * read that resumes from the first read's last STATE of each stream. Each command is the real CLI
 * (node dist/src/main.js) in a child process; its stdout is saved under demo-output/. A summary
 * goes to stderr; the exit code is non-zero, with the reason, when any step did not do its job.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorStats, type FeishuEmulator } from '../emulator/index.js';
import {
  REPO_ROOT,
  connectionConfig,
  cursors,
  instanceCodes,
  lastState,
  records,
  runConnectorCli,
} from '../harness/index.js';
import type { AirbyteMessage, AirbyteStream, ConfiguredAirbyteCatalog } from '../src/kit/protocol.js';

const OUT_DIR = join(REPO_ROOT, 'demo-output');

const CODES = 2;
const INSTANCES_PER_CODE = 2_000;
const DAYS = 30;
const LATENCY_MS = 5;
/** The emulator's list limit and the connector's budget, raised together from Feishu's 100/min so the demo is quick. */
const REQUESTS_PER_MINUTE = 6_000;
const NEW_INSTANCES_PER_CODE = 25;
const STREAM = 'approval_instances';
const DETAILS = 'approval_instance_details';
/** The streams made from the same instance detail: one detail request per instance feeds them all. */
const DETAIL_BASED = [DETAILS, 'approval_form_fields', 'approval_tasks', 'approval_timeline'];
const DEFINITIONS = 'approval_definitions';
const CONTACT_STREAMS = ['users', 'departments'];
/** Discover names each approval code's form table approval_form_<code>. */
const FORM_TABLE_PREFIX = 'approval_form_';
/** The demo raises the detail budget (Feishu's is 50/s) so that 4,000 details take seconds. */
const DETAIL_REQUESTS_PER_SECOND = 1000;

class DemoFailure extends Error {}

interface Step {
  name: string;
  file: string;
  code: number | null;
  seconds: number;
  messages: AirbyteMessage[];
  requests: Record<string, number>;
}

const say = (line = ''): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const nowMs = Date.now();
  const emulator = await startEmulator({
    codeCount: CODES,
    instancesPerCode: INSTANCES_PER_CODE,
    spanStartMs: nowMs - DAYS * 86_400_000,
    spanEndMs: nowMs - 60_000,
    latencyMs: LATENCY_MS,
    listRateLimit: { limit: REQUESTS_PER_MINUTE, windowMs: 60_000 },
    detailRateLimit: { limit: DETAIL_REQUESTS_PER_SECOND, windowMs: 1000 },
  });
  try {
    await run(emulator);
  } finally {
    await emulator.stop();
  }
}

async function run(emulator: FeishuEmulator): Promise<void> {
  say(
    `Feishu emulator on ${emulator.baseUrl}: ${CODES} approval codes x ${INSTANCES_PER_CODE} instances over ${DAYS} days, ` +
      `${LATENCY_MS} ms latency, list limit ${REQUESTS_PER_MINUTE}/min`,
  );
  const config = connectionConfig(emulator, {
    requests_per_minute: REQUESTS_PER_MINUTE,
    detail_requests_per_second: DETAIL_REQUESTS_PER_SECOND,
    // The emulator here limits details per second only; the per-minute budget (Feishu's 1,000) goes up with it.
    detail_requests_per_minute: DETAIL_REQUESTS_PER_SECOND * 60,
    max_concurrency: 4,
  });
  const configFile = writeJson('config.json', config);
  const steps: Step[] = [];

  const spec = await step(emulator, 'spec', 'spec.jsonl', ['spec']);
  steps.push(spec);
  expect(
    spec.messages.some((m) => m.type === 'SPEC'),
    'spec printed no SPEC message',
  );

  const check = await step(emulator, 'check', 'check.jsonl', ['check', '--config', configFile]);
  steps.push(check);
  const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS');
  expect(
    status?.connectionStatus.status === 'SUCCEEDED',
    `check did not succeed: ${status?.connectionStatus.message ?? 'no CONNECTION_STATUS'}`,
  );

  const discover = await step(emulator, 'discover', 'discover.jsonl', ['discover', '--config', configFile]);
  steps.push(discover);
  const discovered = discover.messages.find((m) => m.type === 'CATALOG');
  expect(
    discovered?.catalog.streams.some((s) => s.name === STREAM),
    `discover did not list the stream ${STREAM}`,
  );
  // Every stream discover offers, as a user selecting all of them would configure it: incremental + append_dedup where
  // the stream offers it (users, departments and each approval code's form table included), else full refresh.
  const streams = discovered?.catalog.streams ?? [];
  const formTables = streams
    .map((s) => s.name)
    .filter((name) => name.startsWith(FORM_TABLE_PREFIX) && !DETAIL_BASED.includes(name));
  expect(formTables.length === CODES, `discover offered ${formTables.length} form tables for ${CODES} approval codes`);
  const catalogFile = writeJson('configured_catalog.json', configuredCatalog(streams));

  const full = await step(emulator, 'read (first, no state)', 'read-1.jsonl', [
    'read',
    '--config',
    configFile,
    '--catalog',
    catalogFile,
  ]);
  steps.push(full);
  const seeded = new Set(emulator.truth().map((t) => t.instanceCode));
  const firstCodes = new Set(instanceCodes(full.messages, STREAM));
  expect(
    firstCodes.size === seeded.size && [...seeded].every((c) => firstCodes.has(c)),
    `first read returned ${firstCodes.size} distinct instances, the emulator holds ${seeded.size}`,
  );
  for (const name of DETAIL_BASED) {
    const withRows = new Set(instanceCodes(full.messages, name));
    expect(
      withRows.size === seeded.size,
      `first read gave ${name} rows for ${withRows.size} instances, the emulator holds ${seeded.size}`,
    );
  }
  expect(
    full.requests['detail'] === seeded.size,
    `first read made ${full.requests['detail']} detail requests for ${seeded.size} instances and four detail-based streams`,
  );
  for (const name of formTables) {
    const rows = records(full.messages, name);
    const code = rows[0]?.data['approval_code'];
    const ofCode = emulator.truth().filter((t) => t.approvalCode === code).length;
    expect(
      rows.length === ofCode && ofCode > 0,
      `first read gave ${rows.length} rows of ${name} for ${ofCode} instances of its code`,
    );
  }
  for (const name of CONTACT_STREAMS)
    expect(
      records(full.messages, name).length > 0,
      `first read gave no ${name} rows for the people the approvals name`,
    );
  expect(
    records(full.messages, DEFINITIONS).length === CODES,
    `first read gave ${records(full.messages, DEFINITIONS).length} definitions for ${CODES} approval codes`,
  );
  const firstState = lastState(full.messages, STREAM);
  const incrementalNames = streams.filter((s) => s.supported_sync_modes.includes('incremental')).map((s) => s.name);
  const latestStates = incrementalNames.map((name) => lastState(full.messages, name));
  expect(latestStates.every(Boolean), 'first read emitted no STATE message for a stream');
  // The platform hands back the latest state per stream, as an array of state messages.
  const stateFile = writeJson('state-after-read-1.json', latestStates);

  const added = emulator.approvalCodes.flatMap((approvalCode) =>
    emulator.addInstances({ approvalCode, count: NEW_INSTANCES_PER_CODE }),
  );
  say(`Added ${added.length} new instances (${NEW_INSTANCES_PER_CODE} per approval code), created now`);

  const incremental = await step(emulator, 'read (incremental, with state)', 'read-2.jsonl', [
    'read',
    '--config',
    configFile,
    '--catalog',
    catalogFile,
    '--state',
    stateFile,
  ]);
  steps.push(incremental);
  const secondCodes = new Set(instanceCodes(incremental.messages, STREAM));
  const missing = added.filter((t) => !secondCodes.has(t.instanceCode));
  expect(missing.length === 0, `incremental read missed ${missing.length} of the ${added.length} new instances`);
  for (const name of DETAIL_BASED) {
    const withRows = new Set(instanceCodes(incremental.messages, name));
    const without = added.filter((t) => !withRows.has(t.instanceCode)).length;
    expect(without === 0, `incremental read gave no ${name} rows for ${without} of the ${added.length} new instances`);
  }
  const reread = [...secondCodes].filter((c) => seeded.has(c)).length;
  const finalState = lastState(incremental.messages, STREAM);
  expect(finalState, 'incremental read emitted no STATE message');
  const before = cursors(firstState);
  const after = cursors(finalState);
  for (const code of emulator.approvalCodes) {
    expect(
      Date.parse(after[code] ?? '') > Date.parse(before[code] ?? ''),
      `the cursor of ${code} did not advance (${before[code]} -> ${after[code]})`,
    );
  }

  summary(steps, emulator, { added: added.length, newFound: added.length - missing.length, reread, before, after });
}

/** Runs one connector command, saves its stdout, checks the protocol basics: exit 0 and no TRACE ERROR. */
async function step(emulator: FeishuEmulator, name: string, file: string, args: string[]): Promise<Step> {
  const before = emulator.stats();
  const started = performance.now();
  const { code, stdout, stderr } = await runConnectorCli(args, { timeoutMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(OUT_DIR, file), stdout);
  const messages = parseLines(stdout, file);
  const result: Step = { name, file, code, seconds, messages, requests: delta(before, emulator.stats()) };
  const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  if (code !== 0 || error) {
    const why = error?.type === 'TRACE' ? error.trace.error?.message : stderr.trim().split('\n').at(-1);
    throw new DemoFailure(`${name} failed (exit code ${code}): ${why ?? 'no message'} — see demo-output/${file}`);
  }
  return result;
}

function parseLines(stdout: string, file: string): AirbyteMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as AirbyteMessage;
      } catch {
        throw new DemoFailure(`demo-output/${file} line ${i + 1} is not a JSON message: ${line.slice(0, 120)}`);
      }
    });
}

function recordCounts(messages: AirbyteMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records(messages)) counts[r.stream] = (counts[r.stream] ?? 0) + 1;
  return counts;
}

function delta(before: EmulatorStats, after: EmulatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(after.requests)) {
    const d = n - (before.requests[kind] ?? 0);
    if (d > 0) out[kind] = d;
  }
  return out;
}

function writeJson(name: string, value: unknown): string {
  const path = join(OUT_DIR, name);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new DemoFailure(message);
}

function summary(
  steps: Step[],
  emulator: FeishuEmulator,
  inc: {
    added: number;
    newFound: number;
    reread: number;
    before: Record<string, string>;
    after: Record<string, string>;
  },
): void {
  say();
  say('Summary (stdout of each command in demo-output/):');
  for (const s of steps) {
    const records = Object.entries(recordCounts(s.messages)).map(([stream, n]) => `${n} ${stream}`);
    const requests = Object.entries(s.requests).map(([kind, n]) => `${n} ${kind}`);
    say(
      `  ${s.name.padEnd(31)} exit ${s.code}  ${s.seconds.toFixed(2).padStart(6)} s  ` +
        `records: ${records.join(', ') || '0'}  API requests: ${requests.join(', ') || '0'}  -> ${s.file}`,
    );
  }
  say('  STATE cursors per approval code (after read 1 -> after read 2):');
  for (const code of emulator.approvalCodes) say(`    ${code}  ${inc.before[code]} -> ${inc.after[code]}`);
  say(
    `  Incremental read: ${inc.newFound}/${inc.added} new instances found, ${inc.reread} older instance(s) re-read in the lookback (deduped on instance_code)`,
  );
  const stats = emulator.stats();
  const total = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  say(
    `  Emulator totals: ${total} API requests (${JSON.stringify(stats.requests)}), ${stats.rateLimited} rate-limited, ${stats.tokensIssued} token(s) issued`,
  );
  say(`  Total connector time: ${steps.reduce((a, s) => a + s.seconds, 0).toFixed(2)} s`);
}

try {
  await main();
  say('Demo OK');
} catch (error) {
  say(
    `Demo FAILED: ${error instanceof DemoFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
}

/** The configured catalog a user selecting every discovered stream gets from the platform. */
function configuredCatalog(streams: AirbyteStream[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((stream) => {
      const incremental = stream.supported_sync_modes.includes('incremental');
      return {
        stream,
        sync_mode: incremental ? ('incremental' as const) : ('full_refresh' as const),
        destination_sync_mode: incremental ? ('append_dedup' as const) : ('overwrite' as const),
        ...(incremental && stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      };
    }),
  };
}
