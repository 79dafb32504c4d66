import { noRecheckCounts, type PartitionRecheck, type RecheckCounts } from './status-recheck.js';

/** Sums the partitions' rechecks into the one INFO line a sync logs about them. */
export class RecheckLog {
  legacyPending = 0;
  private partitions = 0;
  private baselines = 0;
  private readonly sums: RecheckCounts = noRecheckCounts();

  add(result: PartitionRecheck): void {
    this.partitions++;
    if (result.baseline) this.baselines++;
    for (const key of Object.keys(this.sums) as (keyof RecheckCounts)[]) this.sums[key] += result[key];
  }

  /** Whether there is anything to say (a first sync has no cursor, so nothing to re-check). */
  get empty(): boolean {
    return this.partitions === 0 && this.legacyPending === 0;
  }

  get vanished(): number {
    return this.sums.vanished;
  }

  summary(fetched: number): string {
    const s = this.sums;
    return (
      `status recheck of ${this.partitions} approval code(s): ${s.listed} instance(s) reported by the bulk query ` +
      `(${s.queryRequests} query request(s)), ${s.changed} changed, ${s.unseen} not emitted before, ` +
      `${s.missing} left out (${s.named} named by ${s.listRequests} list request(s), ${s.vanished} gone without a trace` +
      (s.unnamed > 0 ? `, ${s.unnamed} kept for the next sync as their list query broke off` : '') +
      `), ${s.pending} still PENDING fetched again for their current approvers` +
      (this.baselines > 0 ? `, ${this.baselines} code(s) without a digest took the query's statuses as baseline` : '') +
      (this.legacyPending > 0 ? `, ${this.legacyPending} pending instance(s) from an older state` : '') +
      `; ${fetched} detail(s) fetched again.`
    );
  }
}
