#!/usr/bin/env node
/**
 * `node dist/src/main.js read … | node dist/scripts/sample-records.js > integration_tests/expected_records.jsonl`
 * — turns a read of the sample data set (every stream of configured_catalog.json) into the expected
 * records of Airbyte's acceptance tests: every record of approval_instances, approval_definitions,
 * users and departments (their synced_at fixed, as emitted_at is), and every record of the detail-based streams for the first 10 instances (by creation time, then
 * code) of each approval code, so every stream is covered in a file of about 650 KB instead of 10 MB.
 * acceptance-test-config.yml allows the read's other records (extra_records); the instances kept are
 * checked against a read by test/integration-files.test.ts.
 */
import { text } from 'node:stream/consumers';
import type { AirbyteMessage, AirbyteRecordMessage } from '../src/kit/protocol.js';
import { SAMPLE_SPAN_END_MS } from './sample-dataset.js';

const WHOLE = new Set(['approval_instances', 'approval_definitions', 'users', 'departments']);
/** The contact streams' cursor is the start of the sync that wrote the row: fixed here like emitted_at. */
const SYNC_TIME_FIELDS: Record<string, string> = { users: 'synced_at', departments: 'synced_at' };
const PER_CODE = 10;

const records = (await text(process.stdin))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as AirbyteMessage)
  .flatMap((m) => (m.type === 'RECORD' ? [m.record] : []));
const field = (r: AirbyteRecordMessage, name: string): string => String(r.data[name] ?? '');

// The first instances of each code, from the details' start_time (their creation time).
const byCode = new Map<string, AirbyteRecordMessage[]>();
for (const r of records.filter((x) => x.stream === 'approval_instance_details')) {
  byCode.set(field(r, 'approval_code'), [...(byCode.get(field(r, 'approval_code')) ?? []), r]);
}
const kept = new Set<string>();
for (const list of byCode.values()) {
  list.sort(
    (a, b) =>
      field(a, 'start_time').localeCompare(field(b, 'start_time')) ||
      field(a, 'instance_code').localeCompare(field(b, 'instance_code')),
  );
  for (const r of list.slice(0, PER_CODE)) kept.add(field(r, 'instance_code'));
}

const position = (r: AirbyteRecordMessage): string =>
  field(r, 'field_index') || field(r, 'task_index') || field(r, 'seq');
const sortKey = (r: AirbyteRecordMessage): string =>
  [
    r.stream,
    field(r, 'approval_code'),
    field(r, 'created_after'),
    field(r, 'instance_code'),
    position(r).padStart(6, '0'),
    // users and departments have no instance: their own key orders them.
    field(r, 'open_department_id') || (SYNC_TIME_FIELDS[r.stream] ? field(r, 'open_id') : ''),
  ].join(' ');
const out = records
  .filter((r) => WHOLE.has(r.stream) || kept.has(field(r, 'instance_code')))
  .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
// emitted_at is not compared (acceptance tests and integration-files.test.ts alike): a fixed one
// keeps a regenerated file's diff to the records that changed.
process.stdout.write(
  out
    .map((r) => {
      const syncTime = SYNC_TIME_FIELDS[r.stream];
      const data = syncTime ? { ...r.data, [syncTime]: new Date(SAMPLE_SPAN_END_MS).toISOString() } : r.data;
      return JSON.stringify({ stream: r.stream, data, emitted_at: SAMPLE_SPAN_END_MS });
    })
    .join('\n') + '\n',
);
