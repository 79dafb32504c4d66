/**
 * Issue 23's trial (see test/helpers/warehouse/trial.ts): after two incremental syncs with every kind
 * of change between them, each table a data team builds with Destinations V2 rules equals the API's
 * current answers, and the docs' SQL gives the same answers on both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDiffs, runTrial, type TrialResult } from './helpers/warehouse/index.js';

describe('warehouse trial: 3 codes x 300 instances, two syncs, every kind of change between them', () => {
  let trial: TrialResult | undefined;
  before(async () => {
    trial = await runTrial();
  });
  after(() => trial?.db.close());
  const result = (): TrialResult => {
    assert.ok(trial, 'the trial ran');
    return trial;
  };

  it('reports its figures', (t) => {
    const r = result();
    t.diagnostic(formatDiffs(r.diffs));
    t.diagnostic(`changes ${JSON.stringify(r.changes)}; listed now ${r.truth.listed}, pending now ${r.truth.pending}; status changed ${r.changedStatus}, pending at sync 2 ${r.pendingAtSync2}; detail requests sync 1 ${r.detailRequests[0]}, sync 2 ${r.detailRequests[1]}`);
    t.diagnostic(`phases (ms) ${JSON.stringify(r.phaseMs)}`);
    assert.deepEqual(r.truth.issues, [], 'the emulator sends values the mappers read');
  });

  for (const table of ['approval_instances', 'approval_instance_details', 'approval_definitions', 'approval_form_fields', 'approval_tasks', 'approval_timeline']) {
    it(`${table} equals the truth: no missing, stale or wrong row`, () => {
      const diff = result().diffs.find((d) => d.table === table);
      assert.ok(diff, `${table} is in the catalog`);
      assert.deepEqual({ missing: diff.missing, stale: diff.stale, wrong: diff.wrong }, { missing: 0, stale: 0, wrong: 0 }, JSON.stringify(diff.samples));
    });
  }
});
