/**
 * Each approval code's own form, chosen by its position among the codes (1-based): code 1 has the
 * expense form (FORM_WIDGETS: every widget type, plain names), code 2 a travel form whose names a
 * table cannot take as they are, code 3 a small leave form; then the cycle starts again. So any
 * emulator with two codes or more serves every widget type both plainly named and awkwardly named.
 *
 * The travel form (HOSTILE_FORM) holds what a column model must survive, every widget type again:
 * Chinese names, custom_ids with upper case, spaces, a leading digit, a hyphen, a dot, non-ASCII
 * and over 63 characters; two widgets whose custom_ids differ only in case; a custom_id equal to a
 * column every form table has (`status`, `instance_code`); a date named like another widget's
 * interval column (`trip_start` next to the interval `trip`); widgets without a custom_id (absent,
 * or empty); and a list widget whose children clash among themselves.
 */
import { FORM_WIDGETS, type WidgetDefinition } from './form-widgets.js';

function options(prefix: string, texts: readonly string[]): Array<{ value: string; text: string }> {
  return texts.map((text, i) => ({ value: `${prefix}-${i}`, text }));
}

/** A widget; `custom` null leaves custom_id out (a widget the designer gave none). */
function widget(
  id: string,
  custom: string | null,
  name: string,
  type: string,
  extra: Partial<WidgetDefinition> = {},
): WidgetDefinition {
  const named = custom === null ? { id } : { id, custom_id: custom };
  return { ...named, name, type, required: false, printable: true, ...extra };
}

/** Longer than the 63 characters Postgres keeps of an identifier. */
export const LONG_CUSTOM_ID = 'supporting_documents_for_the_reimbursement_claim_as_scanned_by_the_applicant';

export const HOSTILE_FORM: readonly WidgetDefinition[] = [
  widget('widget1', 'Title', '标题', 'input', { required: true }),
  widget('widget2', 'Trip Reason', '出差事由', 'textarea'),
  widget('widget3', '数量', '数量', 'number'),
  widget('widget4', 'amount', '金额', 'amount'),
  widget('widget5', 'Amount', '金额（美元）', 'amount'),
  widget('widget6', 'total-cny', '合计', 'formula'),
  widget('widget7', null, '申请日期', 'date'),
  widget('widget8', 'trip', '行程', 'dateInterval'),
  widget('widget9', 'trip_start', '出发日', 'date'),
  widget('widget10', 'status', '状态', 'radioV2', { option: options('st', ['草稿', '已提交', '已报销']) }),
  widget('widget11', '2nd choice', '备选方案', 'checkboxV2', { option: options('alt', ['火车', '飞机', '自驾']) }),
  widget('widget12', 'instance_code', '同行人', 'contact'),
  widget('widget13', 'cost.center', '成本中心', 'department'),
  widget('widget14', LONG_CUSTOM_ID, '附件', 'attachmentV2'),
  widget('widget15', '', '联系电话', 'telephone'),
  widget('widget16', 'Items', '费用明细', 'fieldList', {
    children: [
      widget('widget161', 'Item Name', '项目', 'input', { required: true }),
      widget('widget162', 'amount', '金额', 'amount', { required: true }),
      widget('widget163', null, '日期', 'date'),
      widget('widget164', 'AMOUNT', '税额', 'amount'),
    ],
  }),
];

export const LEAVE_FORM: readonly WidgetDefinition[] = [
  widget('leave1', 'leave_type', 'Leave type', 'radioV2', {
    required: true,
    option: options('lt', ['Annual', 'Sick', 'Personal']),
  }),
  widget('leave2', 'period', 'Period', 'dateInterval', { required: true }),
  widget('leave3', 'days', 'Days', 'number'),
  widget('leave4', 'reason', 'Reason', 'textarea'),
  widget('leave5', 'handover_to', 'Hand over to', 'contact'),
];

const TEMPLATES: readonly (readonly WidgetDefinition[])[] = [FORM_WIDGETS, HOSTILE_FORM, LEAVE_FORM];

/** A deep copy, so a code's form can change (definition-forms.ts) without touching the templates. */
export function copyWidgets(widgets: readonly WidgetDefinition[]): WidgetDefinition[] {
  return JSON.parse(JSON.stringify(widgets)) as WidgetDefinition[];
}

/** The form a code starts with, by its 1-based position among the codes (shared: copy before changing it). */
export function formTemplate(approvalNumber: number): readonly WidgetDefinition[] {
  return TEMPLATES[(approvalNumber - 1) % TEMPLATES.length] as readonly WidgetDefinition[];
}
