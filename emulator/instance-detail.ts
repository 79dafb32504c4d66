/**
 * The instance detail payload and the status model behind it.
 *
 * Nothing here is stored per instance: every attribute is derived from the record's salt, so 1M
 * instances cost no more memory than their codes and times. The status model: a `pendingRatio`
 * share of instances is PENDING until a derived `finalAtMs`; about half of those finalise 1–5 s
 * after their batch anchor (the emulator's start for seeded data), the rest hours later — so two
 * syncs a few seconds apart see some PENDING → final transitions. The others are final from the
 * start, finalised somewhere between their creation and the anchor.
 */
import type { InstanceRecord, InstanceStatus } from './dataset.js';
import { mulberry32, randomHex, randomInt, type Random } from './random.js';

type FinalStatus = 'APPROVED' | 'REJECTED' | 'CANCELED';

export interface TaskItem {
  id: string;
  user_id: string;
  open_id: string;
  status: string;
  node_id: string;
  node_name: string;
  start_time: string;
  end_time: string;
}

export interface TimelineItem {
  type: 'START' | 'PASS' | 'REJECT' | 'CANCEL';
  create_time: string;
  user_id: string;
  open_id: string;
}

export interface FormWidget {
  id: string;
  name: string;
  type: string;
  value: string;
}

export interface InstanceDetail {
  approval_code: string;
  approval_name: string;
  instance_code: string;
  serial_number: string;
  status: InstanceStatus;
  start_time: string;
  end_time: string;
  user_id: string;
  open_id: string;
  department_id: string;
  uuid: string;
  form: string;
  task_list: TaskItem[];
  comment_list: never[];
  timeline: TimelineItem[];
  reverted: boolean;
}

/** The fixed-per-instance facts, derived from the salt. */
interface DerivedFacts {
  pending: boolean;
  finalStatus: FinalStatus;
  finalAtMs: number;
  userId: string;
  openId: string;
  departmentId: string;
  uuid: string;
  approverUserId: string;
  approverOpenId: string;
  taskId: string;
  amount: number;
  reason: string;
}

const REASONS = ['Travel', 'Office supplies', 'Team dinner', 'Training', 'Hardware', 'Conference'];

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

function pickFinal(rng: Random): FinalStatus {
  const u = rng.next();
  return u < 0.7 ? 'APPROVED' : u < 0.9 ? 'REJECTED' : 'CANCELED';
}

/** Draw order is fixed: changing it would change every emulated data set. */
function deriveFacts(record: InstanceRecord, pendingRatio: number): DerivedFacts {
  const anchorMs = record.anchorMs;
  const rng = mulberry32(record.salt);
  const pending = rng.next() < pendingRatio;
  const finalStatus = pickFinal(rng);
  const soon = rng.next() < 0.5;
  const soonDelay = randomInt(rng, SECOND_MS, 5 * SECOND_MS);
  const lateDelay = randomInt(rng, 2 * HOUR_MS, 48 * HOUR_MS);
  const doneFraction = rng.next();
  let finalAtMs: number;
  if (pending) {
    finalAtMs = Math.max(record.createTimeMs, anchorMs) + (soon ? soonDelay : lateDelay);
  } else {
    finalAtMs = record.createTimeMs + Math.floor(doneFraction * Math.max(0, anchorMs - record.createTimeMs));
  }
  return {
    pending,
    finalStatus,
    finalAtMs,
    userId: randomHex(rng, 1).toLowerCase(),
    openId: `ou_${randomHex(rng, 4).toLowerCase()}`,
    departmentId: `od-${randomHex(rng, 4).toLowerCase()}`,
    uuid: randomHex(rng, 2).toLowerCase(),
    approverUserId: randomHex(rng, 1).toLowerCase(),
    approverOpenId: `ou_${randomHex(rng, 4).toLowerCase()}`,
    taskId: String(7_000_000_000_000_000 + (rng.nextUint32() % 1_000_000_000)),
    amount: randomInt(rng, 1, 100_000),
    reason: REASONS[randomInt(rng, 0, REASONS.length - 1)] ?? 'Other',
  };
}

/** Status and end time (0 = open) at `nowMs`, honouring a forced status. */
export function statusAt(
  record: InstanceRecord,
  pendingRatio: number,
  nowMs: number,
): { status: InstanceStatus; endMs: number } {
  if (record.override) {
    const { status, atMs } = record.override;
    return { status, endMs: status === 'PENDING' ? 0 : Math.max(atMs, record.createTimeMs) };
  }
  const facts = deriveFacts(record, pendingRatio);
  if (nowMs >= facts.finalAtMs) return { status: facts.finalStatus, endMs: facts.finalAtMs };
  return { status: 'PENDING', endMs: 0 };
}

function yyyymmdd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

const TIMELINE_TYPE: Record<string, TimelineItem['type'] | undefined> = {
  APPROVED: 'PASS',
  REJECTED: 'REJECT',
  CANCELED: 'CANCEL',
};

const TASK_STATUS: Record<InstanceStatus, string> = {
  PENDING: 'PENDING',
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  CANCELED: 'DONE',
  DELETED: 'DONE',
};

/** The `data` object of GET /open-apis/approval/v4/instances/:instance_id. */
export function buildInstanceDetail(
  record: InstanceRecord,
  approvalName: string,
  pendingRatio: number,
  nowMs: number,
): InstanceDetail {
  const facts = deriveFacts(record, pendingRatio);
  const { status, endMs } = statusAt(record, pendingRatio, nowMs);
  const start = String(record.createTimeMs);
  const end = String(endMs);
  const form: FormWidget[] = [
    { id: 'widget1', name: 'Amount', type: 'number', value: String(facts.amount) },
    { id: 'widget2', name: 'Reason', type: 'textarea', value: facts.reason },
    { id: 'widget3', name: 'Date', type: 'date', value: new Date(record.createTimeMs).toISOString() },
  ];
  const timeline: TimelineItem[] = [
    { type: 'START', create_time: start, user_id: facts.userId, open_id: facts.openId },
  ];
  const closing = TIMELINE_TYPE[status];
  if (closing) {
    // The requester cancels; the approver passes or rejects.
    const byRequester = closing === 'CANCEL';
    timeline.push({
      type: closing,
      create_time: end,
      user_id: byRequester ? facts.userId : facts.approverUserId,
      open_id: byRequester ? facts.openId : facts.approverOpenId,
    });
  }
  return {
    approval_code: record.approvalCode,
    approval_name: approvalName,
    instance_code: record.instanceCode,
    serial_number: `${yyyymmdd(record.createTimeMs)}${String(record.serial % 10_000).padStart(4, '0')}`,
    status,
    start_time: start,
    end_time: end,
    user_id: facts.userId,
    open_id: facts.openId,
    department_id: facts.departmentId,
    uuid: facts.uuid,
    form: JSON.stringify(form),
    task_list: [
      {
        id: facts.taskId,
        user_id: facts.approverUserId,
        open_id: facts.approverOpenId,
        status: TASK_STATUS[status],
        node_id: 'b3e5a2f1c0d94e7a8b6c5d4e3f2a1b0c',
        node_name: 'Manager approval',
        start_time: start,
        end_time: end,
      },
    ],
    comment_list: [],
    timeline,
    reverted: false,
  };
}
