/**
 * The instance detail payload (GET /open-apis/approval/v4/instances/:instance_id).
 *
 * Nothing here is stored per instance: every attribute is derived from the record's salt when a
 * detail is asked for, so 1M instances cost no more memory than their codes and times. Statuses
 * come from status-model.ts, forms from form-widgets.ts, tasks and timeline from process.ts.
 */
import type { InstanceRecord, InstanceStatus } from './dataset.js';
import { findUser, userAt } from './directory.js';
import { instanceFormWidgets, type WidgetDefinition } from './form-widgets.js';
import {
  buildProcess,
  movesLeft,
  person,
  type CommentItem,
  type Person,
  type TaskItem,
  type ProcessInput,
  type Takeover,
  type TimelineItem,
} from './process.js';
import { mulberry32, randomHex, uuidLike } from './random.js';
import { drawStatusFacts, statusStateAt, type StatusFacts } from './status-model.js';

export { statusAt } from './status-model.js';
export type { TaskItem, TimelineItem, CommentItem } from './process.js';

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
  comment_list: CommentItem[];
  timeline: TimelineItem[];
  reverted: boolean;
  reverted_instance_code?: string;
  modified_instance_code?: string;
}

/** The fixed-per-instance facts, derived from the salt (status facts first, same stream). */
export interface DerivedFacts extends StatusFacts {
  requester: Person;
  departmentId: string;
  uuid: string;
  /** Code of the instance this one modifies (a share of instances are modifications). */
  modifiedInstanceCode: string | undefined;
  /** Code the revocation request would get if this instance is revoked. */
  revertInstanceCode: string;
}

export function deriveFacts(record: InstanceRecord, pendingRatio: number): DerivedFacts {
  const rng = mulberry32(record.salt);
  const status = drawStatusFacts(record, pendingRatio, rng);
  const requester = person(rng);
  randomHex(rng, 4);
  // The applicant applies from their main department (the draw above is kept so the rest stays as it was).
  const departmentId = requesterDepartment(requester);
  const uuid = randomHex(rng, 2).toLowerCase();
  const modified = rng.next() < 0.05;
  const modifiedCode = uuidLike(rng);
  const revertCode = uuidLike(rng);
  return {
    ...status,
    requester,
    departmentId,
    uuid,
    modifiedInstanceCode: modified ? modifiedCode : undefined,
    revertInstanceCode: revertCode,
  };
}

function requesterDepartment(requester: Person): string {
  const index = findUser(requester.open_id, 'open_id');
  return index === undefined ? '' : (userAt(index).department_ids[0] ?? '');
}

/** serial_number: the creation day and a 4-digit sequence. */
export function serialNumber(record: InstanceRecord): string {
  const day = new Date(record.createTimeMs).toISOString().slice(0, 10).replaceAll('-', '');
  return `${day}${String(record.serial % 10_000).padStart(4, '0')}`;
}

const HOUR_MS = 3_600_000;

interface UserIdBearer {
  user_id?: string;
  user_id_list?: string[];
  cc_user_list?: Array<{ user_id: string }>;
  ext?: string;
}

/** Without contact:user.employee_id:readonly, Feishu leaves every user_id empty, silently. */
function hideUserIds<T extends UserIdBearer>(item: T): T {
  const out: T = { ...item };
  if (out.user_id !== undefined) out.user_id = '';
  if (out.user_id_list) out.user_id_list = out.user_id_list.map(() => '');
  if (out.cc_user_list) out.cc_user_list = out.cc_user_list.map((c) => ({ ...c, user_id: '' }));
  // The timeline's ext is emulator-made JSON with the same keys, so it is hidden the same way.
  if (out.ext !== undefined) out.ext = JSON.stringify(hideUserIds(JSON.parse(out.ext) as UserIdBearer));
  return out;
}

/**
 * The admin moves made by `nowMs` and the generated plan as it stood at the first one (see
 * process.ts's Takeover), or undefined for an instance never moved on by hand.
 */
