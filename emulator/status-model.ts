/**
 * The status model, cheap enough to evaluate for every instance of a 30-day query.
 *
 * A `pendingRatio` share of instances is PENDING until a derived `finalAtMs`; about half of those
 * finalise 1–5 s after their batch anchor (the emulator's start for seeded data), the rest hours
 * later — so two syncs a few seconds apart see some PENDING → final transitions. The others are
 * final from the start, finalised between their creation and the anchor. Admin changes (set,
 * revoke, delete, advance; see dataset.ts; an advance holds the instance PENDING, or approves it) apply from their moment on, so a status can be asked "as of"
 * any time, which the lagging query API needs.
 */
import type { InstanceRecord, InstanceStatus, StatusOverride } from './dataset.js';
import { mulberry32, randomInt, type Random } from './random.js';

export type FinalStatus = 'APPROVED' | 'REJECTED' | 'CANCELED';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

export interface StatusFacts {
  pending: boolean;
  finalStatus: FinalStatus;
  finalAtMs: number;
}

function pickFinal(rng: Random): FinalStatus {
  const u = rng.next();
  return u < 0.7 ? 'APPROVED' : u < 0.9 ? 'REJECTED' : 'CANCELED';
}

/**
 * The first draws of an instance's salt stream (instance-detail.ts continues the same stream).
 * Draw order is fixed: changing it would change every emulated data set.
 */
export function drawStatusFacts(record: InstanceRecord, pendingRatio: number, rng: Random): StatusFacts {
  const pending = rng.next() < pendingRatio;
  const finalStatus = pickFinal(rng);
  const soon = rng.next() < 0.5;
  const soonDelay = randomInt(rng, SECOND_MS, 5 * SECOND_MS);
  const lateDelay = randomInt(rng, 2 * HOUR_MS, 48 * HOUR_MS);
  const doneFraction = rng.next();
  const finalAtMs = pending
    ? Math.max(record.createTimeMs, record.anchorMs) + (soon ? soonDelay : lateDelay)
    : record.createTimeMs + Math.floor(doneFraction * Math.max(0, record.anchorMs - record.createTimeMs));
  return { pending, finalStatus, finalAtMs };
}

export function statusFacts(record: InstanceRecord, pendingRatio: number): StatusFacts {
  return drawStatusFacts(record, pendingRatio, mulberry32(record.salt));
}

/** An instance's status at one moment, with what the detail needs to tell its story. */
export interface StatusState {
  status: InstanceStatus;
  /** End time; 0 while PENDING. */
  endMs: number;
  /** How the approval process itself ended (before a revoke or delete), or PENDING. */
  processStatus: InstanceStatus;
  /** When the process ended (0 while PENDING). */
  processEndMs: number;
  /** Set when an APPROVED instance was revoked (status CANCELED). */
  revokedAtMs: number | undefined;
  /** Set when the instance was deleted after the fact (status DELETED). */
  deletedAtMs: number | undefined;
}

function generatedAt(facts: StatusFacts, atMs: number): StatusState {
  const final = atMs >= facts.finalAtMs;
  const status: InstanceStatus = final ? facts.finalStatus : 'PENDING';
  const endMs = final ? facts.finalAtMs : 0;
  return { status, endMs, processStatus: status, processEndMs: endMs, revokedAtMs: undefined, deletedAtMs: undefined };
}

function apply(record: InstanceRecord, state: StatusState, change: StatusOverride): StatusState {
  switch (change.kind) {
    case 'advance':
    case 'set': {
      const endMs = change.status === 'PENDING' ? 0 : Math.max(change.atMs, record.createTimeMs);
      return {
        status: change.status,
        endMs,
        processStatus: change.status,
        processEndMs: endMs,
        revokedAtMs: undefined,
        deletedAtMs: undefined,
      };
    }
    case 'revoke':
      return { ...state, status: 'CANCELED', revokedAtMs: change.atMs };
    case 'delete':
      return { ...state, status: 'DELETED', endMs: state.endMs || change.atMs, deletedAtMs: change.atMs };
  }
}

/** The status as of `atMs`: the generated model, then every admin change made by then. */
export function statusStateAt(record: InstanceRecord, pendingRatio: number, atMs: number): StatusState {
  const history = record.history;
  const firstChange = history[0];
  if (!firstChange || firstChange.atMs > atMs) return generatedAt(statusFacts(record, pendingRatio), atMs);
  let state = generatedAt(statusFacts(record, pendingRatio), firstChange.atMs);
  for (const change of history) {
    if (change.atMs > atMs) break;
    state = apply(record, state, change);
  }
  return state;
}

/** Status and end time (0 = open) at `nowMs`, honouring admin changes. */
export function statusAt(
  record: InstanceRecord,
  pendingRatio: number,
  nowMs: number,
): { status: InstanceStatus; endMs: number } {
  const state = statusStateAt(record, pendingRatio, nowMs);
  return { status: state.status, endMs: state.endMs };
}
