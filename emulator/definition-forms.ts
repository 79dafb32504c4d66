/**
 * Each approval code's form over time. A code starts with its template (form-templates.ts); the
 * admin API adds or removes widgets. As in Feishu, an instance keeps the form it was submitted
 * with: a change applies to the instances added after it (their batch, dataset.ts), never to those
 * already there, so a detail's form never changes under a sync.
 */
import type { WidgetDefinition } from './form-widgets.js';
import { copyWidgets, formTemplate } from './form-templates.js';

interface FormVersion {
  /** The first batch of instances (dataset.ts) that carries this form. */
  fromBatch: number;
  widgets: readonly WidgetDefinition[];
}

/** A widget the admin API was asked to add that makes no sense. */
export class WidgetError extends Error {
  override name = 'WidgetError';
}

export class DefinitionForms {
  /** Only codes whose form changed; the others have their template. */
  private readonly versions = new Map<string, FormVersion[]>();

  /** `numberOf`: a code's 1-based position among the codes (undefined for an unknown code). */
  constructor(private readonly numberOf: (approvalCode: string) => number | undefined) {}

  /** The form the definition endpoint serves now. */
  current(approvalCode: string): readonly WidgetDefinition[] {
    const list = this.versions.get(approvalCode);
    return list ? (list[list.length - 1] as FormVersion).widgets : this.template(approvalCode);
  }

  /** The form an instance of `batch` was submitted with. */
  forBatch(approvalCode: string, batch: number): readonly WidgetDefinition[] {
    const list = this.versions.get(approvalCode);
    if (!list) return this.template(approvalCode);
    let found = list[0] as FormVersion;
    for (const version of list) if (version.fromBatch <= batch) found = version;
    return found.widgets;
  }

  /** Appends a widget (JSON as the admin API got it); instances from batch `nextBatch` on carry it. */
  addWidget(approvalCode: string, raw: unknown, nextBatch: number): readonly WidgetDefinition[] {
    const form = copyWidgets(this.current(approvalCode));
    const added = toWidget(raw, 'widget', true);
    const ids = new Set(form.flatMap((w) => [w.id, ...(w.children ?? []).map((c) => c.id)]));
    for (const id of [added.id, ...(added.children ?? []).map((c) => c.id)])
      if (ids.has(id)) throw new WidgetError(`widget id '${id}' is already in the form of ${approvalCode}`);
    form.push(added);
    return this.push(approvalCode, form, nextBatch);
  }

  /** Removes a top-level widget, or a list widget's child, by id; instances from batch `nextBatch` on lack it. */
  removeWidget(approvalCode: string, widgetId: string, nextBatch: number): readonly WidgetDefinition[] {
    const before = copyWidgets(this.current(approvalCode));
    const form = before
      .filter((w) => w.id !== widgetId)
      .map((w) => (w.children ? { ...w, children: w.children.filter((c) => c.id !== widgetId) } : w));
    if (JSON.stringify(form) === JSON.stringify(before))
      throw new WidgetError(`no widget '${widgetId}' in the form of ${approvalCode}`);
    return this.push(approvalCode, form, nextBatch);
  }

  private template(approvalCode: string): readonly WidgetDefinition[] {
    const number = this.numberOf(approvalCode);
    if (number === undefined) throw new WidgetError(`unknown approval code: ${approvalCode}`);
    return formTemplate(number);
  }

  private push(approvalCode: string, widgets: WidgetDefinition[], nextBatch: number): readonly WidgetDefinition[] {
    const list = this.versions.get(approvalCode) ?? [{ fromBatch: 0, widgets: this.template(approvalCode) }];
    // Two changes with no instances added between them: the second replaces the first.
    if ((list[list.length - 1] as FormVersion).fromBatch === nextBatch) list.pop();
    list.push({ fromBatch: nextBatch, widgets });
    this.versions.set(approvalCode, list);
    return widgets;
  }
}

function text(w: Record<string, unknown>, key: string, where: string, optional = false): string | undefined {
  const value = w[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || (!optional && value === ''))
    throw new WidgetError(`${where}.${key} must be a ${optional ? '' : 'non-empty '}string`);
  return value;
}

/** Checks an admin-given widget: id, name and type strings, optional custom_id, option, children (list widgets only). */
function toWidget(raw: unknown, where: string, top: boolean): WidgetDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new WidgetError(`${where} must be an object`);
  const w = raw as Record<string, unknown>;
  const id = text(w, 'id', where) as string;
  const customId = text(w, 'custom_id', where, true);
  const out: WidgetDefinition = {
    id,
    ...(customId !== undefined ? { custom_id: customId } : {}),
    name: text(w, 'name', where, true) ?? '',
    type: text(w, 'type', where) as string,
    required: w['required'] === true,
    printable: w['printable'] !== false,
  };
  const option = w['option'];
  if (option !== undefined) {
    if (
      !Array.isArray(option) ||
      !option.every((o: unknown) => {
        const r = o as Record<string, unknown> | null;
        return typeof r === 'object' && r !== null && typeof r['value'] === 'string' && typeof r['text'] === 'string';
      })
    )
      throw new WidgetError(`${where}.option must be a list of {value, text} strings`);
    out.option = option as Array<{ value: string; text: string }>;
  }
  const children = w['children'];
  if (children !== undefined) {
    if (!top || out.type !== 'fieldList' || !Array.isArray(children))
      throw new WidgetError(`${where}.children: only a top-level fieldList has children, as a list`);
    out.children = children.map((c, i) => toWidget(c, `${where}.children[${i}]`, false));
  }
  return out;
}
