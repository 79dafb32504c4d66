import type { CallCounters, FeishuClient } from '../../../feishu/client.js';
import { CONTACT_BATCH_MAX } from '../../../feishu/client.js';
import type { ContactDepartment, ContactUser } from '../../../feishu/types.js';
import type { Logger } from '../../../kit/emitter.js';
import type { JsonObject } from '../../../kit/protocol.js';
import type { SyncContext } from '../../sync/contract.js';
import { departmentRow, userRow } from './contact-rows.js';
import type { ReferencedIds } from './referenced-ids.js';

/** Where the rows of the contact streams go (contact-sink.ts); a failed output takes nothing more. */
export interface ContactOutput {
  readonly failed: boolean;
  emit(row: JsonObject): Promise<void>;
  fail(error: unknown): void;
}

export type ContactKind = 'users' | 'departments';

/** What a queued user is wanted for: its own row (users), its department_ids (departments). */
interface Want {
  record: boolean;
  resolve: boolean;
}

/** The ids a contact stream's STATE keeps: asked for, not yet delivered (a resumed sync asks again). */
export const PENDING_USERS_KEY = 'pending_open_ids';
export const PENDING_DEPARTMENTS_KEY = 'pending_department_ids';

const fetchers = new WeakMap<SyncContext, ContactFetcher>();

/**
 * The one contact look-up of a sync, shared by `users` and `departments` whatever scan group
 * they read in. Ids come from the details the streams see (referenced-ids.ts); each id is asked
 * for at most once per sync, in batches of CONTACT_BATCH_MAX, one queue per endpoint, so a sync
 * costs ⌈ids ÷ 50⌉ requests per endpoint. `departments` also takes the department_ids of the users
 * the approvals name: a user fetched for either stream serves both. A batch fills as details
 * arrive; what is left goes out at the streams' final checkpoint (drain).
 *
 * Nothing lost: an id leaves its stream's pending set only once its row is written, and every
 * STATE carries the pending ids (pendingOf), so a sync resumed from it asks for them again.
 */
export class ContactFetcher {
  /** Start of the sync, the cursor of every row it writes (contact-rows.ts SYNCED_AT). */
  readonly syncedAt = new Date().toISOString();
  private readonly outputs: Partial<Record<ContactKind, ContactOutput>> = {};
  private readonly userQueue = new Map<string, Want>();
  private readonly usersInFlight = new Map<string, Want>();
  /** Every user answered (or left out: null) this sync. */
  private readonly users = new Map<string, ContactUser | null>();
  private readonly usersWritten = new Set<string>();
  private readonly usersResolved = new Set<string>();
  private readonly departmentQueue = new Set<string>();
  private readonly departmentsInFlight = new Set<string>();
  private readonly departmentsDone = new Set<string>();
  /** The users endpoint failed: nothing more is asked of it (its stream failed; departments read on). */
  private usersDown = false;
  private departmentsDown = false;
  private readonly counts = {
    users: { referenced: new Set<string>(), requests: 0, leftOut: 0 },
    departments: { referenced: new Set<string>(), requests: 0, leftOut: 0 },
  };
  private warnedUnresolved = false;

  private constructor(
    private readonly client: FeishuClient,
    private readonly logger: Logger,
  ) {}

  /** The sync's fetcher. */
  static of(ctx: SyncContext): ContactFetcher {
    let fetcher = fetchers.get(ctx);
    if (!fetcher) {
      fetcher = new ContactFetcher(ctx.client, ctx.emitter);
      fetchers.set(ctx, fetcher);
    }
    return fetcher;
  }

  register(kind: ContactKind, output: ContactOutput): void {
    this.outputs[kind] = output;
  }

  /** Ids a resumed stream's STATE still owed: queued, asked for with the first batches. */
  seed(kind: ContactKind, pending: { users: readonly string[]; departments: readonly string[] }): void {
    for (const id of pending.users) this.enqueueUser(id, kind === 'users' ? 'record' : 'resolve');
    if (kind === 'departments') for (const id of pending.departments) this.enqueueDepartment(id);
  }

