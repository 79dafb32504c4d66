/**
 * The truth tables: what the data team's tables must hold, built from the API's current answers —
 * the list API's listing per code over the configured range, each listed instance's detail now,
 * each definition now — and mapped with the connector's own pure row mappers (each detail-based
 * stream's `rows`, `detailRecord`/`deletedDetail`, `definitionRecord`), so a difference from the
 * synced tables is about state, re-fetching and dedup, never about mapping twice.
 *
 * Deletions as contract-23 item 3 fixes them: an instance whose detail says DELETED, or that answers
 * 1390003 to a connector that knows its code (`gone`), is one `approval_instance_details` row (keys
 * and status DELETED, the rest null) and no row in the child tables; `approval_instances` follows
 * the list API (a DELETED-status instance is still listed, a removed one is not). An instance
 * removed entirely whose code the connector cannot learn is the documented exception: the trial
 * exempts it from the comparison (compare.ts) instead of pretending here.
 */
import type { InstanceDetail } from '../../../src/feishu/types.js';
import type { JsonObject } from '../../../src/kit/protocol.js';
import { FeishuApprovalSource } from '../../../src/source/index.js';
import { ApprovalInstancesStream } from '../../../src/source/streams/approval-instances.js';
import { ApprovalDefinitionsStream } from '../../../src/source/streams/definitions/approval-definitions.js';
import {
  definitionRecord,
  deletedDefinitionRecord,
} from '../../../src/source/streams/definitions/definition-record.js';
import { deletedDetail } from '../../../src/source/streams/details/rows/detail-record.js';
import type { DetailRowContext } from '../../../src/source/streams/details/rows/detail-rows.js';
import { DetailBasedStream } from '../../../src/source/streams/details/detail-stream.js';
import type { ContactDepartment, ContactUser } from '../../../src/feishu/types.js';
import { departmentRow, userRow } from '../../../src/source/streams/contacts/contact-rows.js';
import { detailIds } from '../contact-ids.js';
import { FormTableStream } from '../../../src/source/streams/forms/form-stream.js';
import { formColumns, parseDefinitionForm } from '../../../src/source/streams/forms/form-columns.js';
import { dataOf, type ApiReader } from './api-reader.js';

/** Window columns are bookkeeping, left out of every comparison; the truth fills them with a placeholder. */
const WINDOW = { created_after: '1970-01-01T00:00:00.000Z', created_before: '1970-01-01T00:00:00.000Z' } as const;
const DETAILS = 'approval_instance_details';
const INSTANCE_NOT_FOUND = 1390003;
const DEFINITION_DELETED = 1390016;
const PARALLEL = 32;

export interface TruthInput {
  reader: ApiReader;
  approvalCodes: readonly string[];
  /** The configured range: start_date .. end_date (or now). */
  startMs: number;
  endMs: number;
  /** Instances removed entirely (1390003) whose codes the connector can learn; not listed any more. */
  gone: ReadonlyArray<{ approvalCode: string; instanceCode: string }>;
  /** Build the form tables (approval_form_<code>) too, each from its definition now. */
  formTables?: boolean;
}

export interface Truth {
  rows: Map<string, JsonObject[]>;
  /** Instances listed now, and how many of them are PENDING now. */
  listed: number;
  pending: number;
  /** Values a mapper reported as unreadable (expected none from the emulator's normal data). */
  issues: string[];
}

