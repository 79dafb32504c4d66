/**
 * Syncs through the real CLI against an emulator in hostile mode (issue 17): one run with a
 * misbehaviour switched on, then a resume from its last STATE with the switch off, which must
 * deliver every instance the first run left out (the cursor was never ahead of what was read).
 */
import assert from 'node:assert/strict';
import { HOSTILE_SPECS, type EmulatorOptions, type FeishuEmulator, type HostileOptions } from '../../emulator/index.js';
import type { AirbyteErrorTraceMessage, AirbyteStateMessage } from '../../src/kit/protocol.js';
import { instanceCodes, lastState, states, traces } from '../../harness/index.js';
import type { RunResult } from './connector.js';
import { sync } from './sync.js';

/** Small and quick: one retry, a 1 s request deadline, short backoff. */
export const QUICK = {
  max_retries: 1,
  request_timeout_seconds: 1,
  retry_initial_delay_ms: 10,
  page_size: 5,
  max_concurrency: 2,
} as const;

/** A hang shows as a failed run after this long, never as a stuck test. */
const RUN_LIMIT_MS = 60_000;

export interface HostileRun extends RunResult {
  codes: string[];
  lastState: AirbyteStateMessage | undefined;
  elapsedMs: number;
}

/** One incremental `read` of `streams` with QUICK settings; asserts it ended on its own (no hang) with a clean stderr. */
export async function read(
  emulator: FeishuEmulator,
  options: { config?: Record<string, unknown>; streams?: string[]; state?: AirbyteStateMessage[] } = {},
): Promise<HostileRun> {
  const streams = options.streams ?? ['approval_instances'];
  const started = Date.now();
  const result = await sync(emulator, {
    ...options,
    streams,
    config: { ...QUICK, ...options.config },
    expectExit: null,
    timeoutMs: RUN_LIMIT_MS,
  });
  const elapsedMs = Date.now() - started;
  assert.equal(result.stderr, '', 'nothing on stderr');
  const stream = streams.length === 1 ? streams[0] : undefined;
  return {
    ...result,
    elapsedMs,
    codes: instanceCodes(result.messages, stream),
    lastState: lastState(result.messages, stream),
  };
}

/** The one TRACE ERROR of a failed run (exit 1), after which nothing but logs may follow. */
export function theErrorTrace(run: RunResult): AirbyteErrorTraceMessage {
  assert.equal(run.code, 1, 'a failed read exits non-zero');
  const errors = traces(run.messages, 'ERROR');
  assert.equal(errors.length, 1, 'exactly one TRACE ERROR');
  return errors[0]!.error!;
}

/** Every hostile key of `hostile` set back to off. */
export function switchedOff(hostile: Partial<HostileOptions>): Partial<EmulatorOptions> {
  const off: Record<string, unknown> = {};
  for (const spec of HOSTILE_SPECS) {
    if (!(spec.key in hostile)) continue;
    off[spec.key] = spec.kind === 'switch' ? false : spec.kind === 'codes' ? [] : 0;
  }
  return off;
}

/** Runs a read with `hostile` on, then (always) switches it off again. */
export async function readWhile(
  emulator: FeishuEmulator,
  hostile: Partial<HostileOptions>,
  options: Parameters<typeof read>[1] = {},
): Promise<HostileRun> {
  emulator.configure(hostile);
  try {
    return await read(emulator, options);
  } finally {
    emulator.configure(switchedOff(hostile));
  }
}

/**
 * Resumes from `first`'s last STATE with every switch off and checks that the two runs together
 * delivered every instance of the emulator: nothing `first` skipped was claimed by its cursor.
 */
export async function assertResumeDeliversAll(
  emulator: FeishuEmulator,
  first: HostileRun,
  options: Parameters<typeof read>[1] = {},
): Promise<HostileRun> {
  const resumed = await read(emulator, { ...options, ...(first.lastState ? { state: [first.lastState] } : {}) });
  assert.equal(
    resumed.code,
    0,
    `the resumed read failed: ${JSON.stringify(traces(resumed.messages, 'ERROR')[0]?.error?.message)}`,
  );
  const delivered = new Set([...first.codes, ...resumed.codes]);
  const missing = emulator.truth().filter((t) => !delivered.has(t.instanceCode));
  assert.deepEqual(missing.map((t) => t.instanceCode).slice(0, 3), [], `${missing.length} instance(s) never delivered`);
  return resumed;
}

/** STATE messages in a run, for "no cursor moved" checks. */
export function stateCount(run: RunResult): number {
  return states(run.messages).length;
}
