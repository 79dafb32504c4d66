/**
 * The configured catalog a data team would pick from discover: every stream; the incremental ones as
 * incremental + append_dedup on their source-defined primary key and cursor, the full-refresh-only
 * ones (approval_definitions) as full refresh + overwrite.
 */
import type { AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../../src/kit/protocol.js';
import { FeishuApprovalSource } from '../../../src/source/index.js';
import { runConnectorCli, writeFiles } from '../../../harness/index.js';
import { withMessages } from '../connector.js';

/** The static streams discover lists first (the form tables, after them, depend on the config). */
export function discoveredStreams(): Promise<AirbyteStream[]> {
  return Promise.resolve(new FeishuApprovalSource().streams.map((s) => s.asAirbyteStream()));
}

/** Every stream the CLI's discover lists for `config`: the static ones and a form table per readable definition. */
export async function discoveredWithForms(config: Record<string, unknown>): Promise<AirbyteStream[]> {
  const files = writeFiles({ 'config.json': config });
  const run = withMessages(await runConnectorCli(['discover', '--config', files['config.json']!]));
  const catalog = run.messages.find((m) => m.type === 'CATALOG');
  if (run.code !== 0 || catalog?.type !== 'CATALOG') throw new Error(`discover exited ${run.code}: ${run.stderr}`);
  return catalog.catalog.streams;
}

export function warehouseCatalog(streams: AirbyteStream[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((stream): ConfiguredAirbyteStream => {
      const incremental = stream.supported_sync_modes.includes('incremental');
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        ...(incremental ? { cursor_field: stream.default_cursor_field ?? ['created_before'] } : {}),
        primary_key: stream.source_defined_primary_key ?? [],
      };
    }),
  };
}
