/**
 * An instance's approval process: `task_list`, `timeline` and `comment_list` in the documented
 * shapes (feishu-api-notes.md, the Node SDK's instance.get types).
 *
 * The process is planned once for the instance's eventual outcome and end, from its own seeded
 * stream, drawing the same numbers whatever the outcome; a PENDING instance shows the plan cut at
 * "now" (later events hidden, tasks still open show PENDING with end_time "0"). So the tasks seen
 * while pending are the same tasks, with the same ids, once the instance is final.
 */
import { userAt, userIndexOf } from './directory.js';
import { mulberry32, randomHex, randomInt, type Random } from './random.js';

export interface ApprovalNode {
  name: string;
  need_approver: boolean;
  node_id: string;
  custom_node_id: string;
  node_type: 'AND' | 'OR' | 'SEQUENTIAL' | 'CC_NODE';
  approver_chosen_multi: boolean;
}

/** The definition's node_list; approval nodes first, the CC node last. */
export const NODES: readonly ApprovalNode[] = [
  {
    name: 'Manager approval',
    need_approver: true,
    node_id: 'b3e5a2f1c0d94e7a8b6c5d4e3f2a1b0c',
    custom_node_id: 'manager',
    node_type: 'AND',
    approver_chosen_multi: true,
  },
  {
    name: 'Finance approval',
    need_approver: true,
    node_id: '4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f',
    custom_node_id: 'finance',
    node_type: 'OR',
    approver_chosen_multi: true,
  },
  {
    name: 'CFO approval',
    need_approver: true,
    node_id: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
    custom_node_id: 'cfo',
    node_type: 'SEQUENTIAL',
    approver_chosen_multi: false,
  },
  {
    name: 'CC',
    need_approver: false,
    node_id: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f',
    custom_node_id: 'cc',
    node_type: 'CC_NODE',
    approver_chosen_multi: true,
  },
];

const APPROVAL_NODES = NODES.filter((n) => n.node_type !== 'CC_NODE');
const CC_NODE = NODES[NODES.length - 1] as ApprovalNode;

export type TaskStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'TRANSFERRED' | 'DONE';
export type TaskType = 'AND' | 'OR' | 'AUTO_PASS' | 'AUTO_REJECT' | 'SEQUENTIAL';
export type TimelineType =
  | 'START'
  | 'PASS'
  | 'REJECT'
  | 'AUTO_PASS'
  | 'AUTO_REJECT'
  | 'REMOVE_REPEAT'
  | 'TRANSFER'
  | 'ADD_APPROVER_BEFORE'
  | 'ADD_APPROVER'
  | 'ADD_APPROVER_AFTER'
  | 'DELETE_APPROVER'
  | 'ROLLBACK_SELECTED'
  | 'ROLLBACK'
  | 'CANCEL'
  | 'DELETE'
  | 'CC';

export interface Person {
  user_id: string;
  open_id: string;
}

export interface TaskItem {
  id: string;
  user_id: string;
  open_id: string;
  status: TaskStatus;
  node_id: string;
  node_name: string;
  custom_node_id: string;
  type: TaskType;
  start_time: string;
  end_time: string;
}

export interface TimelineItem {
  type: TimelineType;
  create_time: string;
  user_id: string;
  open_id: string;
  user_id_list?: string[];
  open_id_list?: string[];
  task_id?: string;
  comment?: string;
  cc_user_list?: Array<{ user_id: string; cc_id: string; open_id: string }>;
  node_key?: string;
  /** A JSON object as a string, as Feishu sends it. */
  ext: string;
}

export interface CommentItem {
  id: string;
  user_id: string;
  open_id: string;
  comment: string;
  create_time: string;
}

export interface ProcessInput {
  salt: number;
  createMs: number;
  requester: Person;
  /** The outcome the process ends with (PENDING instances: the planned one). */
  outcome: 'APPROVED' | 'REJECTED' | 'CANCELED' | 'DELETED';
  endMs: number;
  /** Events after this moment are not shown yet (a PENDING instance). */
  cutMs: number;
  revokedAtMs: number | undefined;
  deletedAtMs: number | undefined;
  /** Set once the admin API moved the instance on by hand (see Takeover). */
  takeover?: Takeover;
}

/**
 * An instance the admin API moved on from node to node (POST /_emulator/instances/:code/advance).
 * Up to the first move its process is the generated plan as it stood then (`plannedEndMs`,
 * `plannedOutcome`); from then on the open node closes at each move (its tasks APPROVED or DONE,
 * a PASS event per approving task) and the next approval node opens (tasks PENDING). A move from
 * the last approval node ends the process (the instance is APPROVED at that moment). Nodes before
 * the one open at the first move keep their generated story, so a move only appends tasks and
 * events, as Feishu does.
 */
