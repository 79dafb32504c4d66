import type { Emitter } from '../kit/emitter.js';
import type { Source } from '../kit/source.js';
import type {
  AirbyteCatalog,
  AirbyteStateMessage,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
} from '../kit/protocol.js';
import { checkConnection } from './check.js';
import { discoverCatalog } from './discover.js';
import { parseConfig, type FeishuApprovalConfig } from './config/config.js';
import { readStreams } from './read.js';
import { loadSpec } from './spec.js';
import { ApprovalInstanceDetailsStream } from './streams/details/approval-instance-details.js';
import { ApprovalInstancesStream } from './streams/approval-instances.js';
import { ApprovalDefinitionsStream } from './streams/definitions/approval-definitions.js';
import { ApprovalFormFieldsStream } from './streams/details/approval-form-fields.js';
import { ApprovalTasksStream } from './streams/details/approval-tasks.js';
import { ApprovalTimelineStream } from './streams/details/approval-timeline.js';
import type { Stream } from './streams/stream.js';
import { formStreamName, formTableSchema, type FormColumn } from './streams/forms/form-columns.js';

/** The Feishu approval source: the kit's Source contract over this connector's streams. */
export class FeishuApprovalSource implements Source<FeishuApprovalConfig> {
  readonly streams: Stream[] = [
    new ApprovalInstancesStream(),
    new ApprovalInstanceDetailsStream(),
    new ApprovalDefinitionsStream(),
    new ApprovalFormFieldsStream(),
    new ApprovalTasksStream(),
    new ApprovalTimelineStream(),
  ];

  spec(): ConnectorSpecification {
    return loadSpec();
  }

  parseConfig(raw: Record<string, unknown>): FeishuApprovalConfig {
    return parseConfig(raw);
  }

  secrets(config: FeishuApprovalConfig): string[] {
    return [config.appId, config.appSecret];
  }

  check(config: FeishuApprovalConfig, emitter: Emitter) {
    return checkConnection(config, emitter);
  }

  /** The static streams, then a form table per approval code whose definition can be read (discover.ts). */
  discover(config: FeishuApprovalConfig, emitter: Emitter): Promise<AirbyteCatalog> {
    return discoverCatalog(config, emitter, this.streams, formTableEntry);
  }

  read(
    config: FeishuApprovalConfig,
    catalog: ConfiguredAirbyteCatalog,
    state: AirbyteStateMessage[],
    emitter: Emitter,
  ): Promise<void> {
    return readStreams(config, catalog, state, emitter, this.streams);
  }
}

/** A form table's catalog entry: incremental on the instance window, keyed by instance, as the detail streams. */
function formTableEntry(approvalCode: string, columns: readonly FormColumn[]): AirbyteStream {
  return {
    name: formStreamName(approvalCode),
    json_schema: formTableSchema(columns),
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['created_before'],
    source_defined_primary_key: [['instance_code']],
    is_resumable: true,
  };
}
