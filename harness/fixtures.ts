/** The inputs of a `read`: a config aimed at an emulator, a configured catalog, JSON files on disk. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeishuEmulator } from '../emulator/index.js';
import type { ConfiguredAirbyteCatalog, SyncMode } from '../src/kit/protocol.js';
import { formStreamName } from '../src/source/streams/forms/form-columns.js';

export const HOUR_MS = 3_600_000;

/** Floors to the hour, so windows start on round hours (where edge instances sit). */
export function hourFloor(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The emulator's credentials, codes and address, from the start of its span; callers add their limits. */
export function connectionConfig(
  emulator: FeishuEmulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    app_id: emulator.options.appId,
    app_secret: emulator.options.appSecret,
    approval_codes: emulator.approvalCodes,
    start_date: new Date(emulator.options.spanStartMs).toISOString(),
    base_url: emulator.baseUrl,
    ...overrides,
  };
}

/** Each stream's primary key, as discover declares it (a destination dedupes on it). */
export const PRIMARY_KEYS: Readonly<Record<string, string[][]>> = {
  approval_instances: [['instance_code']],
  approval_instance_details: [['instance_code']],
  approval_form_fields: [['instance_code'], ['field_index']],
  approval_tasks: [['instance_code'], ['task_index']],
  approval_timeline: [['instance_code'], ['seq']],
  approval_definitions: [['approval_code']],
  users: [['open_id']],
  departments: [['open_department_id']],
};

/** Discover's form tables (after the streams of PRIMARY_KEYS), one per approval code whose definition it read. */
export function formTableNames(approvalCodes: readonly string[]): string[] {
  return approvalCodes.map(formStreamName);
}

/** A form table's primary key: one row per instance. */
export const FORM_TABLE_KEY: readonly string[][] = [['instance_code']];

/** A configured catalog of `streams`, all in one sync mode, as the platform sends it. */
export function catalog(mode: SyncMode = 'full_refresh', streams = ['approval_instances']): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((name) => ({
      stream: {
        name,
        json_schema: {},
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: ['created_before'],
      },
      sync_mode: mode,
      destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite',
      cursor_field: ['created_before'],
      primary_key: PRIMARY_KEYS[name] ?? [['instance_code']],
    })),
  };
}

/**
 * Writes the given files (a string as is, anything else as JSON) into `dir`, or a fresh temporary
 * folder; returns their paths by name.
 */
export function writeFiles(files: Record<string, unknown>, dir?: string): Record<string, string> & { dir: string } {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'feishu-approval-'));
  if (dir) mkdirSync(dir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = path;
  }
  return Object.assign(paths, { dir: folder });
}
