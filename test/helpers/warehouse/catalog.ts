/**
 * The configured catalog a data team would pick from discover: every stream; the incremental ones as
 * incremental + append_dedup on their source-defined primary key and cursor, the full-refresh-only
 * ones (approval_definitions) as full refresh + overwrite.
 */
import type { AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../../src/kit/protocol.js';
import { FeishuApprovalSource } from '../../../src/source/index.js';

/** The static streams discover lists first (the form tables, after them, depend on the config). */
export function discoveredStreams(): Promise<AirbyteStream[]> {
  return Promise.resolve(new FeishuApprovalSource().streams.map((s) => s.asAirbyteStream()));
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
