/**
 * The emulated tenant's people and departments: the contact directory behind
 * GET /open-apis/contact/v3/users/batch and /departments/batch.
 *
 * A real tenant has a finite staff who appear again and again in approvals, so every person an
 * instance names (applicant, approvers, people copied, commenters, contact widgets) is one of
 * USER_COUNT users, and every department id (the applicant's department, department widgets) one of
 * DEPARTMENT_COUNT departments. Everything is derived from the index alone (no seed, nothing
 * stored), so a user's ids and name are the same in every emulator and for any instance count.
 */
import { permute32 } from './instance-codes.js';

export const USER_COUNT = 500;
export const DEPARTMENT_COUNT = 40;
/** Departments 0..TOP_DEPARTMENTS-1 sit under the root ("0"); each other one under one of them. */
const TOP_DEPARTMENTS = 4;

export interface DirectoryUser {
  index: number;
  open_id: string;
  union_id: string;
  user_id: string;
  name: string;
  en_name: string;
  email: string;
  /** open_department_ids; the first is the user's main department (the one an applicant applies from). */
  department_ids: string[];
  status: { is_frozen: boolean; is_resigned: boolean; is_activated: boolean; is_exited: boolean; is_unjoin: boolean };
  employee_no: string;
  job_title: string;
}

export interface DirectoryDepartment {
  index: number;
  open_department_id: string;
  department_id: string;
  name: string;
  parent_department_id: string;
  member_count: number;
  status: { is_deleted: boolean };
}

function hex8(word: number): string {
  return word.toString(16).padStart(8, '0');
}

const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['王', 'Wang'],
  ['李', 'Li'],
  ['张', 'Zhang'],
  ['刘', 'Liu'],
  ['陈', 'Chen'],
  ['杨', 'Yang'],
  ['黄', 'Huang'],
  ['赵', 'Zhao'],
  ['周', 'Zhou'],
  ['吴', 'Wu'],
  ['徐', 'Xu'],
  ['孙', 'Sun'],
];
const GIVEN: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'Wei'],
  ['芳', 'Fang'],
  ['娜', 'Na'],
  ['敏', 'Min'],
  ['静', 'Jing'],
  ['磊', 'Lei'],
  ['洋', 'Yang'],
  ['艳', 'Yan'],
  ['勇', 'Yong'],
  ['军', 'Jun'],
  ['杰', 'Jie'],
  ['娟', 'Juan'],
  ['涛', 'Tao'],
  ['明', 'Ming'],
  ['超', 'Chao'],
  ['霞', 'Xia'],
  ['平', 'Ping'],
  ['刚', 'Gang'],
  ['晓东', 'Xiaodong'],
  ['雪梅', 'Xuemei'],
];
const DEPARTMENT_NAMES = ['Finance', 'Engineering', 'Sales', 'Operations'] as const;
const TEAMS = [
  'Platform',
  'Payroll',
  'East region',
  'Logistics',
  'Data',
  'Accounts',
  'West region',
  'Support',
  'Mobile',
];
const TITLES = ['Engineer', 'Analyst', 'Manager', 'Accountant', 'Sales lead', 'Designer'];

/** 32 hex digits, as Feishu's open ids carry, from an index and a salt. */
function hex32(index: number, salt: number): string {
  let out = '';
  for (let word = 0; word < 4; word++) out += hex8(permute32(permute32(index + salt) + word * 0x9e3779b9));
  return out;
}

/** The open_id of user `index` (0 <= index < USER_COUNT). */
export function userOpenId(index: number): string {
  return `ou_${hex32(index, 0x5f3759df)}`;
}

export function departmentOpenId(index: number): string {
  return `od-${hex32(index, 0x2545f491)}`;
}

/**
 * The directory's entries, built once per process: an emulator reads them for every person of
 * every instance it builds, and each is a pure function of its index. Frozen, so a caller that
 * changed one would fail loudly rather than change the tenant for every later caller.
 */
const userCache: DirectoryUser[] = [];
const departmentCache: DirectoryDepartment[] = [];

function inRange(index: number, count: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < count;
}

export function userAt(index: number): DirectoryUser {
  if (!inRange(index, USER_COUNT)) return buildUser(index);
  return (userCache[index] ??= frozen(buildUser(index)));
}

export function departmentAt(index: number): DirectoryDepartment {
  if (!inRange(index, DEPARTMENT_COUNT)) return buildDepartment(index);
  return (departmentCache[index] ??= frozen(buildDepartment(index)));
}

