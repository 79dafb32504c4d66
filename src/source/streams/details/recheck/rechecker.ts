import { FeishuApiError, FeishuCode } from '../../../../feishu/errors.js';
import type { JsonObject, SyncMode } from '../../../../kit/protocol.js';
import type { PartitionCursors } from '../../../state/stream-state.js';
import type { SyncContext, WindowFields } from '../../../sync/contract.js';
import { assessDigest, type DigestTrust } from './digest-trust.js';
import { EmittedStatuses } from './emitted-statuses.js';
import { readPending } from './pending.js';
import { RecheckLog } from './recheck-log.js';
import { recheckRange } from './recheck-plan.js';
import { recheckPartition, type PartitionRecheck } from './status-recheck.js';

/** Where the recheck sends an instance to fetch again (its rows written again, its digest entry updated). */
export interface RefetchQueue {
  /** Resolves once the fetch has started (the pool may be full). */
  submit(job: () => Promise<void>): Promise<void>;
  /** Resolves once every fetch started before it has finished. */
  barrier(): Promise<void>;
}

/** Fetches one instance again: `createdMs` when known before its detail (a removed instance's detail does not say). */
export type Refetch = (
  instanceCode: string,
  window: WindowFields,
  approvalCode: string,
  createdMs?: number,
) => Promise<void>;

/** The stream whose saved state the recheck starts from, and the streams its log lines name. */
export interface RecheckSubject {
  readonly mode: SyncMode;
  readonly saved: PartitionCursors;
  /** The resumed stream's saved blob (incremental only): its digest, or a 0.2.0 pending list. */
  readonly blob: JsonObject | undefined;
  readonly resumedStream: string;
  readonly streamNames: string;
}

/**
 * The status recheck of an incremental sync, before any window is listed:
 * the instances whose status changed since they were emitted (the digest of
 * emitted statuses against the bulk query) are fetched again. It owns the
 * digest (`emitted`), which the fetches update and every incremental STATE
 * carries (`digestField`).
 */
