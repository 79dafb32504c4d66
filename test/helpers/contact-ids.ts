/**
 * The open_ids and department ids one instance detail names, read the way a person reads the
 * documented shapes (applicant, tasks, comments, timeline people and lists, contact and department
 * widgets): the tests' own account, apart from the connector's (src/source/streams/contacts/referenced-ids.ts).
 */
type Obj = Record<string, unknown>;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function detailIds(detail: Obj): { users: Set<string>; departments: Set<string> } {
  const users = new Set<string>();
  const departments = new Set<string>();
  const add = (id: unknown): void => {
    if (typeof id === 'string' && id !== '') users.add(id);
  };
  add(detail['open_id']);
  if (typeof detail['department_id'] === 'string' && detail['department_id'] !== '')
    departments.add(detail['department_id']);
  for (const t of list(detail['task_list'])) add((t as Obj)['open_id']);
  for (const c of list(detail['comment_list'])) add((c as Obj)['open_id']);
  for (const e of list(detail['timeline']) as Obj[]) {
    add(e['open_id']);
    list(e['open_id_list']).forEach(add);
    for (const cc of list(e['cc_user_list'])) add((cc as Obj)['open_id']);
  }
  const widgets = (typeof detail['form'] === 'string' ? JSON.parse(detail['form']) : []) as Obj[];
  for (const w of widgets) {
    if (w['type'] === 'contact') list(w['open_ids']).forEach(add);
    if (w['type'] === 'department') for (const d of list(w['value'])) departments.add((d as Obj)['open_id'] as string);
  }
  return { users, departments };
}