export interface Takeover {
  plannedEndMs: number;
  plannedOutcome: 'APPROVED' | 'REJECTED' | 'CANCELED';
  /** The moments of the moves made by now, ascending. */
  movesMs: readonly number[];
}

export interface Process {
  task_list: TaskItem[];
  timeline: TimelineItem[];
  comment_list: CommentItem[];
}

const COMMENTS = ['OK', 'Approved, thanks', 'Please attach the invoice', 'Over budget', 'Fine by me'];

/**
 * One of the tenant's people (directory.ts). The draws are those of the random ids it once made
 * (one word, then four), so the rest of an instance's story is drawn as before.
 */
export function person(rng: Random): Person {
  rng.nextUint32();
  const word = rng.nextUint32();
  randomHex(rng, 3);
  const user = userAt(userIndexOf(word));
  return { user_id: user.user_id, open_id: user.open_id };
}

interface NodeDraws {
  approvers: number;
  variant: number;
  auto: number;
  commentU: number;
  comment: string;
  people: [Person, Person, Person];
}

function drawNode(rng: Random): NodeDraws {
  return {
    approvers: randomInt(rng, 1, 2),
    variant: rng.next(),
    auto: rng.next(),
    commentU: rng.next(),
    comment: COMMENTS[randomInt(rng, 0, COMMENTS.length - 1)] as string,
    people: [person(rng), person(rng), person(rng)],
  };
}

/** Mutable collector with the timestamp and id helpers every step uses. */
class Builder {
  readonly tasks: Array<Omit<TaskItem, 'start_time' | 'end_time'> & { startMs: number; endMs: number }> = [];
  readonly events: Array<Omit<TimelineItem, 'create_time'> & { atMs: number }> = [];
  readonly comments: Array<Omit<CommentItem, 'create_time'> & { atMs: number }> = [];
  private seq = 0;

  constructor(private readonly idBase: number) {}

  nextId(): string {
    return String(this.idBase + this.seq++);
  }

  event(
    type: TimelineType,
    atMs: number,
    who: Person,
    extra: Partial<TimelineItem> = {},
    ext: Record<string, unknown> = {},
  ): void {
    this.events.push({ type, atMs, user_id: who.user_id, open_id: who.open_id, ext: JSON.stringify(ext), ...extra });
  }
}

function listsOf(people: Person[]): { user_id_list: string[]; open_id_list: string[] } {
  return { user_id_list: people.map((p) => p.user_id), open_id_list: people.map((p) => p.open_id) };
}

/**
 * How a node moved on by hand differs from a generated one: `midMs` (default: half-way) places a
 * transfer, an added approver or a rollback, `variants: false` leaves them out; `auto` true makes
 * the node an automatic pass, false a node of people (default: drawn).
 */
interface NodeShape {
  midMs?: number;
  variants?: boolean;
  auto?: boolean;
}