function takeoverAt(record: InstanceRecord, facts: DerivedFacts, nowMs: number): Takeover | undefined {
  const movesMs = record.history.filter((c) => c.kind === 'advance' && c.atMs <= nowMs).map((c) => c.atMs);
  const first = movesMs[0];
  if (first === undefined) return undefined;
  return { plannedEndMs: plannedEnd(facts, first), plannedOutcome: facts.finalStatus, movesMs };
}

/** A PENDING instance shows its planned process cut at now; a forced PENDING one ends later. */
function plannedEnd(facts: StatusFacts, nowMs: number): number {
  return facts.finalAtMs > nowMs ? facts.finalAtMs : nowMs + HOUR_MS;
}

/** Moves left before the instance's process ends (0: the next move approves it). */
export function movesLeftAt(record: InstanceRecord, pendingRatio: number, nowMs: number): number {
  const facts = deriveFacts(record, pendingRatio);
  const takeover = takeoverAt(record, facts, nowMs) ?? {
    plannedEndMs: plannedEnd(facts, nowMs),
    plannedOutcome: facts.finalStatus,
    movesMs: [],
  };
  return movesLeft(record.salt, record.createTimeMs, takeover, nowMs);
}

export interface DetailContext {
  approvalName: string;
  pendingRatio: number;
  /** The app may read employee ids (user_id filled). */
  employeeIdScope: boolean;
  /** The form the instance was submitted with (its code's, as of its batch). */
  form: readonly WidgetDefinition[];
}

/** The `data` object of GET /open-apis/approval/v4/instances/:instance_id. */
export function buildInstanceDetail(record: InstanceRecord, ctx: DetailContext, nowMs: number): InstanceDetail {
  const facts = deriveFacts(record, ctx.pendingRatio);
  const state = statusStateAt(record, ctx.pendingRatio, nowMs);
  // A PENDING instance deleted by the admin API ends there: its process closes with DELETE.
  const deletedWhilePending = state.processStatus === 'PENDING' && state.deletedAtMs !== undefined;
  const pending = state.processStatus === 'PENDING' && !deletedWhilePending;
  const outcome = deletedWhilePending ? 'DELETED' : pending ? facts.finalStatus : state.processStatus;
  const input: ProcessInput = {
    salt: record.salt,
    createMs: record.createTimeMs,
    requester: facts.requester,
    outcome: outcome as 'APPROVED' | 'REJECTED' | 'CANCELED' | 'DELETED',
    endMs: deletedWhilePending
      ? (state.deletedAtMs as number)
      : pending
        ? plannedEnd(facts, nowMs)
        : state.processEndMs,
    cutMs: pending ? nowMs : Number.MAX_SAFE_INTEGER,
    revokedAtMs: state.revokedAtMs,
    deletedAtMs: deletedWhilePending ? undefined : state.deletedAtMs,
  };
  const takeover = takeoverAt(record, facts, nowMs);
  if (takeover) input.takeover = takeover;
  const process = buildProcess(input);
  const formRng = mulberry32((record.salt ^ 0x27d4eb2f) >>> 0);
  const hide = !ctx.employeeIdScope;
  const detail: InstanceDetail = {
    approval_code: record.approvalCode,
    approval_name: ctx.approvalName,
    instance_code: record.instanceCode,
    serial_number: serialNumber(record),
    status: state.status,
    start_time: String(record.createTimeMs),
    end_time: String(state.endMs),
    user_id: hide ? '' : facts.requester.user_id,
    open_id: facts.requester.open_id,
    department_id: facts.departmentId,
    uuid: facts.uuid,
    form: JSON.stringify(instanceFormWidgets(ctx.form, formRng, record.createTimeMs)),
    task_list: hide ? process.task_list.map(hideUserIds) : process.task_list,
    comment_list: hide ? process.comment_list.map(hideUserIds) : process.comment_list,
    timeline: hide ? process.timeline.map(hideUserIds) : process.timeline,
    reverted: state.revokedAtMs !== undefined,
  };
  if (state.revokedAtMs !== undefined) detail.reverted_instance_code = facts.revertInstanceCode;
  if (facts.modifiedInstanceCode !== undefined) detail.modified_instance_code = facts.modifiedInstanceCode;
  return detail;
}
