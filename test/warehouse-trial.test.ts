/**
 * Issue 23's trial (see test/helpers/warehouse/trial.ts): after two incremental syncs with every kind
 * of change between them, each table a data team builds with Destinations V2 rules equals the API's
 * current answers, and the docs' SQL gives the same answers on both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';
import { formatDiffs, resultDiff, runBlock, runTrial, sqlBlocks, type TrialResult } from './helpers/warehouse/index.js';

const DOCS = join(REPO_ROOT, 'docs/integrations/sources/feishu-approval.md');

describe('warehouse trial: 3 codes x 300 instances (270 over ten days, 30 recent), two syncs, every kind of change between them', () => {
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
    t.diagnostic(
      `changes ${JSON.stringify(r.changes)}; listed now ${r.truth.listed}, pending now ${r.truth.pending}; status changed ${r.changedStatus}, pending at sync 2 ${r.pendingAtSync2}, new/pending/changed ${r.changedOrPending}; detail requests sync 1 ${r.detailRequests[0]}, sync 2 ${r.detailRequests[1]}`,
    );
    t.diagnostic(`phases (ms) ${JSON.stringify(r.phaseMs)}`);
    assert.deepEqual(r.truth.issues, [], 'the emulator sends values the mappers read');
  });

  it('sync 2 fetches each PENDING, new or changed instance once at most, and no other', () => {
    const r = result();
    assert.ok(
      r.detailRequests[1] <= r.changedOrPending,
      `${r.detailRequests[1]} detail requests for ${r.changedOrPending} instances new, PENDING or changed`,
    );
    assert.ok(
      r.detailRequests[1] >= r.pendingAtSync2,
      `every instance PENDING at sync 2 (${r.pendingAtSync2}) is fetched again`,
    );
  });

  it('instances removed entirely are the documented exception: their rows stay, counted in a WARN', () => {
    const r = result();
    const details = r.diffs.find((d) => d.table === 'approval_instance_details');
    assert.equal(details?.exempt, r.goneCodes.length, 'one details row each, as last synced');
    const warned = r.sync2.messages.some(
      (m) =>
        m.type === 'LOG' &&
        m.log.level === 'WARN' &&
        m.log.message.includes(`${r.goneCodes.length} instance(s) emitted earlier are no longer named`),
    );
    assert.ok(warned, 'sync 2 counts them in a WARN');
  });

  for (const table of [
    'approval_instances',
    'approval_instance_details',
    'approval_definitions',
    'approval_form_fields',
    'approval_tasks',
    'approval_timeline',
    'users',
    'departments',
  ]) {
    it(`${table} equals the truth: no missing, stale or wrong row`, () => {
      const diff = result().diffs.find((d) => d.table === table);
      assert.ok(diff, `${table} is in the catalog`);
      assert.deepEqual(
        { missing: diff.missing, stale: diff.stale, wrong: diff.wrong },
        { missing: 0, stale: 0, wrong: 0 },
        JSON.stringify(diff.samples),
      );
    });
  }

  it('every form table (approval_form_<code>, one per code) equals the truth: no missing, stale or wrong row', () => {
    const forms = result().diffs.filter(
      (d) => d.table.startsWith('approval_form_') && d.table !== 'approval_form_fields',
    );
    assert.equal(forms.length, 3, 'discover gave a form table per code');
    for (const diff of forms) {
      assert.ok(diff.truth > 0, `${diff.table} has rows`);
      assert.deepEqual(
        { table: diff.table, missing: diff.missing, stale: diff.stale, wrong: diff.wrong },
        { table: diff.table, missing: 0, stale: 0, wrong: 0 },
        JSON.stringify(diff.samples),
      );
    }
  });

  describe('every sql block of the user docs gives the same answer on the synced tables as on the truth', () => {
    const blocks = sqlBlocks(DOCS);
    it('the docs have sql blocks', () => assert.ok(blocks.length >= 4, `found ${blocks.length}`));
    for (const block of blocks) {
      const title = block.sql.split('\n')[0]?.replace(/^--\s*/, '') ?? '';
      it(`docs line ${block.line}: ${title}`, async (t) => {
        const { db } = result();
        const truth = await runBlock(db, 'truth', block.sql);
        const synced = await runBlock(db, 'synced', block.sql);
        const diff = resultDiff(synced, truth);
        t.diagnostic(
          `rows: truth ${truth.length}, synced ${synced.length}, only synced ${diff.onlySynced.length}, only truth ${diff.onlyTruth.length}`,
        );
        assert.ok(truth.length > 0, 'the block answers something on the truth (an empty answer proves nothing)');
        assert.deepEqual(
          { onlySynced: diff.onlySynced.slice(0, 3), onlyTruth: diff.onlyTruth.slice(0, 3) },
          { onlySynced: [], onlyTruth: [] },
        );
      });
    }
  });
});
