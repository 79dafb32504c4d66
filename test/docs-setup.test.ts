/**
 * The user docs' setup guide (Create the connection) names, per stream, the sync mode and the primary key discover declares:
 * incremental streams "Incremental | Append + Deduped" with their own keys, full-refresh-only ones
 * "Full refresh | Overwrite"; and the supported-streams table gives the same keys.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/index.js';
import { markdownTableRows } from './helpers/markdown.js';
import { FeishuApprovalSource } from '../src/source/index.js';

const docs = readFileSync(join(REPO_ROOT, 'docs/integrations/sources/feishu-approval.md'), 'utf8');

/** Rows of the first table after `marker` whose header starts with `header`, as cells without backticks. */
function table(marker: string, header: string): string[][] {
  const lines = docs
    .slice(docs.indexOf(marker))
    .split('\n')
    .map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith(header));
  assert.ok(start >= 0, `no table "${header}" after "${marker}"`);
  return markdownTableRows(lines, start).map((row) => row.map((c) => c.replace(/`/g, '')));
}

const streams = new FeishuApprovalSource().streams.map((s) => s.asAirbyteStream());
const keyText = (key: string[][] | undefined): string => (key ?? []).map((p) => p.join('.')).join(', ');

test('setup guide, Create the connection: each stream with its sync mode and primary key, as discover declares them', () => {
  const rows = table('#### Create the connection', '| Stream | Sync mode | Primary key | Cursor |');
  assert.deepEqual(rows.map((r) => r[0]).sort(), streams.map((s) => s.name).sort());
  for (const stream of streams) {
    const row = rows.find((r) => r[0] === stream.name)!;
    const incremental = stream.supported_sync_modes.includes('incremental');
    assert.equal(row[1], incremental ? 'Incremental | Append + Deduped' : 'Full refresh | Overwrite', stream.name);
    assert.equal(row[2], keyText(stream.source_defined_primary_key), stream.name);
    assert.equal(row[3], incremental ? (stream.default_cursor_field ?? []).join('.') : '–', stream.name);
  }
});

test('supported streams: the same primary keys', () => {
  const rows = table('## Supported Streams', '| Stream | Primary key |');
  for (const stream of streams)
    assert.equal(rows.find((r) => r[0] === stream.name)?.[1], keyText(stream.source_defined_primary_key), stream.name);
});

test('troubleshooting: each Feishu error code once', () => {
  const codes = table('## Troubleshooting', '| Feishu code |').flatMap((r) =>
    (r[0] ?? '').split('/').map((c) => c.trim()),
  );
  const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
  assert.deepEqual(twice, []);
});
