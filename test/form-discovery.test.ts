/**
 * Which form tables discover offers (streams/forms/form-discovery.ts), as tables of cases: what
 * was read of each code's definition in, the tables and the WARN lines out; and how long reading
 * the definitions takes on the definition budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeishuApiError, FeishuTransportError } from '../src/feishu/errors.js';
import { RetriesExhaustedError } from '../src/feishu/client.js';
import {
  discoverDurationMs,
  humanDuration,
  planFormTables,
  type DefinitionOutcome,
} from '../src/source/streams/forms/form-discovery.js';

const FORM = JSON.stringify([{ id: 'widget1', custom_id: 'amount', name: 'Amount', type: 'amount' }]);
const apiError = (code: number, msg: string, httpStatus = 400): FeishuApiError =>
  new FeishuApiError(code, msg, httpStatus, undefined, 'GET /open-apis/approval/v4/approvals/:code');

describe('planFormTables: one table per readable definition, in config order; one WARN per code left out', () => {
  const cases: Array<{
    name: string;
    outcomes: DefinitionOutcome[];
    tables: string[];
    warnings: RegExp[];
  }> = [
    {
      name: 'every definition read',
      outcomes: [
        { approvalCode: 'B-2', form: FORM },
        { approvalCode: 'A-1', form: FORM },
      ],
      tables: ['approval_form_b_2', 'approval_form_a_1'],
      warnings: [],
    },
    {
      name: 'a deleted definition (1390016)',
      outcomes: [
        { approvalCode: 'A-1', form: FORM },
        { approvalCode: 'GONE-1', error: apiError(1390016, 'approval is deleted') },
      ],
      tables: ['approval_form_a_1'],
      warnings: [/leaves out the form table approval_form_gone_1: .*'GONE-1'.*was deleted: Feishu code 1390016/],
    },
    {
      name: 'a definition the app may not read (1390009, HTTP 403)',
      outcomes: [{ approvalCode: 'NOPE-1', error: apiError(1390009, 'no permission to operate', 403) }],
      tables: [],
      warnings: [/approval_form_nope_1: .*'NOPE-1'.*1390009.*Grant approval:approval:readonly/],
    },
    {
      name: 'a missing scope (99991672)',
      outcomes: [{ approvalCode: 'S-1', error: apiError(99991672, 'scope missing') }],
      tables: [],
      warnings: [/'S-1'.*99991672.*Grant approval:approval:readonly/],
    },
    {
      name: 'an unknown code (1390002)',
      outcomes: [{ approvalCode: 'X-9', error: apiError(1390002, 'approval code not found') }],
      tables: [],
      warnings: [/'X-9'.*was not found/],
    },
    {
      name: 'retries spent on a transient failure: left out this time, back at the next discover',
      outcomes: [
        {
          approvalCode: 'T-1',
          error: new RetriesExhaustedError(
            'GET /open-apis/approval/v4/approvals/:code',
            4,
            new FeishuTransportError('timeout', '127.0.0.1:1', 'no answer within 1000 ms'),
          ),
        },
      ],
      tables: [],
      warnings: [/'T-1'.*kept failing after 4 attempts.*refresh the source schema/],
    },
    {
      name: 'a form that is not JSON, or not a list of widgets',
      outcomes: [
        { approvalCode: 'J-1', form: '{not json' },
        { approvalCode: 'J-2', form: '{"id":"widget1"}' },
      ],
      tables: [],
      warnings: [/approval_form_j_1: .*'J-1'.*Its form /, /approval_form_j_2: .*'J-2'.*is not a list of widgets/],
    },
    {
      name: 'a widget without an id: the table is offered, that widget has no column, one WARN',
      outcomes: [{ approvalCode: 'W-1', form: JSON.stringify([{ name: 'x', type: 'input' }, JSON.parse(FORM)[0]]) }],
      tables: ['approval_form_w_1'],
      warnings: [/Form table approval_form_w_1 \(approval code 'W-1'\): .*without an id/],
    },
    {
      name: 'an empty or absent form: a table of the instance columns alone',
      outcomes: [
        { approvalCode: 'E-1', form: '[]' },
        { approvalCode: 'E-2', form: undefined },
      ],
      tables: ['approval_form_e_1', 'approval_form_e_2'],
      warnings: [],
    },
    {
      name: 'two codes giving the same table name: the first in the config keeps it',
      outcomes: [
        { approvalCode: 'ab-1', form: FORM },
        { approvalCode: 'AB_1', form: FORM },
      ],
      tables: ['approval_form_ab_1'],
      warnings: [
        /leaves out the form table approval_form_ab_1: .*'AB_1'.*Approval code 'ab-1' gives the same table name/,
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { tables, warnings } = planFormTables(c.outcomes);
      assert.deepEqual(
        tables.map((t) => t.name),
        c.tables,
      );
      assert.equal(warnings.length, c.warnings.length, warnings.join('\n'));
      c.warnings.forEach((re, i) => assert.match(warnings[i]!, re));
    });
  }

  it("a table's columns are the column model's for its form", () => {
    const [table] = planFormTables([{ approvalCode: 'A-1', form: FORM }]).tables;
    assert.deepEqual(
      table!.columns.map((c) => [c.name, c.kind, c.title]),
      [['amount', 'number', 'Amount']],
    );
  });
});

describe('discoverDurationMs: the definitions one after another on the budget, a little under it', () => {
  const cases: Array<[codes: number, perMinute: number, text: string]> = [
    [1, 100, '0 s'],
    [2, 100, '1 s'],
    [100, 100, '61 s'],
    [300, 100, '3.1 min'],
    [300, 1000, '19 s'],
    [2000, 100, '20.4 min'],
  ];
  for (const [codes, perMinute, text] of cases)
    it(`${codes} codes at ${perMinute}/min: ${text}`, () =>
      assert.equal(humanDuration(discoverDurationMs(codes, perMinute)), text));

  it('never faster than the documented limit: N codes at 100/min take at least (N - 1) × 600 ms', () => {
    for (const codes of [2, 10, 300]) assert.ok(discoverDurationMs(codes, 100) >= (codes - 1) * 600);
  });
});