function runNode(
  b: Builder,
  node: ApprovalNode,
  d: NodeDraws,
  ending: ProcessInput['outcome'],
  startMs: number,
  endMs: number,
  prev: ApprovalNode | undefined,
  shape: NodeShape = {},
): void {
  const midMs = shape.midMs ?? Math.floor((startMs + endMs) / 2);
  const taskType: TaskType = node.node_type === 'CC_NODE' ? 'AND' : node.node_type;
  const base = { node_id: node.node_id, node_name: node.name, custom_node_id: node.custom_node_id };
  const task = (who: Person, status: TaskStatus, type: TaskType, from: number, to: number): string => {
    const id = b.nextId();
    b.tasks.push({ id, ...who, status, ...base, type, startMs: from, endMs: to });
    return id;
  };
  const drawnAuto =
    ending === 'APPROVED' && d.auto < 0.1
      ? 'AUTO_PASS'
      : ending === 'REJECTED' && d.auto < 0.15
        ? 'AUTO_REJECT'
        : undefined;
  const autoType = shape.auto === undefined ? drawnAuto : shape.auto && ending === 'APPROVED' ? 'AUTO_PASS' : undefined;
  if (autoType) {
    const nobody = { user_id: '', open_id: '' };
    const id = task(nobody, autoType === 'AUTO_PASS' ? 'APPROVED' : 'REJECTED', autoType, startMs, endMs);
    b.event(autoType, endMs, nobody, { task_id: id, node_key: node.custom_node_id });
    return;
  }
  const people = d.people.slice(0, d.approvers);
  const starts = people.map(() => startMs);
  const closing = ending === 'APPROVED' || ending === 'REJECTED';
  const varies = closing && shape.variants !== false;
  if (varies && d.variant < 0.1) {
    // The first approver hands the task to someone else half-way.
    const [from, to] = [people[0] as Person, d.people[2]];
    const id = task(from, 'TRANSFERRED', taskType, startMs, midMs);
    b.event(
      'TRANSFER',
      midMs,
      from,
      { task_id: id, node_key: node.custom_node_id, ...listsOf([to]) },
      { user_id: to.user_id, open_id: to.open_id },
    );
    people[0] = to;
    starts[0] = midMs;
  } else if (varies && d.variant < 0.15) {
    const extra = d.people[2];
    b.event(
      'ADD_APPROVER',
      midMs,
      people[0] as Person,
      { node_key: node.custom_node_id, ...listsOf([extra]) },
      listsOf([extra]),
    );
    people.push(extra);
    starts.push(midMs);
  } else if (varies && prev && d.variant < 0.2) {
    b.event(
      'ROLLBACK',
      midMs,
      people[0] as Person,
      { node_key: node.custom_node_id },
      { node_key: prev.custom_node_id },
    );
  }
  people.forEach((who, i) => {
    const first = i === 0;
    const decides = first || (ending === 'APPROVED' && node.node_type !== 'OR');
    const status: TaskStatus = !decides || !closing ? 'DONE' : ending === 'APPROVED' ? 'APPROVED' : 'REJECTED';
    const id = task(who, status, taskType, starts[i] as number, endMs);
    if (status !== 'APPROVED' && status !== 'REJECTED') return;
    const withComment = d.commentU < 0.4 || status === 'REJECTED';
    const comment = withComment ? d.comment : '';
    b.event(status === 'APPROVED' ? 'PASS' : 'REJECT', endMs, who, {
      task_id: id,
      node_key: node.custom_node_id,
      comment,
    });
    if (withComment) b.comments.push({ id: `${id}1`, ...who, comment, atMs: endMs });
  });
}

/** Plans the whole process and returns what is visible at `cutMs`. */
export function buildProcess(input: ProcessInput): Process {
  const rng = mulberry32((input.salt ^ 0x5bd1e995) >>> 0);
  const nodeCount = randomInt(rng, 1, APPROVAL_NODES.length);
  const stopAt = randomInt(rng, 1, nodeCount);
  const ccU = rng.next();
  const ccPerson = person(rng);
  const draws = APPROVAL_NODES.map(() => drawNode(rng));
  const b = new Builder(7_000_000_000_000_000 + (rng.nextUint32() % 1_000_000_000) * 100);

  const { createMs, endMs, requester, outcome } = input;
  b.event('START', createMs, requester);
  if (ccU < 0.3) {
    b.event(
      'CC',
      createMs,
      requester,
      {
        node_key: CC_NODE.custom_node_id,
        ...listsOf([ccPerson]),
        cc_user_list: [
          {
            user_id: ccPerson.user_id,
            cc_id: String(7_100_000_000_000_000 + (input.salt >>> 0)),
            open_id: ccPerson.open_id,
          },
        ],
      },
      listsOf([ccPerson]),
    );
  }
  if (input.takeover) {
    runMoves(b, input, input.takeover, nodeCount, stopAt, draws);
  } else {
    const reached = outcome === 'APPROVED' ? nodeCount : stopAt;
    const bound = (i: number): number => createMs + Math.floor(((endMs - createMs) * i) / reached);
    for (let i = 0; i < reached; i++) {
      const ending = i === reached - 1 ? outcome : 'APPROVED';
      runNode(
        b,
        APPROVAL_NODES[i] as ApprovalNode,
        draws[i] as NodeDraws,
        ending,
        bound(i),
        bound(i + 1),
        APPROVAL_NODES[i - 1],
      );
    }
  }
  if (outcome === 'CANCELED') b.event('CANCEL', endMs, requester);
  if (outcome === 'DELETED') b.event('DELETE', endMs, requester);
  if (input.revokedAtMs !== undefined) b.event('CANCEL', input.revokedAtMs, requester);
  if (input.deletedAtMs !== undefined) b.event('DELETE', input.deletedAtMs, requester);
  return cut(b, input.cutMs);
}

interface Route {
  /** The approval nodes the instance goes through when moved on by hand. */
  nodeCount: number;
  /** The node open at the first move. */
  openAtTakeover: number;
  /** Generated bounds of the nodes before it (node i spans bound(i)..bound(i + 1)). */
  bound: (i: number) => number;
  reached: number;
}

