import type { ApprovalDefinition } from '../../../feishu/types.js';
import type { JsonObject } from '../../../kit/protocol.js';
import { checkDepth, parseJsonText } from '../../values/safe-parse.js';
import { take, type ReportIssue } from '../../values/value-issues.js';

/** One widget of a definition's form; list widgets (fieldList) carry their child widgets. */
export interface DefinitionWidget {
  id: string | null;
  custom_id: string | null;
  name: string | null;
  type: string | null;
  required: boolean | null;
  option: unknown[] | null;
  children: DefinitionWidget[] | null;
}

/** The definition as a record; `form` is kept raw, `form_widgets` parsed (null when the form cannot be read). */
export function definitionRecord(approvalCode: string, d: ApprovalDefinition, report: ReportIssue): JsonObject {
  const form = take(parseJsonText(d.form), report, 'form_widgets', d.form);
  const widgets = form === null ? null : Array.isArray(form) ? form.map(toWidget) : notAList(report, form);
  return {
    approval_code: approvalCode,
    approval_name: d.approval_name ?? null,
    status: d.status ?? null,
    form: d.form ?? null,
    form_widgets: widgets,
    node_list: take(checkDepth(d.node_list ?? null), report, 'node_list', d.node_list),
    viewers: take(checkDepth(d.viewers ?? null), report, 'viewers', d.viewers),
  };
}

/** A record for a definition Feishu says was deleted (1390016): its code and status, nothing else to read. */
export function deletedDefinitionRecord(approvalCode: string): JsonObject {
  return {
    approval_code: approvalCode,
    approval_name: null,
    status: 'DELETED',
    form: null,
    form_widgets: null,
    node_list: null,
    viewers: null,
  };
}

function notAList(report: ReportIssue, form: unknown): null {
  report('form_widgets', form, 'is not a list of widgets; written as null');
  return null;
}

function toWidget(raw: unknown): DefinitionWidget {
  const w = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const children = w['children'];
  return {
    id: text(w['id']),
    custom_id: text(w['custom_id']),
    name: text(w['name']),
    type: text(w['type']),
    required: typeof w['required'] === 'boolean' ? w['required'] : null,
    option: Array.isArray(w['option']) ? w['option'] : null,
    children: Array.isArray(children) ? children.map(toWidget) : null,
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
