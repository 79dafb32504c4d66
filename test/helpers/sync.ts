import assert from 'node:assert/strict';
import type { AirbyteStateMessage, SyncMode } from '../../src/kit/protocol.js';
import type { FeishuEmulator } from '../../emulator/index.js';
import { catalog, connectionConfig, instanceCodes, lastState, writeFiles } from '../../harness/index.js';
import { runChild, runCli, type RunResult } from './connector.js';
import { emulatorConfig } from './fixtures.js';

export interface SyncResult extends RunResult {
  codes: string[];
  lastState: AirbyteStateMessage | undefined;
}

export interface SyncOptions {
  /** Overrides on the tests' config (emulatorConfig: limits raised), or with `defaults` on the connector's defaults. */
  config?: Record<string, unknown>;
  /** Start from the connector's default config (connectionConfig: documented limits) instead of raised limits. */
  defaults?: boolean;
  mode?: SyncMode;
  streams?: string[];
  state?: AirbyteStateMessage[];
  /** The exit code the read must end with (default 0); null checks none. */
  expectExit?: number | null;
  /** In a child process, as the platform runs it (exit codes, signals, stderr); in this process otherwise. */
  child?: boolean;
  timeoutMs?: number;
}

/** Writes a read's config, catalog and (when given) state; returns the `read` argv naming them. */
export function readArgs(emulator: FeishuEmulator, options: SyncOptions = {}): string[] {
  const files = writeFiles({
    'config.json': options.defaults
      ? connectionConfig(emulator, options.config)
      : emulatorConfig(emulator, options.config),
    'catalog.json': catalog(options.mode ?? 'incremental', options.streams),
    ...(options.state ? { 'state.json': options.state } : {}),
  });
  const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
  if (options.state) args.push('--state', files['state.json']!);
  return args;
}

/** The one way tests read: write the inputs, run the connector, collect and check its messages. */
export async function sync(emulator: FeishuEmulator, options: SyncOptions = {}): Promise<SyncResult> {
  const args = readArgs(emulator, options);
  const run = options.child ? runChild : runCli;
  const result = await run(args, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  const expected = options.expectExit === undefined ? 0 : options.expectExit;
  if (expected !== null) {
    const errors = result.stdout
      .split('\n')
      .filter((l) => l.includes('"ERROR"'))
      .join('\n')
      .slice(0, 2000);
    assert.equal(result.code, expected, `read exited ${result.code}: ${errors || result.stderr.slice(-2000)}`);
  }
  return { ...result, codes: instanceCodes(result.messages), lastState: lastState(result.messages) };
}

/** Asserts the protocol's bookkeeping: each STATE's recordCount is the number of RECORDs since the previous STATE. */
export function assertExactRecordCounts(result: RunResult): void {
  let since = 0;
  for (const message of result.messages) {
    if (message.type === 'RECORD') since++;
    if (message.type === 'STATE') {
      assert.equal(message.state.sourceStats?.recordCount, since, 'recordCount of a STATE');
      since = 0;
    }
  }
}

export function assertNoDuplicates(codes: string[], what = 'records'): void {
  const seen = new Set<string>();
  const dups = codes.filter((c) => (seen.has(c) ? true : (seen.add(c), false)));
  assert.deepEqual(dups.slice(0, 5), [], `duplicate ${what}`);
}

export function truthCodes(
  emulator: FeishuEmulator,
  filter: (t: { createTimeMs: number; approvalCode: string }) => boolean = () => true,
): string[] {
  return emulator
    .truth()
    .filter(filter)
    .map((t) => t.instanceCode);
}

export function assertSameSet(actual: Iterable<string>, expected: Iterable<string>, what: string): void {
  const a = new Set(actual);
  const e = new Set(expected);
  const missing = [...e].filter((c) => !a.has(c));
  const extra = [...a].filter((c) => !e.has(c));
  assert.deepEqual(
    {
      missing: missing.length,
      extra: extra.length,
      sampleMissing: missing.slice(0, 3),
      sampleExtra: extra.slice(0, 3),
    },
    { missing: 0, extra: 0, sampleMissing: [], sampleExtra: [] },
    what,
  );
}

/**
 * A resumed sync after a kill: no duplicate among its records, exact recordCounts, and the records
 * kept before the kill plus its own are every instance of the emulator.
 */
export function assertResumedToTruth(
  emulator: FeishuEmulator,
  committedCodes: string[],
  resumed: SyncResult,
  killAt: number,
): void {
  assertNoDuplicates(resumed.codes, 'records of the resumed sync');
  assertExactRecordCounts(resumed);
  assertSameSet([...committedCodes, ...resumed.codes], truthCodes(emulator), `killed after ${killAt} records, resumed`);
}
