/**
 * Approval forms: the definition's widgets (GET /approvals/:code `form`) and each instance's
 * values (the detail's `form`), in the documented shapes: numbers as numbers, dates as RFC 3339
 * with an offset, dateInterval as {start, end, interval}, contacts as user ids plus `open_ids`,
 * attachments as URLs with `ext` naming them, fieldList as rows of child widgets. `telephone` is a
 * real Feishu widget the connector does not type specially (its value is an object).
 * Which widgets a code's form has is form-templates.ts's and definition-forms.ts's business.
 */
import { departmentAt, departmentIndexOf, userAt, userIndexOf } from './directory.js';
import { randomHex, randomInt, type Random } from './random.js';

export interface WidgetDefinition {
  id: string;
  /** Absent on a widget the form designer gave no custom id (Feishu then omits it). */
  custom_id?: string;
  name: string;
  type: string;
  required: boolean;
  printable: boolean;
  option?: Array<{ value: string; text: string }>;
  children?: WidgetDefinition[];
}

const OPTIONS = {
  category: ['Travel', 'Office supplies', 'Team dinner', 'Training', 'Hardware'],
  tags: ['urgent', 'reimbursable', 'client', 'internal'],
};

function options(prefix: string, texts: readonly string[]): Array<{ value: string; text: string }> {
  return texts.map((text, i) => ({ value: `${prefix}-${i}`, text }));
}

function widget(
  n: number,
  custom: string,
  name: string,
  type: string,
  extra: Partial<WidgetDefinition> = {},
): WidgetDefinition {
  return { id: `widget${n}`, custom_id: custom, name, type, required: n <= 3, printable: true, ...extra };
}

/** The first approval code's form (every widget type, plain names); other codes: form-templates.ts. */
export const FORM_WIDGETS: readonly WidgetDefinition[] = [
  widget(1, 'title', 'Title', 'input'),
  widget(2, 'reason', 'Reason', 'textarea'),
  widget(3, 'quantity', 'Quantity', 'number'),
  widget(4, 'amount', 'Amount', 'amount'),
  widget(5, 'total', 'Total', 'formula'),
  widget(6, 'needed_on', 'Needed on', 'date'),
  widget(7, 'trip', 'Trip', 'dateInterval'),
  widget(8, 'category', 'Category', 'radioV2', { option: options('cat', OPTIONS.category) }),
  widget(9, 'tags', 'Tags', 'checkboxV2', { option: options('tag', OPTIONS.tags) }),
  widget(10, 'colleagues', 'Colleagues', 'contact'),
  widget(11, 'cost_center', 'Cost center', 'department'),
  widget(12, 'receipts', 'Receipts', 'attachmentV2'),
  widget(13, 'items', 'Items', 'fieldList', {
    children: [
      widget(131, 'item_name', 'Item', 'input', { required: true }),
      widget(132, 'item_amount', 'Item amount', 'amount', { required: true }),
      widget(133, 'item_date', 'Item date', 'date', { required: false }),
    ],
  }),
  widget(14, 'phone', 'Phone', 'telephone'),
];

/** A form as a definition serves it (`form`, a JSON string); the first code's by default. */
export function definitionForm(widgets: readonly WidgetDefinition[] = FORM_WIDGETS): string {
  return JSON.stringify(widgets);
}

/** RFC 3339 in China time (+08:00), as Feishu writes form dates. */
export function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

const DAY_MS = 86_400_000;

/** Two decimals, as a number. */
function money(rng: Random): number {
  return randomInt(rng, 100, 10_000_000) / 100;
}

type Value = Record<string, unknown>;