function frozen<T extends { status: object }>(entry: T): T {
  Object.freeze(entry.status);
  if ('department_ids' in entry) Object.freeze(entry.department_ids);
  return Object.freeze(entry);
}

function buildUser(index: number): DirectoryUser {
  const h = permute32(index ^ 0x9e3779b9);
  const [surname, surnameEn] = SURNAMES[h % SURNAMES.length] as readonly [string, string];
  const [given, givenEn] = GIVEN[(h >>> 8) % GIVEN.length] as readonly [string, string];
  const main = index % DEPARTMENT_COUNT;
  const departments = [departmentOpenId(main)];
  // One user in eight also belongs to a second department.
  if ((h >>> 16) % 8 === 0) departments.push(departmentOpenId((main + 1 + ((h >>> 20) % 7)) % DEPARTMENT_COUNT));
  const resigned = (h >>> 24) % 50 === 0;
  const user_id = hex8(permute32(index + 0x1b873593));
  return {
    index,
    open_id: userOpenId(index),
    union_id: `on_${userOpenId(index).slice(3)}`,
    user_id,
    name: `${surname}${given}`,
    en_name: `${givenEn} ${surnameEn}`,
    email: `${givenEn.toLowerCase()}.${surnameEn.toLowerCase()}${index}@example.com`,
    department_ids: departments,
    status: { is_frozen: false, is_resigned: resigned, is_activated: !resigned, is_exited: resigned, is_unjoin: false },
    employee_no: String(100_000 + index),
    job_title: TITLES[(h >>> 4) % TITLES.length] as string,
  };
}

function buildDepartment(index: number): DirectoryDepartment {
  const top = index < TOP_DEPARTMENTS;
  const parent = top ? '0' : departmentOpenId(index % TOP_DEPARTMENTS);
  const name = top
    ? (DEPARTMENT_NAMES[index] as string)
    : `${DEPARTMENT_NAMES[index % TOP_DEPARTMENTS] as string} ${TEAMS[index % TEAMS.length] as string} ${Math.floor(index / TOP_DEPARTMENTS)}`;
  let members = 0;
  for (let u = index; u < USER_COUNT; u += DEPARTMENT_COUNT) members++;
  return {
    index,
    open_department_id: departmentOpenId(index),
    department_id: `D${String(index + 1).padStart(4, '0')}`,
    name,
    parent_department_id: parent,
    member_count: members,
    status: { is_deleted: false },
  };
}

/** The user a random 32-bit word picks (the emulator's instances draw their people this way). */
export function userIndexOf(word: number): number {
  return (word >>> 0) % USER_COUNT;
}

/** The department a random 32-bit word picks. */
export function departmentIndexOf(word: number): number {
  return (word >>> 0) % DEPARTMENT_COUNT;
}

/**
 * Whether user `index` is outside the app's contact range: Feishu then leaves it out of the batch
 * answer, silently. `outRatio` of the users (by a hash of the index, so the same ones each time).
 */
export function outOfContactRange(index: number, outRatio: number): boolean {
  return permute32(index ^ 0x68e31da4) / 4_294_967_296 < outRatio;
}

const byOpenId = new Map<string, number>();
const byUnionId = new Map<string, number>();
const byUserId = new Map<string, number>();
const departmentsByOpenId = new Map<string, number>();
const departmentsByCustomId = new Map<string, number>();

function buildIndexes(): void {
  if (byOpenId.size > 0) return;
  for (let i = 0; i < USER_COUNT; i++) {
    const user = userAt(i);
    byOpenId.set(user.open_id, i);
    byUnionId.set(user.union_id, i);
    byUserId.set(user.user_id, i);
  }
  for (let i = 0; i < DEPARTMENT_COUNT; i++) {
    const department = departmentAt(i);
    departmentsByOpenId.set(department.open_department_id, i);
    departmentsByCustomId.set(department.department_id, i);
  }
}

export type UserIdType = 'open_id' | 'union_id' | 'user_id';
export type DepartmentIdType = 'open_department_id' | 'department_id';

/** The user an id of the given type names, or undefined. */
export function findUser(id: string, type: UserIdType): number | undefined {
  buildIndexes();
  return (type === 'open_id' ? byOpenId : type === 'union_id' ? byUnionId : byUserId).get(id);
}

export function findDepartment(id: string, type: DepartmentIdType): number | undefined {
  buildIndexes();
  return (type === 'open_department_id' ? departmentsByOpenId : departmentsByCustomId).get(id);
}