  /** The ids one detail names, for stream `kind`; full batches go out at once. */
  async offer(kind: ContactKind, ids: ReferencedIds): Promise<void> {
    const want: keyof Want = kind === 'users' ? 'record' : 'resolve';
    for (const id of ids.users) {
      const known = this.users.get(id);
      if (known === undefined) this.enqueueUser(id, want);
      else if (want === 'record') await this.writeUser(id, known);
      else this.resolveUser(id, known);
    }
    if (kind === 'departments') for (const id of ids.departments) this.enqueueDepartment(id);
    await this.sendFull(kind);
  }

  /**
   * Every id still queued, asked for now (the final checkpoint's partial batches). Departments are
   * asked for only from `departments`' own calls, so none is written before that stream has started
   * (the two may read in different scan groups).
   */
  async drain(kind: ContactKind): Promise<void> {
    while (this.userQueue.size > 0 && !this.usersDown) await this.fetchUsers(this.take(this.userQueue.size));
    if (kind !== 'departments') return;
    while (this.departmentQueue.size > 0 && !this.departmentsDown) await this.fetchDepartments(this.takeDepartments());
  }

  /** The STATE fields of stream `kind`: ids it was given whose rows are not written yet. */
  pendingOf(kind: ContactKind): JsonObject {
    const want: keyof Want = kind === 'users' ? 'record' : 'resolve';
    const users = [...this.userQueue, ...this.usersInFlight].filter(([, w]) => w[want]).map(([id]) => id);
    const departments = kind === 'departments' ? [...this.departmentQueue, ...this.departmentsInFlight] : [];
    return {
      ...(users.length > 0 ? { [PENDING_USERS_KEY]: users } : {}),
      ...(departments.length > 0 ? { [PENDING_DEPARTMENTS_KEY]: departments } : {}),
    };
  }

  /** The closing line of stream `kind`: ids, requests, and those Feishu left out (never a failure). */
  summary(kind: ContactKind): void {
    const c = this.counts[kind];
    const ids = kind === 'users' ? 'open_id(s)' : 'department id(s)';
    const line = `${kind}: ${c.referenced.size} ${ids} referenced, ${c.requests} request(s) to /contact/v3/${kind}/batch`;
    if (c.leftOut === 0) {
      this.logger.info(`${line}.`);
      return;
    }
    const why =
      kind === 'users'
        ? "outside the app's contact range (or no longer in the tenant): widen the range in the app's permission settings to get them"
        : "outside the app's contact range (or deleted)";
    this.logger.warn(`${line}; ${c.leftOut} left out by Feishu, ${why}. They have no row; the sync goes on.`);
  }

  private enqueueUser(id: string, want: keyof Want): void {
    if (want === 'record') this.counts.users.referenced.add(id);
    // Once the endpoint failed nothing more is asked of it (see warnUnresolved).
    if (this.usersDown) return;
    if (want === 'record' ? this.usersWritten.has(id) : this.usersResolved.has(id)) return;
    const entry = this.userQueue.get(id) ?? this.usersInFlight.get(id);
    if (entry) entry[want] = true;
    else this.userQueue.set(id, { record: want === 'record', resolve: want === 'resolve' });
  }

  private enqueueDepartment(id: string): void {
    this.counts.departments.referenced.add(id);
    if (this.departmentsDone.has(id) || this.departmentsInFlight.has(id)) return;
    this.departmentQueue.add(id);
  }

  private async sendFull(kind: ContactKind): Promise<void> {
    while (this.userQueue.size >= CONTACT_BATCH_MAX && !this.usersDown)
      await this.fetchUsers(this.take(CONTACT_BATCH_MAX));
    if (kind !== 'departments') return;
    while (this.departmentQueue.size >= CONTACT_BATCH_MAX && !this.departmentsDown)
      await this.fetchDepartments(this.takeDepartments());
  }

