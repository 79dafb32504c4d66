/** The connector config a bench run uses: the emulator's credentials and codes, a fixed date range. */
import type { FeishuEmulator } from '../emulator/index.js';
import { connectionConfig } from '../harness/index.js';
import { iso } from './scenario.js';

export function connectorConfig(
  emulator: FeishuEmulator,
  range: { startMs: number; endMs: number },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return connectionConfig(emulator, {
    start_date: iso(range.startMs),
    end_date: iso(range.endMs),
    page_size: 100,
    window_hours: 10,
    ...overrides,
  });
}

/** Fails loudly when the connector did not finish cleanly: its figures would mean nothing. */
export function assertCleanRun(
  label: string,
  run: { exitCode: number | null; signal: string | null; errorTraces: string[]; stderrTail: string },
): void {
  if (run.exitCode === 0 && run.errorTraces.length === 0) return;
  throw new Error(
    `${label}: connector exited with ${run.exitCode ?? run.signal}; errors: ${run.errorTraces.slice(0, 3).join(' | ') || '-'}; stderr: ${run.stderrTail.slice(-500) || '-'}`,
  );
}
