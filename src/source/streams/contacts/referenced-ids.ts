import type { InstanceDetail } from '../../../feishu/types.js';
import { isProblem, parseJsonText } from '../../values/safe-parse.js';

/**
 * The people and departments one instance detail names, by the ids the contact API takes
 * (open_id, open_department_id): the applicant and their department, every task's approver, every
 * commenter, every timeline event's person and the people it lists (transfers, added approvers,
 * people copied), and the form's contact widgets (their `open_ids`) and department widgets (their
 * values' `open_id`), inside field lists too. Pure and total: an odd value is skipped, never thrown.
 */
export interface ReferencedIds {
  users: string[];
  departments: string[];
}

/** Longer than any Feishu id; a longer string is not one (and would bloat a request). */
const MAX_ID_LENGTH = 128;
/** Field lists nest widgets; real forms are a few levels deep. */
const MAX_FORM_DEPTH = 8;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

class IdSet {
  readonly ids = new Set<string>();

  add(value: unknown): void {
    if (typeof value !== 'string') return;
    const id = value.trim();
    if (id !== '' && id.length <= MAX_ID_LENGTH) this.ids.add(id);
  }

  addAll(values: unknown): void {
    for (const value of asList(values)) this.add(value);
  }
}

export function referencedIds(detail: InstanceDetail): ReferencedIds {
  const users = new IdSet();
  const departments = new IdSet();
  users.add(detail.open_id);
  departments.add(detail.department_id);
  for (const task of asList(detail.task_list)) if (isObj(task)) users.add(task['open_id']);
  for (const comment of asList(detail.comment_list)) if (isObj(comment)) users.add(comment['open_id']);
  for (const event of asList(detail.timeline)) {
    if (!isObj(event)) continue;
    users.add(event['open_id']);
    users.addAll(event['open_id_list']);
    for (const cc of asList(event['cc_user_list'])) if (isObj(cc)) users.add(cc['open_id']);
  }
  const form = parseJsonText(detail.form);
  if (!isProblem(form)) formIds(form.value, users, departments, 0);
  return { users: [...users.ids], departments: [...departments.ids] };
}

/** Contact and department widgets of a form (a list of widgets), field lists' rows included. */
function formIds(widgets: unknown, users: IdSet, departments: IdSet, depth: number): void {
  if (depth > MAX_FORM_DEPTH) return;
  for (const widget of asList(widgets)) {
    if (!isObj(widget)) continue;
    const value = widget['value'];
    switch (widget['type']) {
      case 'contact':
        users.addAll(widget['open_ids']);
        break;
      case 'department':
        // Each value item is {name, open_id}: the open_id is the department's open_department_id.
        for (const item of asList(value)) if (isObj(item)) departments.add(item['open_id']);
        break;
      case 'fieldList':
        for (const row of asList(value)) formIds(row, users, departments, depth + 1);
        break;
    }
  }
}
