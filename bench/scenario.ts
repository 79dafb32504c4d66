/** What every scenario hands back to bench.ts: its figures, its target checks, its exactness. */
import { startEmulator, type EmulatorOptions, type FeishuEmulator } from '../emulator/index.js';
import { hourFloor } from '../harness/index.js';
import type { Exactness } from './exactness.js';

export interface TargetCheck {
  figure: string;
  value: number;
  /** Formatted value for the table. */
  shown: string;
  target: string;
  met: boolean;
}

export interface ScenarioResult {
  name: string;
  /** One sentence: what the scenario measures. */
  about: string;
  params: Record<string, unknown>;
  /** Everything measured, for results.json. */
  figures: Record<string, unknown>;
  /** Informational rows for the table (no target). */
  notes: { figure: string; shown: string }[];
  checks: TargetCheck[];
  exactness: { run: string; result: Exactness }[];
  met: boolean;
}

export const DAY_MS = 86_400_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Prints progress while the bench runs (the table comes at the end). */
export function say(message: string): void {
  process.stdout.write(`  ${message}\n`);
}

export function finish(result: Omit<ScenarioResult, 'met'>): ScenarioResult {
  const met = result.checks.every((c) => c.met) && result.exactness.every((e) => e.result.exact);
  return { ...result, met };
}

/** The last `days` whole hours up to now: every scenario reads such a range. */
export function recentRange(days: number): { startMs: number; endMs: number } {
  const endMs = hourFloor(Date.now());
  return { startMs: endMs - days * DAY_MS, endMs };
}

/**
 * An emulator whose instances are spread over `range` (end excluded), with no rate limit unless
 * the scenario sets one.
 */
export function scenarioEmulator(
  range: { startMs: number; endMs: number },
  data: { codes: number; perCode: number; latencyMs: number },
  limits: Partial<Pick<EmulatorOptions, 'listRateLimit' | 'detailRateLimit'>> = {},
): Promise<FeishuEmulator> {
  return startEmulator({
    codeCount: data.codes,
    instancesPerCode: data.perCode,
    spanStartMs: range.startMs,
    spanEndMs: range.endMs - 1,
    latencyMs: data.latencyMs,
    listRateLimit: null,
    detailRateLimit: null,
    ...limits,
  });
}
