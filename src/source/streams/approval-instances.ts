import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../kit/protocol.js';
import { RecordLineTemplate } from '../../kit/record-template.js';
import { checkpointBlob, startingCursors } from '../state/resumable-state.js';
import type { ScanWindow, SyncContext } from '../sync/contract.js';
import { DELETED_AT, DELETED_AT_FIELD, recordSchema, TIMESTAMP } from './record-schema.js';
import { Stream } from './stream.js';
import { StreamOutput } from './stream-output.js';
import type { ListedPart } from './stream-part.js';

/** One record per approval instance code, with the creation-time window it was listed in. */
export class ApprovalInstancesStream extends Stream {
  readonly name = 'approval_instances';
  readonly jsonSchema: JsonObject = recordSchema(
    ['approval_code', 'instance_code', 'created_after', 'created_before'],
    {
      approval_code: { type: 'string', description: 'Code of the approval definition.' },
      instance_code: { type: 'string', description: 'Code of the approval instance (primary key).' },
      created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
      created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
      [DELETED_AT_FIELD]: DELETED_AT,
    },
  );

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): ListedPart {
    const saved = startingCursors(state, this.name, mode, ctx.config.approvalCodes, ctx.emitter);
    const out = new StreamOutput(ctx.emitter, this.name);
    // Records of one window differ only in instance_code: serialise the rest once per window.
    const templates = new WeakMap<ScanWindow, RecordLineTemplate>();
    const templateOf = (window: ScanWindow): RecordLineTemplate => {
      let template = templates.get(window);
      if (!template) {
        template = new RecordLineTemplate(
          this.name,
          { approval_code: window.partition, instance_code: '', ...window.fields, [DELETED_AT_FIELD]: null },
          'instance_code',
        );
        templates.set(window, template);
      }
      return template;
    };
    return {
      kind: 'listed',
      saved,
      // In append_dedup, a tombstone removes an instance that the detail API says is removed entirely (1390003). The
      // list API stops listing such an instance, so this stream alone cannot learn of it: only when a detail-based
      // stream reads in the same scan (same cursors) and finds it gone. A full refresh replaces the table anyway.
      ...(mode === 'incremental'
        ? {
            onGone: (approvalCode, instanceCode, window, seenAt) =>
              out.record({
                approval_code: approvalCode,
                instance_code: instanceCode,
                ...window,
                [DELETED_AT_FIELD]: seenAt,
              }),
          }
        : {}),
      handlers: {
        onCode: (code, window) => {
          out.codeWritten();
          return out.recordFromTemplate(templateOf(window), code);
        },
        onCheckpoint: (cursors, final) => out.state(() => checkpointBlob(cursors, mode, final), final),
        onProgress: (progress) => out.progress(progress),
      },
      finish: async () => {
        await out.flushState();
      },
    };
  }
}
