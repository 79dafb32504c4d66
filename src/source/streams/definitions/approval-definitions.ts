import { FeishuApiError, FeishuCode } from '../../../feishu/errors.js';
import type { JsonObject, SyncMode } from '../../../kit/protocol.js';
import { toConnectorError } from '../../sync/errors.js';
import type { SyncContext } from '../../sync/contract.js';
import { ValueIssues } from '../../values/value-issues.js';
import { STRINGS } from '../record-schema.js';
import { Stream } from '../stream.js';
import { StreamOutput } from '../stream-output.js';
import type { RecordsPart } from '../stream-part.js';
import { definitionRecord, deletedDefinitionRecord } from './definition-record.js';

const OBJECTS = { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } } as const;
const WIDGET: JsonObject = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: STRINGS,
    custom_id: STRINGS,
    name: STRINGS,
    type: STRINGS,
    required: { type: ['boolean', 'null'] },
    option: OBJECTS,
    children: {
      type: ['array', 'null'],
      description: 'The child widgets of a list widget (fieldList), in this same shape.',
      items: { type: 'object', additionalProperties: true },
    },
  },
};

/**
 * One record per configured approval code from the definition API: its name,
 * status, form (raw and parsed into widgets), nodes and viewers. Full refresh
 * only: a definition has no creation time to follow, and reading every code
 * costs one request each.
 */
export class ApprovalDefinitionsStream extends Stream {
  readonly name = 'approval_definitions';
  override readonly primaryKey = [['approval_code']];
  override readonly syncModes: SyncMode[] = ['full_refresh'];
  readonly jsonSchema: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    required: ['approval_code'],
    properties: {
      approval_code: { type: 'string', description: 'Code of the approval definition (primary key).' },
      approval_name: STRINGS,
      status: { ...STRINGS, description: 'ACTIVE, INACTIVE, DELETED or UNKNOWN as Feishu sends it.' },
      form: { ...STRINGS, description: 'The form as Feishu returns it: a JSON string of widgets.' },
      form_widgets: {
        type: ['array', 'null'],
        items: WIDGET,
        description: 'The form parsed; null when it cannot be read.',
      },
      node_list: OBJECTS,
      viewers: OBJECTS,
    },
  };

  override readonly resumable = false;

  prepare(ctx: SyncContext): RecordsPart {
    return { kind: 'records', read: () => this.readAll(ctx) };
  }

  private async readAll(ctx: SyncContext): Promise<void> {
    const out = new StreamOutput(ctx.emitter, this.name);
    const issues = new ValueIssues(this.name, ctx.emitter);
    for (const code of ctx.config.approvalCodes) {
      await out.record(await this.readOne(ctx, code, issues));
    }
    issues.summary();
    await out.state(() => ({}), true);
  }

  /** A deleted definition still yields its record (status DELETED), as its instances stay listed. */
  private async readOne(ctx: SyncContext, code: string, issues: ValueIssues): Promise<JsonObject> {
    try {
      return definitionRecord(code, await ctx.client.getApproval(code), issues.about(`approval code ${code}`));
    } catch (error) {
      if (error instanceof FeishuApiError && error.code === FeishuCode.DEFINITION_DELETED)
        return deletedDefinitionRecord(code);
      throw toConnectorError(error, { approvalCode: code });
    }
  }
}
