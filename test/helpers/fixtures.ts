import type { FeishuEmulator } from '../../emulator/index.js';
import { connectionConfig } from '../../harness/index.js';

/**
 * A config pointing at an emulator with limits raised and retries quick; tests override what they exercise.
 * The detail and bulk query budgets per second are raised too (to the spec's maximum), so a test
 * whose emulator keeps Feishu's 50/s says so by setting the connector's budget to match.
 */
export function emulatorConfig(
  emulator: FeishuEmulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return connectionConfig(emulator, {
    requests_per_minute: 100_000,
    detail_requests_per_minute: 1_000_000,
    query_requests_per_minute: 1_000_000,
    detail_requests_per_second: 10_000,
    query_requests_per_second: 10_000,
    max_concurrency: 8,
    retry_initial_delay_ms: 20,
    ...overrides,
  });
}
