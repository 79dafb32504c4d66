import type { JsonObject } from '../../kit/protocol.js';
import type { SyncContext } from '../sync/contract.js';
import { StreamOutput } from './stream-output.js';
import type { RecordsPart } from './stream-part.js';

/**
 * The part of a stream whose full refresh already completed in an earlier attempt of this job
 * (state/resumable-state.ts): no request and no record, one INFO line, and its STATE sent again
 * unchanged with a record count of 0, as Airbyte's CDK sends the completed state again. The
 * platform thus keeps the stream's state, and the stream ends COMPLETE with the others.
 */
export function completedFullRefreshPart(ctx: SyncContext, stream: string, blob: JsonObject): RecordsPart {
  return {
    kind: 'records',
    read: async () => {
      ctx.emitter.info(
        `${stream}: its full refresh already completed in an earlier attempt of this sync job (its STATE says so); nothing is read again, so its rows are not written twice.`,
      );
      const out = new StreamOutput(ctx.emitter, stream);
      await out.state(() => blob, true);
    },
  };
}
