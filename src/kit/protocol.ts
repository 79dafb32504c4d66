/**
 * Airbyte protocol messages (the subset a source emits or reads), typed after
 * the definitions of airbyte_protocol.yaml v0.3.x. The kit knows nothing of Feishu.
 */

export type JsonObject = { [key: string]: unknown };

export type SyncMode = 'full_refresh' | 'incremental';
/** The platform sends newer modes than protocol 0.3.2 lists (overwrite_dedup); a source only passes them on. */
export type DestinationSyncMode =
  'append' | 'overwrite' | 'append_dedup' | 'overwrite_dedup' | 'update' | 'soft_delete';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteRecordMessage {
  stream: string;
  namespace?: string;
  data: JsonObject;
  emitted_at: number;
}

export interface AirbyteStateStats {
  recordCount?: number;
  rejectedRecordCount?: number;
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject;
}

export interface AirbyteStateMessage {
  type?: 'STREAM' | 'GLOBAL' | 'LEGACY';
  stream?: AirbyteStreamState;
  global?: { shared_state?: JsonObject; stream_states: AirbyteStreamState[] };
  data?: JsonObject;
  sourceStats?: AirbyteStateStats;
}

export interface AirbyteLogMessage {
  level: LogLevel;
  message: string;
  stack_trace?: string;
}

export interface AirbyteErrorTraceMessage {
  message: string;
  internal_message?: string;
  stack_trace?: string;
  failure_type?: FailureType;
  stream_descriptor?: StreamDescriptor;
}

export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: StreamStatus;
  reasons?: { type: 'RATE_LIMITED'; rate_limited?: { quota_reset?: number } }[];
}

/** How many rows a stream is expected to emit in this sync (per-stream estimates only). */
export interface AirbyteEstimateTraceMessage {
  name: string;
  type: 'STREAM';
  namespace?: string;
  row_estimate?: number;
  byte_estimate?: number;
}

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  emitted_at: number;
  error?: AirbyteErrorTraceMessage;
  estimate?: AirbyteEstimateTraceMessage;
  stream_status?: AirbyteStreamStatusTraceMessage;
}

export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string;
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

/** As the platform sends it: fields it leaves unset may arrive as null. */
export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode?: DestinationSyncMode;
  /** A source whose stream defines its cursor (source_defined_cursor) ignores it. */
  cursor_field?: string[] | null;
  primary_key?: string[][] | null;
  generation_id?: number | null;
  minimum_generation_id?: number | null;
  sync_id?: number | null;
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export interface ConnectorSpecification {
  documentationUrl?: string;
  changelogUrl?: string;
  connectionSpecification: JsonObject;
  supportsIncremental?: boolean;
  protocol_version?: string;
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: AirbyteLogMessage }
  | { type: 'TRACE'; trace: AirbyteTraceMessage }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: AirbyteConnectionStatus }
  | { type: 'CATALOG'; catalog: AirbyteCatalog };