  /** Up to `n` (at most a batch) queued users, moved to in flight, taken synchronously so callers never share one. */
  private take(n: number): Map<string, Want> {
    const batch = new Map<string, Want>();
    for (const [id, want] of this.userQueue) {
      if (batch.size >= Math.min(n, CONTACT_BATCH_MAX)) break;
      batch.set(id, want);
    }
    for (const [id, want] of batch) {
      this.userQueue.delete(id);
      this.usersInFlight.set(id, want);
    }
    return batch;
  }

  private takeDepartments(): string[] {
    const batch = [...this.departmentQueue].slice(0, CONTACT_BATCH_MAX);
    for (const id of batch) {
      this.departmentQueue.delete(id);
      this.departmentsInFlight.add(id);
    }
    return batch;
  }

  private async fetchUsers(batch: Map<string, Want>): Promise<void> {
    const counters: CallCounters = { requests: 0, retries: 0 };
    let answered: ContactUser[];
    try {
      answered = await this.client.batchGetUsers([...batch.keys()], { counters });
    } catch (error) {
      this.usersDown = true;
      this.outputs.users?.fail(error);
      this.warnUnresolved([...batch.values()].some((w) => w.resolve));
      for (const id of batch.keys()) this.usersInFlight.delete(id);
      return;
    } finally {
      this.counts.users.requests += counters.requests;
    }
    const byId = new Map(answered.map((u) => [u.open_id, u]));
    for (const id of batch.keys()) {
      const user = byId.get(id) ?? null;
      this.users.set(id, user);
      if (user === null) this.counts.users.leftOut++;
    }
    for (const [id, want] of batch) {
      const user = this.users.get(id) ?? null;
      // Read again: an offer made while the batch was in flight may have added a want.
      if (want.resolve) this.resolveUser(id, user);
      if (want.record) await this.writeUser(id, user);
      this.usersInFlight.delete(id);
    }
  }

  private async writeUser(id: string, user: ContactUser | null): Promise<void> {
    if (this.usersWritten.has(id)) return;
    this.usersWritten.add(id);
    const out = this.outputs.users;
    if (user && out && !out.failed) await out.emit(userRow(user, this.syncedAt));
  }

  /** A user's departments join the departments queue (only `departments` asks for that). */
  private resolveUser(id: string, user: ContactUser | null): void {
    if (this.usersResolved.has(id)) return;
    this.usersResolved.add(id);
    for (const department of user?.department_ids ?? []) this.enqueueDepartment(department);
  }

  private async fetchDepartments(batch: string[]): Promise<void> {
    const counters: CallCounters = { requests: 0, retries: 0 };
    let answered: ContactDepartment[];
    try {
      answered = await this.client.batchGetDepartments(batch, { counters });
    } catch (error) {
      this.departmentsDown = true;
      this.outputs.departments?.fail(error);
      for (const id of batch) this.departmentsInFlight.delete(id);
      return;
    } finally {
      this.counts.departments.requests += counters.requests;
    }
    const byId = new Map(answered.map((d) => [d.open_department_id, d]));
    const out = this.outputs.departments;
    for (const id of batch) {
      const department = byId.get(id);
      if (!department) this.counts.departments.leftOut++;
      else if (out && !out.failed) await out.emit(departmentRow(department, this.syncedAt));
      this.departmentsDone.add(id);
      this.departmentsInFlight.delete(id);
    }
  }

  /** Once: `departments` reads on without the departments of users it could not look up. */
  private warnUnresolved(needed: boolean): void {
    if (!needed || this.warnedUnresolved || !this.outputs.departments) return;
    this.warnedUnresolved = true;
    this.logger.warn(
      "departments: the users endpoint failed, so the departments of the people the approvals name (their department_ids) are not read this sync; the departments the approvals name themselves are. Grant the scope the users stream's error names.",
    );
  }
}
