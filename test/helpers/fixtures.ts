import type { ConfiguredAirbyteCatalog, SyncMode } from '../../src/kit/protocol.js';
import type { FeishuEmulator } from '../../emulator/index.js';

/** A config pointing at an emulator; tests override what they exercise. */
export function emulatorConfig(emulator: FeishuEmulator, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    app_id: emulator.options.appId,
    app_secret: emulator.options.appSecret,
    approval_codes: emulator.approvalCodes,
    start_date: new Date(emulator.options.spanStartMs).toISOString(),
    base_url: emulator.baseUrl,
    requests_per_minute: 100_000,
    max_concurrency: 8,
    retry_initial_delay_ms: 20,
    ...overrides,
  };
}

export function catalog(mode: SyncMode = 'full_refresh', streams = ['approval_instances']): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['created_before'] },
      sync_mode: mode,
      destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite',
      cursor_field: ['created_before'],
      primary_key: [['instance_code']],
    })),
  };
}

/** Floors to the hour, so windows start on round hours (where edge instances sit). */
export function hourFloor(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}
