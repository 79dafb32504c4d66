/**
 * Status changes after the fact, as the admin API drives them: a revoke (APPROVED -> CANCELED,
 * reverted), a delete (status DELETED, or gone: 1390003), PENDING -> final, and a PENDING
 * instance moved on to its next node. Each checks the
 * instance's current status so a test cannot build a history Feishu would never produce.
 */
import { DatasetError, type Dataset, type InstanceStatus } from './dataset.js';
import { movesLeftAt } from './instance-detail.js';
import { statusStateAt } from './status-model.js';

export type DeleteMode = 'status' | 'gone';
export const DELETE_MODES: readonly DeleteMode[] = ['status', 'gone'];
export const FINAL_STATUSES: readonly InstanceStatus[] = ['APPROVED', 'REJECTED', 'CANCELED'];

function currentStatus(dataset: Dataset, instanceCode: string, nowMs: number): InstanceStatus {
  const id = dataset.find(instanceCode);
  if (id === undefined) throw new DatasetError(`unknown instance code: ${instanceCode}`);
  return statusStateAt(dataset.record(id), dataset.pendingRatio, nowMs).status;
}

/** An approved instance is revoked: CANCELED from now on, `reverted` true in its detail. */
export function revokeInstance(dataset: Dataset, instanceCode: string, nowMs: number = Date.now()): void {
  const status = currentStatus(dataset, instanceCode, nowMs);
  if (status !== 'APPROVED')
    throw new DatasetError(`only an APPROVED instance can be revoked (${instanceCode} is ${status})`);
  dataset.pushStatus(instanceCode, { kind: 'revoke', status: 'CANCELED', atMs: nowMs });
}

/** 'status': DELETED from now on (still listed, detail says DELETED); 'gone': removed (1390003). */
export function deleteInstance(
  dataset: Dataset,
  instanceCode: string,
  mode: DeleteMode,
  nowMs: number = Date.now(),
): void {
  if (mode === 'gone') {
    dataset.delete(instanceCode);
    return;
  }
  const status = currentStatus(dataset, instanceCode, nowMs);
  if (status === 'DELETED') throw new DatasetError(`${instanceCode} is already DELETED`);
  dataset.pushStatus(instanceCode, { kind: 'delete', status: 'DELETED', atMs: nowMs });
}

/** A PENDING instance ends now with a final status. */
export function finishInstance(
  dataset: Dataset,
  instanceCode: string,
  status: InstanceStatus,
  nowMs: number = Date.now(),
): void {
  if (!FINAL_STATUSES.includes(status))
    throw new DatasetError(`final status must be one of ${FINAL_STATUSES.join(', ')}`);
  const current = currentStatus(dataset, instanceCode, nowMs);
  if (current !== 'PENDING')
    throw new DatasetError(`only a PENDING instance can be finished (${instanceCode} is ${current})`);
  dataset.pushStatus(instanceCode, { kind: 'set', status, atMs: nowMs });
}

/**
 * A PENDING instance moves on to its next approval node at `nowMs` (its open tasks end APPROVED or
 * DONE with PASS events, the next node's tasks start PENDING); from its last node it ends APPROVED.
 * Returns the status it has from then on. From its first move on the instance is held by the
 * admin API: it no longer finishes by itself at its generated time.
 */
export function advanceInstance(dataset: Dataset, instanceCode: string, nowMs: number = Date.now()): InstanceStatus {
  const current = currentStatus(dataset, instanceCode, nowMs);
  if (current !== 'PENDING')
    throw new DatasetError(`only a PENDING instance can move on (${instanceCode} is ${current})`);
  const record = dataset.record(dataset.find(instanceCode) as number);
  const status: InstanceStatus = movesLeftAt(record, dataset.pendingRatio, nowMs) > 0 ? 'PENDING' : 'APPROVED';
  dataset.pushStatus(instanceCode, { kind: 'advance', status, atMs: nowMs });
  return status;
}

/** Current status and end time of every instance (or one code's), in truth order. */
export function statusRows(
  dataset: Dataset,
  approvalCode: string | undefined,
  nowMs: number = Date.now(),
): Array<{ instanceCode: string; status: InstanceStatus; endMs: number; reverted: boolean }> {
  const codes = approvalCode !== undefined ? [approvalCode] : dataset.approvalCodes;
  const out: Array<{ instanceCode: string; status: InstanceStatus; endMs: number; reverted: boolean }> = [];
  for (const code of codes) {
    const view = dataset.viewOf(code);
    if (!view) throw new DatasetError(`unknown approval code: ${code}`);
    for (const id of view.ids) {
      const record = dataset.record(id);
      const state = statusStateAt(record, dataset.pendingRatio, nowMs);
      out.push({
        instanceCode: record.instanceCode,
        status: state.status,
        endMs: state.endMs,
        reverted: state.revokedAtMs !== undefined,
      });
    }
  }
  return out;
}
