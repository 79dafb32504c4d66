import type { Logger } from '../../kit/emitter.js';
import { describeRaw, isProblem, type Parsed } from './safe-parse.js';

/** Where a mapper reports a value it could not read; `field` names the column, `where` the item inside the record's source. */
export type ReportIssue = (field: string, raw: unknown, problem: string, where?: string) => void;

interface FieldTally {
  count: number;
  firstSubject: string;
}

/**
 * Unreadable values of one stream in one sync: the first per field is a WARN
 * naming the instance and the value, the rest are counted and summed up in
 * one INFO line at the end, so a poisoned field never floods the log.
 */
export class ValueIssues {
  private readonly byField = new Map<string, FieldTally>();

  constructor(
    private readonly stream: string,
    private readonly log: Logger,
  ) {}

  /** The reporter for the values of one subject ("instance <code>", "approval code <code>"). */
  about(subject: string): ReportIssue {
    return (field, raw, problem, where) => this.report(subject, field, raw, problem, where);
  }

  /** One INFO line with the count per field, when any field had more than its first WARN. */
  summary(): void {
    const repeated = [...this.byField].filter(([, t]) => t.count > 1);
    if (repeated.length === 0) return;
    const parts = repeated.map(([field, t]) => `${field} ${t.count} (first in ${t.firstSubject})`);
    this.log.info(`${this.stream}: values that could not be read: ${parts.join(', ')}`);
  }

  private report(subject: string, field: string, raw: unknown, problem: string, where?: string): void {
    const tally = this.byField.get(field);
    if (tally) {
      tally.count++;
      return;
    }
    this.byField.set(field, { count: 1, firstSubject: subject });
    const at = where ? ` (${where})` : '';
    const value = raw === undefined ? '' : ` ${describeRaw(raw)}`;
    this.log.warn(
      `${this.stream}: ${subject}: ${field}${at}${value} ${problem}. The sync goes on; ` +
        `further unreadable ${field} values in this sync are counted, not logged.`,
    );
  }
}

/** The value of `parsed`, or null after reporting its problem. */
export function take<T>(parsed: Parsed<T>, report: ReportIssue, field: string, raw: unknown, where?: string): T | null {
  if (!isProblem(parsed)) return parsed.value;
  report(field, raw, `${parsed.problem}; written as null`, where);
  return null;
}
