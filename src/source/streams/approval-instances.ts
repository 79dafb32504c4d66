import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../kit/protocol.js';
import { RecordLineTemplate } from '../../kit/record-template.js';
import type { WindowNode } from '../window-chain.js';
import { readCursors, stateBlob, type PartitionCursors } from '../state.js';
import { Stream, TIMESTAMP, type StreamScan, type SyncContext } from './stream.js';
import { StreamOutput } from './stream-output.js';

/** One record per approval instance code, with the creation-time window it was listed in. */
export class ApprovalInstancesStream extends Stream {
  readonly name = 'approval_instances';
  readonly jsonSchema: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    required: ['approval_code', 'instance_code', 'created_after', 'created_before'],
    properties: {
      approval_code: { type: 'string', description: 'Code of the approval definition.' },
      instance_code: { type: 'string', description: 'Code of the approval instance (primary key).' },
      created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
      created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
    },
  };

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan {
    const saved: PartitionCursors = mode === 'incremental' ? readCursors(state, this.name) : new Map();
    const out = new StreamOutput(ctx.emitter, this.name);
    // Records of one window differ only in instance_code: serialise the rest once per window.
    const templates = new WeakMap<WindowNode, RecordLineTemplate>();
    const templateOf = (node: WindowNode): RecordLineTemplate => {
      let template = templates.get(node);
      if (!template) {
        template = new RecordLineTemplate(this.name, { approval_code: node.chain.partition, instance_code: '', ...out.windowFields(node) }, 'instance_code');
        templates.set(node, template);
      }
      return template;
    };
    return {
      saved,
      handlers: {
        onCode: (code, node) => out.recordFromTemplate(templateOf(node), code),
        onCheckpoint: (cursors) => (mode === 'incremental' ? out.state(stateBlob(cursors)) : undefined),
      },
    };
  }
}
