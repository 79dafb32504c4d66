import type { Emitter } from '../kit/emitter.js';
import type { Source } from '../kit/source.js';
import type {
  AirbyteCatalog,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
} from '../kit/protocol.js';
import { checkConnection } from './check.js';
import { discoverCatalog } from './discover.js';
import { parseConfig, type FeishuApprovalConfig } from './config/config.js';
import { readStreams } from './read.js';
import { TEST_ONLY_PLAIN_HTTP_HOST } from './config/config.js';
import { loadSpec } from './spec.js';
import { ApprovalInstanceDetailsStream } from './streams/details/approval-instance-details.js';
import { ApprovalInstancesStream } from './streams/approval-instances.js';
import { ApprovalDefinitionsStream } from './streams/definitions/approval-definitions.js';
import { ApprovalFormFieldsStream } from './streams/details/approval-form-fields.js';
import { ApprovalTasksStream } from './streams/details/approval-tasks.js';
import { ApprovalTimelineStream } from './streams/details/approval-timeline.js';
import { DepartmentsStream, UsersStream } from './streams/contacts/contact-streams.js';
import type { Stream } from './streams/stream.js';
import { FormTableStream } from './streams/forms/form-stream.js';

/** The Feishu approval source: the kit's Source contract over this connector's streams. */
export class FeishuApprovalSource implements Source<FeishuApprovalConfig> {
  readonly streams: Stream[] = [
    new ApprovalInstancesStream(),
    new ApprovalInstanceDetailsStream(),
    new ApprovalDefinitionsStream(),
    new ApprovalFormFieldsStream(),
    new ApprovalTasksStream(),
    new ApprovalTimelineStream(),
    new UsersStream(),
    new DepartmentsStream(),
  ];

  readonly hiddenConfigKeys = [TEST_ONLY_PLAIN_HTTP_HOST];

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
    return discoverCatalog(config, emitter, this.streams, (code, columns) =>
      new FormTableStream(code, columns).asAirbyteStream(),
    );
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