function routeOf(createMs: number, takeover: Takeover, nodeCount: number, stopAt: number, firstMoveMs: number): Route {
  const reached = takeover.plannedOutcome === 'APPROVED' ? nodeCount : stopAt;
  const bound = (i: number): number => createMs + Math.floor(((takeover.plannedEndMs - createMs) * i) / reached);
  let open = 0;
  while (open < reached - 1 && bound(open + 1) <= firstMoveMs) open++;
  return { nodeCount, openAtTakeover: open, bound, reached };
}

/** Nodes run when the admin API moves the instance on (see Takeover). */
function runMoves(
  b: Builder,
  input: ProcessInput,
  takeover: Takeover,
  nodeCount: number,
  stopAt: number,
  draws: NodeDraws[],
): void {
  const moves = takeover.movesMs;
  const first = moves[0] as number;
  const route = routeOf(input.createMs, takeover, nodeCount, stopAt, first);
  const p0 = route.openAtTakeover;
  for (let i = 0; i < p0; i++) {
    runNode(
      b,
      APPROVAL_NODES[i] as ApprovalNode,
      draws[i] as NodeDraws,
      'APPROVED',
      route.bound(i),
      route.bound(i + 1),
      APPROVAL_NODES[i - 1],
    );
  }
  // The node open at the first move keeps what was visible of it then (a mid-node transfer,
  // added approver or rollback already shown), nothing later.
  const genEnding = p0 === route.reached - 1 ? takeover.plannedOutcome : 'APPROVED';
  const genMid = Math.floor((route.bound(p0) + route.bound(p0 + 1)) / 2);
  const keepsMid = (genEnding === 'APPROVED' || genEnding === 'REJECTED') && genMid <= first;
  const d0 = draws[p0] as NodeDraws;
  const genAuto = (genEnding === 'APPROVED' && d0.auto < 0.1) || (genEnding === 'REJECTED' && d0.auto < 0.15);
  for (let j = 0; p0 + j < nodeCount; j++) {
    const i = p0 + j;
    const startMs = j === 0 ? route.bound(p0) : (moves[j - 1] as number);
    const moved = moves[j];
    const shape: NodeShape =
      j === 0 ? { midMs: genMid, variants: keepsMid, auto: genAuto } : { variants: false, auto: false };
    if (moved !== undefined) {
      runNode(
        b,
        APPROVAL_NODES[i] as ApprovalNode,
        draws[i] as NodeDraws,
        'APPROVED',
        startMs,
        moved,
        APPROVAL_NODES[i - 1],
        shape,
      );
      continue;
    }
    // The open node: still pending (cut at now), or ended otherwise (finished, deleted) at endMs.
    const pending = input.cutMs !== Number.MAX_SAFE_INTEGER;
    const endMs = pending ? Number.MAX_SAFE_INTEGER : input.endMs;
    runNode(
      b,
      APPROVAL_NODES[i] as ApprovalNode,
      draws[i] as NodeDraws,
      pending ? 'APPROVED' : input.outcome,
      startMs,
      endMs,
      APPROVAL_NODES[i - 1],
      shape,
    );
    return;
  }
}

/**
 * How many more moves an instance can make before its process ends, given the moves made so far
 * (0 when the last approval node is open: the next move approves the instance).
 */
export function movesLeft(salt: number, createMs: number, takeover: Takeover, nextMoveMs: number): number {
  const rng = mulberry32((salt ^ 0x5bd1e995) >>> 0);
  const nodeCount = randomInt(rng, 1, APPROVAL_NODES.length);
  const stopAt = randomInt(rng, 1, nodeCount);
  const route = routeOf(createMs, takeover, nodeCount, stopAt, takeover.movesMs[0] ?? nextMoveMs);
  return nodeCount - 1 - route.openAtTakeover - takeover.movesMs.length;
}

function cut(b: Builder, cutMs: number): Process {
  const task_list: TaskItem[] = [];
  for (const { startMs, endMs, ...t } of b.tasks) {
    if (startMs > cutMs) continue;
    const open = endMs > cutMs;
    task_list.push({
      ...t,
      status: open ? 'PENDING' : t.status,
      start_time: String(startMs),
      end_time: open ? '0' : String(endMs),
    });
  }
  const timeline = b.events
    .filter((e) => e.atMs <= cutMs)
    .sort((x, y) => x.atMs - y.atMs)
    .map(({ atMs, ...e }) => ({ ...e, create_time: String(atMs) }));
  const comment_list = b.comments
    .filter((c) => c.atMs <= cutMs)
    .map(({ atMs, ...c }) => ({ ...c, create_time: String(atMs) }));
  return { task_list, timeline, comment_list };
}
