import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../kit/protocol.js';
import { scanInstanceCodes } from '../instance-scan.js';
import { readCursors, stateMessage, type PartitionCursors } from '../state.js';
import type { WindowNode } from '../window-chain.js';
import { Stream, TIMESTAMP, type SyncContext } from './stream.js';

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

  async read(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): Promise<void> {
    const saved: PartitionCursors = mode === 'incremental' ? readCursors(state, this.name) : new Map();
    const windowIso = new WeakMap<WindowNode, [string, string]>();
    let sinceState = 0;
    let running = false;
    await scanInstanceCodes(ctx, saved, {
      onCode: (code, node) => {
        let bounds = windowIso.get(node);
        if (!bounds) {
          bounds = [new Date(node.window.startMs).toISOString(), new Date(node.window.endMs).toISOString()];
          windowIso.set(node, bounds);
        }
        if (!running) {
          running = true;
          void ctx.emitter.streamStatus(this.name, 'RUNNING');
        }
        sinceState++;
        return ctx.emitter.record({
          stream: this.name,
          data: { approval_code: node.chain.partition, instance_code: code, created_after: bounds[0], created_before: bounds[1] },
          emitted_at: Date.now(),
        });
      },
      onCheckpoint: (cursors) => {
        if (mode !== 'incremental') return undefined;
        const message = stateMessage(this.name, cursors, sinceState);
        sinceState = 0;
        return ctx.emitter.state(message);
      },
    });
  }
}
