/** What every scenario hands back to bench.ts: its figures, its target checks, its exactness. */
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

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function hourFloor(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

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