export class Rechecker {
  readonly emitted: EmittedStatuses;
  /** Whether the saved digest can be compared against (digest-trust.ts). */
  private readonly trust: DigestTrust;
  /** Codes the recheck fetched; the scan may list them too (lookback), and they are not fetched twice. */
  private readonly rechecked = new Set<string>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly subject: RecheckSubject,
  ) {
    const { config } = ctx;
    this.emitted = new EmittedStatuses(
      config.statusRecheckMs,
      Date.now(),
      subject.blob,
      config.approvalCodes,
      subject.saved,
    );
    this.trust =
      config.statusRecheckMs > 0 ? assessDigest(subject.blob, config.approvalCodes, subject.saved) : { kind: 'absent' };
  }

  isRechecked(instanceCode: string): boolean {
    return this.rechecked.has(instanceCode);
  }

  /** The digest for an incremental STATE: one of another version is kept as it was. */
  digestField(): unknown {
    return this.trust.kind === 'unknown-version' ? this.trust.field : this.emitted.stateField();
  }

  /** Runs the recheck; resolves, once every fetch it asked for has finished, with whether it fetched anything. */
  async run(queue: RefetchQueue, refetch: Refetch): Promise<boolean> {
    if (this.subject.mode !== 'incremental' || !this.emitted.enabled) return false;
    const { emitter } = this.ctx;
    const log = new RecheckLog();
    // A state from before the digest lists the instances last emitted PENDING: fetched once more (window up to now, as below).
    const now = new Date().toISOString();
    for (const entry of readPending(this.subject.blob)) {
      if (this.rechecked.has(entry.instance_code)) continue;
      this.rechecked.add(entry.instance_code);
      log.legacyPending++;
      await queue.submit(() =>
        refetch(entry.instance_code, { created_after: entry.created_after, created_before: now }, entry.approval_code),
      );
    }
    this.distrust();
    // Codes are re-checked side by side: the query and list budgets pace them together.
    await Promise.all(
      this.ctx.config.approvalCodes.map((approvalCode) => this.recheckCode(approvalCode, log, queue, refetch)),
    );
    await queue.barrier();
    const { streamNames } = this.subject;
    if (!log.empty) emitter.info(`${streamNames}: ${log.summary(this.rechecked.size)}`);
    if (log.vanished > 0) {
      emitter.warn(
        `${streamNames}: ${log.vanished} instance(s) emitted earlier are no longer named by the bulk query or the list API (deleted); ` +
          'the state keeps no instance codes, so their rows keep the status last emitted.',
      );
    }
    return this.rechecked.size > 0;
  }

  /** A digest that cannot be read is never taken for a fresh baseline (digest-trust.ts); says what is done instead. */
  private distrust(): void {
    const { trust } = this;
    const { streamNames } = this.subject;
    if (trust.kind === 'unknown-version') {
      this.ctx.emitter.warn(
        `${streamNames}: the state's status digest has version ${trust.version}, which this connector version does not read (written by another version). ` +
          'It is kept as it was in every STATE; this sync re-fetches only the PENDING instances, and status changes are compared again once the version that wrote it runs.',
      );
    } else if (trust.kind === 'read' && trust.unreadable.length > 0) {
      // An empty digest makes every instance the query reports look unseen: all are fetched again and remembered.
      for (const code of trust.unreadable) this.emitted.adoptBaseline(code, new Map());
      this.ctx.emitter.warn(
        `${streamNames}: the state's status digest of ${trust.unreadable.length} approval code(s) could not be read (${trust.unreadable.slice(0, 3).join(', ')}${trust.unreadable.length > 3 ? ', …' : ''}); ` +
          'every instance the bulk query reports for them within status_recheck_days is fetched again. Revoked or deleted instances it does not report keep the rows last emitted.',
      );
    }
  }

  /** One code's recheck: the instances whose status changed are fetched again. */
  private async recheckCode(
    approvalCode: string,
    log: RecheckLog,
    queue: RefetchQueue,
    refetch: Refetch,
  ): Promise<void> {
    const range = recheckRange(
      this.subject.saved.get(approvalCode),
      Date.now(),
      this.ctx.config.statusRecheckMs,
      this.ctx.config,
    );
    if (!range) return;
    let result: PartitionRecheck | undefined;
    try {
      result = await recheckPartition(this.ctx, this.emitted.partition(approvalCode), approvalCode, range);
    } catch (error) {
      if (!isScopeMissing(error)) throw error;
      // Connections set up before the recheck may lack the bulk query's scope: the details still come, unrechecked.
      this.ctx.emitter.warn(
        `${this.subject.resumedStream}: status recheck of approval ${approvalCode} skipped: the bulk query was refused (Feishu code ${error.code}). ` +
          'Grant the app the scope approval:approval.list:readonly so that status changes reach the destination, or set status_recheck_days to 0.',
      );
      return;
    }
    if (!result) return;
    // A digest of another version is kept as it was: the query's statuses do not replace it.
    if (this.trust.kind === 'unknown-version') result.baseline = undefined;
    log.add(result);
    if (result.vanished > 0) this.emitted.touched(approvalCode);
    if (result.baseline) this.emitted.adoptBaseline(approvalCode, result.baseline);
    // The window: from the re-checked range's start to now. Every earlier row of the instance ended at a cursor before
    // now (even one written after the last STATE of a killed sync), so an append-dedup destination keeps this one.
    const window: WindowFields = {
      created_after: new Date(range.fromMs).toISOString(),
      created_before: new Date(Date.now()).toISOString(),
    };
    for (const [code, createdMs] of result.fetch) {
      if (this.rechecked.has(code)) continue;
      this.rechecked.add(code);
      await queue.submit(() => refetch(code, window, approvalCode, createdMs));
    }
  }
}

/** The bulk query refused for a missing scope: no permission for the operation, or the scope not granted. */
function isScopeMissing(error: unknown): error is FeishuApiError {
  return (
    error instanceof FeishuApiError &&
    (error.code === FeishuCode.APPROVAL_NO_PERMISSION ||
      error.code === FeishuCode.NO_PERMISSION ||
      error.code === FeishuCode.NO_PERMISSION_USER)
  );
}
