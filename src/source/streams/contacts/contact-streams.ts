import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../../kit/protocol.js';
import { startingCursors } from '../../state/resumable-state.js';
import { streamBlob } from '../../state/stream-state.js';
import type { SyncContext } from '../../sync/contract.js';
import { Stream } from '../stream.js';
import type { DetailPart } from '../stream-part.js';
import { ContactFetcher, PENDING_DEPARTMENTS_KEY, PENDING_USERS_KEY, type ContactKind } from './contact-fetcher.js';
import { DEPARTMENT_SCHEMA, SYNCED_AT, USER_SCHEMA } from './contact-rows.js';
import { ContactSink } from './contact-sink.js';

/**
 * `users` and `departments`: names for the ids the approval streams hold, from Feishu's contact
 * API. To the read plan they are detail-based streams (a DetailPart): their ids come from the
 * details of their scan group's one detail fan-out, so read beside the approval streams they add
 * no list or detail request; selected alone they still scan and fetch the details, for the ids.
 * Their STATE has the cursors of the details it covers, plus the ids not yet written.
 */
abstract class ContactStream extends Stream {
  protected abstract readonly kind: ContactKind;
  override readonly cursorField: string[] = [SYNCED_AT];

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): DetailPart {
    const saved = startingCursors(state, this.name, mode, ctx.config.approvalCodes, ctx.emitter);
    const fetcher = ContactFetcher.of(ctx);
    const sink = new ContactSink(ctx.emitter, this.name, this.kind, mode, fetcher);
    // Resuming from a STATE: the ids it still owed are asked for first.
    if (saved.size > 0) fetcher.seed(this.kind, pendingIds(streamBlob(state, this.name)));
    return { kind: 'detail', saved, mode, sink };
  }
}

function ids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && id !== '') : [];
}

function pendingIds(blob: JsonObject | undefined): { users: string[]; departments: string[] } {
  return { users: ids(blob?.[PENDING_USERS_KEY]), departments: ids(blob?.[PENDING_DEPARTMENTS_KEY]) };
}

export class UsersStream extends ContactStream {
  readonly name = 'users';
  protected readonly kind = 'users';
  override readonly primaryKey = [['open_id']];
  readonly jsonSchema: JsonObject = USER_SCHEMA;
}

export class DepartmentsStream extends ContactStream {
  readonly name = 'departments';
  protected readonly kind = 'departments';
  override readonly primaryKey = [['open_department_id']];
  readonly jsonSchema: JsonObject = DEPARTMENT_SCHEMA;
}
