import { pacingIntervalMs } from '../../../feishu/rate-limiter.js';
import { windowsOf } from '../../../feishu/budgets.js';
import { toConnectorError } from '../../sync/errors.js';
import { describeRaw } from '../../values/safe-parse.js';
import { formColumns, formStreamName, parseDefinitionForm, type FormColumn } from './form-columns.js';

/**
 * Which form tables discover offers, from what it read of each configured code's definition: pure,
 * so the rules are tested by tables of cases. A definition that could not be read, a form that is
 * not a list of widgets, or a second code giving a table name already taken leaves that table out
 * with one WARN naming the code; the others are offered whatever happened to it.
 */

/** One configured code's definition as discover read it: its `form`, or the error that stopped the read. */
export type DefinitionOutcome = { approvalCode: string; form: unknown } | { approvalCode: string; error: unknown };

/** A form table to offer: its stream name and columns. */
export interface FormTable {
  approvalCode: string;
  name: string;
  columns: FormColumn[];
}

export interface DiscoveredForms {
  /** In the order of the outcomes (the config's order of codes). */
  tables: FormTable[];
  /** One per code left out or read only in part: what happened and what to do. */
  warnings: string[];
}

export function planFormTables(outcomes: readonly DefinitionOutcome[]): DiscoveredForms {
  const tables: FormTable[] = [];
  const warnings: string[] = [];
  const owners = new Map<string, string>();
  for (const outcome of outcomes) {
    const code = outcome.approvalCode;
    const name = formStreamName(code);
    if ('error' in outcome) {
      warnings.push(leftOut(name, code, toConnectorError(outcome.error, { approvalCode: code }).message));
      continue;
    }
    const owner = owners.get(name);
    if (owner !== undefined) {
      warnings.push(
        leftOut(
          name,
          code,
          `Approval code '${owner}' gives the same table name (codes are lower-cased and '-' becomes '_'), and it comes first in config.approval_codes.`,
        ),
      );
      continue;
    }
    const formIssues: string[] = [];
    const widgetIssues: string[] = [];
    const widgets = parseDefinitionForm(outcome.form, (_field, raw, problem, where) => {
      (where === undefined ? formIssues : widgetIssues).push(
        `${where ? `${where} ` : ''}${describeRaw(raw)} ${problem}`,
      );
    });
    if (formIssues.length > 0) {
      warnings.push(leftOut(name, code, `Its form ${formIssues.join('; ')}.`));
      continue;
    }
    if (widgetIssues.length > 0)
      warnings.push(
        `Form table ${name} (approval code '${code}'): widgets of its form that cannot be read have no column: ${widgetIssues.join('; ')}.`,
      );
    owners.set(name, code);
    tables.push({ approvalCode: code, name, columns: formColumns(widgets) });
  }
  return { tables, warnings };
}

function leftOut(name: string, code: string, why: string): string {
  return (
    `Discover leaves out the form table ${name}: the definition of approval code '${code}' could not be used. ${why} ` +
    'The other streams are discovered; once the definition can be read, refresh the source schema to add the table.'
  );
}

/**
 * How long reading `codes` definitions takes on a budget of `perMinute` (approval_requests_per_minute):
 * the client spaces them evenly a little under the limit (feishu/rate-limiter.ts), the first one at once.
 */
export function discoverDurationMs(codes: number, perMinute: number): number {
  return Math.max(0, codes - 1) * pacingIntervalMs(windowsOf({ perMinute }));
}

/** "12 s", "3.1 min": a duration for a person. */
export function humanDuration(ms: number): string {
  return ms < 90_000 ? `${Math.ceil(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
}