function valueOf(def: WidgetDefinition, rng: Random, createMs: number, rowTotal: number): Value {
  switch (def.type) {
    case 'input':
      return { value: `${def.name} ${randomHex(rng, 1).toLowerCase()}` };
    case 'textarea':
      return { value: `Needed for ${OPTIONS.category[randomInt(rng, 0, 4)] ?? ''}.\nSee attachment.` };
    case 'number':
      return { value: randomInt(rng, 1, 50) };
    case 'amount':
      return { value: money(rng), ext: { currency: 'CNY', capitalValue: '' } };
    case 'formula':
      return { value: Math.round(rowTotal * 100) / 100 };
    case 'date':
      return { value: rfc3339(createMs + randomInt(rng, 0, 30) * DAY_MS) };
    case 'dateInterval': {
      const start = createMs + randomInt(rng, 1, 20) * DAY_MS;
      const days = randomInt(rng, 1, 5);
      return { value: { start: rfc3339(start), end: rfc3339(start + days * DAY_MS), interval: days } };
    }
    case 'radioV2': {
      const pick = def.option?.[randomInt(rng, 0, (def.option?.length ?? 1) - 1)];
      return { value: pick?.text ?? '', option: pick ? { key: pick.value, text: pick.text } : undefined };
    }
    case 'checkboxV2':
      return { value: (def.option ?? []).filter(() => rng.next() < 0.5).map((o) => o.text) };
    case 'contact': {
      const n = randomInt(rng, 0, 2);
      // The tenant's people (directory.ts), from the draws the random ids once took.
      const users = Array.from({ length: n }, () => {
        rng.nextUint32();
        const user = userAt(userIndexOf(rng.nextUint32()));
        randomHex(rng, 3);
        return { user: user.user_id, open: user.open_id };
      });
      return { value: users.map((u) => u.user), open_ids: users.map((u) => u.open) };
    }
    case 'department': {
      randomInt(rng, 1, 9);
      const department = departmentAt(departmentIndexOf(rng.nextUint32()));
      randomHex(rng, 3);
      return { value: [{ name: department.name, open_id: department.open_department_id }] };
    }
    case 'attachmentV2': {
      const n = randomInt(rng, 1, 2);
      const files = Array.from({ length: n }, (_, i) => ({
        url: `https://internal-api-drive-stream.feishu.cn/space/api/box/stream/download/authcode/?code=${randomHex(rng, 3)}`,
        name: `receipt-${i + 1}.pdf`,
      }));
      return { value: files.map((f) => f.url), ext: files.map((f) => `'${f.name}'`).join(',') };
    }
    case 'telephone':
      return {
        value: { countryCode: '+86', nationalNumber: `13${String(randomInt(rng, 0, 999_999_999)).padStart(9, '0')}` },
      };
    default:
      return { value: null };
  }
}

/** A widget as an instance carries it: the definition's id, custom_id (when it has one), name and type. */
function identity(def: WidgetDefinition): Value {
  const base: Value = { id: def.id };
  if (def.custom_id !== undefined) base['custom_id'] = def.custom_id;
  return { ...base, name: def.name, type: def.type };
}

/**
 * One instance's form widgets with values, following `widgets` (its code's form when the instance
 * was created); `rng` is the instance's own stream. Each list widget's rows are drawn first (its row
 * count, then its children's values), then the top-level widgets in order; a formula is the total
 * of the list rows' amounts.
 */
export function instanceFormWidgets(widgets: readonly WidgetDefinition[], rng: Random, createMs: number): Value[] {
  const rowsOf = new Map<string, Value[][]>();
  let total = 0;
  for (const list of widgets.filter((w) => w.type === 'fieldList')) {
    const rows = randomInt(rng, 1, 3);
    const items: Value[][] = [];
    for (let r = 0; r < rows; r++) {
      items.push(
        (list.children ?? []).map((child) => {
          const v = valueOf(child, rng, createMs, 0);
          if (child.type === 'amount') total += v['value'] as number;
          if (v['option'] === undefined) delete v['option'];
          return { ...identity(child), ...v };
        }),
      );
    }
    rowsOf.set(list.id, items);
  }
  return widgets.map((def) => {
    if (def.type === 'fieldList') return { ...identity(def), value: rowsOf.get(def.id) ?? [] };
    const v = valueOf(def, rng, createMs, total);
    if (v['option'] === undefined) delete v['option'];
    return { ...identity(def), ...v };
  });
}
