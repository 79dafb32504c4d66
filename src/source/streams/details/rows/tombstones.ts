import type { InstanceDetail } from '../../../../feishu/types.js';
import type { JsonObject } from '../../../../kit/protocol.js';
import type { WindowFields } from '../../../sync/contract.js';
import { DELETED_AT_FIELD } from '../../record-schema.js';
import type { ChildCounts } from '../recheck/digest-v3.js';
import { formFieldCount } from './form-fields.js';

/**
 * Tombstones of the child streams (approval_tasks, approval_timeline,
 * approval_form_fields), whose keys are positions: Airbyte's deletion
 * convention, which Destinations V2 apply in append_dedup (a record with
 * `_ab_cdc_deleted_at` set removes its key). A position emitted before (the
 * digest keeps how many rows each child stream last got) and absent now gets
 * one; so do all the rows of a deleted instance. All pure.
 */

/** What became of an instance when its detail was fetched. */
export type DetailFate =
  /** The detail, as it is. */
  | 'live'
  /** Status DELETED: one DELETED row in approval_instance_details, tombstones for its child rows. */
  | 'deleted'
  /** Answered 1390003 (removed entirely): the same, and a tombstone in approval_instances. */
  | 'gone';

/** A fetched detail as the streams get it: the detail, its fate, the rows last emitted for it and when the fetch saw it. */
export interface FetchedDetail {
  detail: InstanceDetail;
  fate: DetailFate;
  /** Rows last emitted per child stream; undefined when unknown (outside the digest, or a digest before version 3). */
  previous: ChildCounts | undefined;
  /** ISO time of the fetch: a tombstone's `_ab_cdc_deleted_at`. */
  seenAt: string;
}

/** The fate of a detail: gone when the API answered 1390003, deleted when its status says so. */
export function fateOf(detail: InstanceDetail, gone: boolean): DetailFate {
  return gone ? 'gone' : detail.status === 'DELETED' ? 'deleted' : 'live';
}

/** The rows the child streams get from a detail, per stream: what the digest keeps (positions, so a gap counts too). */
export function childCounts(detail: InstanceDetail, fate: DetailFate): ChildCounts {
  if (fate !== 'live') return { tasks: 0, timeline: 0, form: 0 };
  const length = (list: unknown): number => (Array.isArray(list) ? list.length : 0);
  return { tasks: length(detail.task_list), timeline: length(detail.timeline), form: formFieldCount(detail.form) };
}

/**
 * The positions to tombstone: for a live instance those below `previous` it
 * has no row for now (a vanished tail, or an item now unreadable); for a
 * deleted or gone one every position below `previous` and every one it still
 * emits. An unknown `previous` tombstones nothing of the past.
 */
export function tombstoneIndexes(previous: number | undefined, emitted: readonly number[], fate: DetailFate): number[] {
  const out: number[] = [];
  if (fate === 'live') {
    const now = new Set(emitted);
    for (let i = 0; i < (previous ?? 0); i++) if (!now.has(i)) out.push(i);
    return out;
  }
  const all = new Set(emitted);
  for (let i = 0; i < (previous ?? 0); i++) all.add(i);
  return [...all].sort((a, b) => a - b);
}

/**
 * A tombstone row: the stream's keys, approval_code, the window and
 * `_ab_cdc_deleted_at`; every other field of the schema null (`fields`: the
 * schema's properties, in order). A stream keyed on instance_code alone (a
 * form table) has no `indexField`.
 */
export function tombstoneRow(
  fields: readonly string[],
  keys: { approval_code: string; instance_code: string },
  indexField: string | undefined,
  index: number,
  window: WindowFields,
  seenAt: string,
): JsonObject {
  const row: JsonObject = {};
  for (const field of fields) row[field] = null;
  const position = indexField === undefined ? {} : { [indexField]: index };
  return { ...row, ...keys, ...position, ...window, [DELETED_AT_FIELD]: seenAt };
}
