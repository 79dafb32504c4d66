/**
 * Status changes after the fact, as the admin API drives them: a revoke (APPROVED -> CANCELED,
 * reverted), a delete (status DELETED, or gone: 1390003), and PENDING -> final. Each checks the
 * instance's current status so a test cannot build a history Feishu would never produce.
 */
import { DatasetError, type Dataset, type InstanceStatus } from './dataset.js';
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
  if (status !== 'APPROVED') throw new DatasetError(`only an APPROVED instance can be revoked (${instanceCode} is ${status})`);
  dataset.pushStatus(instanceCode, { kind: 'revoke', status: 'CANCELED', atMs: nowMs });
}

/** 'status': DELETED from now on (still listed, detail says DELETED); 'gone': removed (1390003). */
export function deleteInstance(dataset: Dataset, instanceCode: string, mode: DeleteMode, nowMs: number = Date.now()): void {
  if (mode === 'gone') {
    dataset.delete(instanceCode);
    return;
  }
  const status = currentStatus(dataset, instanceCode, nowMs);
  if (status === 'DELETED') throw new DatasetError(`${instanceCode} is already DELETED`);
  dataset.pushStatus(instanceCode, { kind: 'delete', status: 'DELETED', atMs: nowMs });
}

/** A PENDING instance ends now with a final status. */
export function finishInstance(dataset: Dataset, instanceCode: string, status: InstanceStatus, nowMs: number = Date.now()): void {
  if (!FINAL_STATUSES.includes(status)) throw new DatasetError(`final status must be one of ${FINAL_STATUSES.join(', ')}`);
  const current = currentStatus(dataset, instanceCode, nowMs);
  if (current !== 'PENDING') throw new DatasetError(`only a PENDING instance can be finished (${instanceCode} is ${current})`);
  dataset.pushStatus(instanceCode, { kind: 'set', status, atMs: nowMs });
}

/** Current status and end time of every instance (or one code's), in truth order. */
export function statusRows(dataset: Dataset, approvalCode: string | undefined, nowMs: number = Date.now()): Array<{ instanceCode: string; status: InstanceStatus; endMs: number; reverted: boolean }> {
  const codes = approvalCode !== undefined ? [approvalCode] : dataset.approvalCodes;
  const out: Array<{ instanceCode: string; status: InstanceStatus; endMs: number; reverted: boolean }> = [];
  for (const code of codes) {
    const view = dataset.viewOf(code);
    if (!view) throw new DatasetError(`unknown approval code: ${code}`);
    for (const id of view.ids) {
      const record = dataset.record(id);
      const state = statusStateAt(record, dataset.pendingRatio, nowMs);
      out.push({ instanceCode: record.instanceCode, status: state.status, endMs: state.endMs, reverted: state.revokedAtMs !== undefined });
    }
  }
  return out;
}