export async function buildTruth(input: TruthInput): Promise<Truth> {
  const streams = [...new FeishuApprovalSource().streams, ...(input.formTables ? await formTables(input) : [])];
  const rows = new Map<string, JsonObject[]>(streams.map((s) => [s.name, []]));
  const issues: string[] = [];
  const push = (stream: string, more: JsonObject[]): void => void (rows.get(stream) as JsonObject[]).push(...more);
  const detailStreams = streams.filter((s): s is DetailBasedStream => s instanceof DetailBasedStream);
  const ctxFor = (approvalCode: string, subject: string): DetailRowContext => ({
    approvalCode,
    window: WINDOW,
    report: (field, raw, problem, where) =>
      void issues.push(
        `${subject} ${field}${where ? ` (${where})` : ''}: ${problem} ${JSON.stringify(raw)?.slice(0, 80)}`,
      ),
  });
  /** A deleted instance: one DELETED details row, nothing in the child tables. */
  const deleted = (approvalCode: string, instanceCode: string): void => {
    const stream = detailStreams.find((s) => s.name === DETAILS) as DetailBasedStream;
    push(DETAILS, stream.rows(deletedDetail(instanceCode, approvalCode), ctxFor(approvalCode, instanceCode)));
  };

  let listed = 0;
  let pending = 0;
  // The people and departments the live instances name (the tests' own reading of the details).
  const people = new Set<string>();
  const departments = new Set<string>();
  for (const approvalCode of input.approvalCodes) {
    const codes = await input.reader.listCodes(approvalCode, input.startMs, input.endMs);
    listed += codes.length;
    if (streams.some((s) => s instanceof ApprovalInstancesStream)) {
      push(
        'approval_instances',
        codes.map((instance_code) => ({ approval_code: approvalCode, instance_code, ...WINDOW })),
      );
    }
    for (let i = 0; i < codes.length; i += PARALLEL) {
      const batch = codes.slice(i, i + PARALLEL);
      const answers = await Promise.all(batch.map((code) => input.reader.detail(code)));
      answers.forEach((answer, j) => {
        const code = batch[j] as string;
        if (answer.code === INSTANCE_NOT_FOUND) return deleted(approvalCode, code);
        const detail: InstanceDetail = dataOf(answer, `detail ${code}`);
        if (detail.status === 'DELETED') return deleted(approvalCode, code);
        if (detail.status === 'PENDING') pending++;
        const ids = detailIds(detail);
        ids.users.forEach((id) => people.add(id));
        ids.departments.forEach((id) => departments.add(id));
        for (const stream of detailStreams)
          if (stream.codes === undefined || stream.codes.includes(approvalCode))
            push(stream.name, stream.rows(detail, ctxFor(approvalCode, code)));
      });
    }
  }
  for (const { approvalCode, instanceCode } of input.gone) deleted(approvalCode, instanceCode);

  // users: each person named, as the contact API answers now (those outside the contact range have
  // no row); departments: each department named, and each of those people's departments.
  const users = (await input.reader.users([...people])) as ContactUser[];
  push(
    'users',
    users.map((u) => userRow(u, WINDOW.created_after)),
  );
  for (const u of users) for (const d of u.department_ids ?? []) departments.add(d);
  const named = (await input.reader.departments([...departments])) as ContactDepartment[];
  push(
    'departments',
    named.map((d) => departmentRow(d, WINDOW.created_after)),
  );

  if (streams.some((s) => s instanceof ApprovalDefinitionsStream)) {
    for (const approvalCode of input.approvalCodes) {
      const answer = await input.reader.definition(approvalCode);
      if (answer.code === DEFINITION_DELETED) push('approval_definitions', [deletedDefinitionRecord(approvalCode)]);
      else if (answer.code === 0)
        push('approval_definitions', [
          definitionRecord(
            approvalCode,
            dataOf(answer, `definition ${approvalCode}`),
            ctxFor(approvalCode, approvalCode).report,
          ),
        ]);
    }
  }
  return { rows, listed, pending, issues };
}

/** Each code's form table, its columns from the definition as the API answers now (a deleted definition: none). */
async function formTables(input: TruthInput): Promise<FormTableStream[]> {
  const out: FormTableStream[] = [];
  for (const approvalCode of input.approvalCodes) {
    const answer = await input.reader.definition(approvalCode);
    if (answer.code !== 0) continue;
    const form = dataOf(answer, `definition ${approvalCode}`).form;
    out.push(new FormTableStream(approvalCode, formColumns(parseDefinitionForm(form))));
  }
  return out;
}
