import type { ConfiguredAirbyteCatalog, JsonObject } from '../../../kit/protocol.js';
import { ConfigError, ConnectorError } from '../../../kit/errors.js';
import { toConnectorError } from '../../sync/errors.js';
import type { SyncContext } from '../../sync/contract.js';
import { firstOf } from '../../sync/log.js';
import { ValueIssues } from '../../values/value-issues.js';
import type { Stream } from '../stream.js';
import { formColumns, formStreamName, parseDefinitionForm } from './form-columns.js';
import { FormTableStream, UnreadableFormTable } from './form-stream.js';

/** Codes named in a message about a table no code gives; the rest are counted. */
const CODES_NAMED = 5;

/** Form tables are named approval_form_<code>; approval_form_fields is not one. */
const FORM_PREFIX = 'approval_form_';
const NOT_FORM_TABLES = new Set(['approval_form_fields']);

/** Whether a catalog stream's name is a form table's. */
export function isFormTableName(name: string): boolean {
  return name.startsWith(FORM_PREFIX) && !NOT_FORM_TABLES.has(name);
}

/**
 * The form tables the configured catalog selects, built for this read: each
 * from its definition, read now (one request per table, under the definition
 * API's own budget), so its columns are matched to widgets by the same rule
 * discover used; the catalog's schema decides which columns are written. A
 * table whose definition cannot be read, or whose code is no longer
 * configured, fails alone, naming the code; the others read on.
 */
export async function formTablesOf(ctx: SyncContext, catalog: ConfiguredAirbyteCatalog): Promise<Stream[]> {
  const streams: Stream[] = [];
  const selected = catalog.streams.filter(({ stream }) => isFormTableName(stream.name));
  if (selected.length === 0) return streams;
  // At the definition API's default 100/min, 300 tables take 3 minutes before any list request: say so, then how far.
  ctx.emitter.info(`Form tables: reading the definitions of ${selected.length} form table(s), one request each.`);
  for (const { stream } of selected) {
    ctx.log.progress(() => `Form tables: ${streams.length} of ${selected.length} definitions read.`);
    const declared = stream.json_schema as JsonObject | undefined;
    const code = ctx.config.approvalCodes.find((c) => formStreamName(c) === stream.name);
    if (code === undefined) {
      const error = new ConfigError(
        `No configured approval code gives the form table '${stream.name}' (approval_codes: ${firstOf(ctx.config.approvalCodes, CODES_NAMED)}). ` +
          'Refresh the source schema, or add the code back to approval_codes.',
      );
      streams.push(new UnreadableFormTable(stream.name, error, declared));
      continue;
    }
    try {
      const definition = await ctx.client.getApproval(code);
      const issues = new ValueIssues(stream.name, ctx.emitter);
      const widgets = parseDefinitionForm(definition.form, issues.about(`approval code ${code}`));
      streams.push(new FormTableStream(code, formColumns(widgets), declared));
    } catch (error) {
      // The cause's failure type is kept: a missing scope or a deleted definition stays a config error.
      const cause = toConnectorError(error, { approvalCode: code });
      const opening = `The definition of approval code '${code}' could not be read, so its form table cannot be built: `;
      const failure = new ConnectorError(
        cause.failureType,
        opening + cause.message,
        opening + (cause.internalMessage ?? cause.message),
        { cause },
      );
      streams.push(new UnreadableFormTable(stream.name, failure, declared));
    }
  }
  return streams;
}
