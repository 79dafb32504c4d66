/**
 * Compares the synced tables with the truth tables, per table and per primary key, in PostgreSQL
 * (both sides typed the same way): missing = a key the truth has and the synced table lacks; stale =
 * a key the synced table has and the truth does not (a row Feishu no longer has); wrong = same key,
 * different values. Window (cursor) columns, the contact streams' cursor synced_at and the deletion
 * marker are bookkeeping, not compared.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { ConfiguredAirbyteCatalog } from '../../../src/kit/protocol.js';
import { ident } from './columns.js';

const IGNORED = ['created_after', 'created_before', '_ab_cdc_deleted_at', 'synced_at'];

export interface TableDiff {
  table: string;
  synced: number;
  truth: number;
  missing: number;
  stale: number;
  wrong: number;
  /** Synced rows of exempt instances (left out of missing/stale/wrong), see compareTables. */
  exempt: number;
  /** A few keys of each kind, to start looking. */
  samples: { missing: string[]; stale: string[]; wrong: string[] };
}

async function keyedRows(
  db: PGlite,
  schema: string,
  table: string,
  key: string[],
  exempt: ReadonlySet<string>,
): Promise<{ rows: Map<string, string>; exempt: number }> {
  const keyExpr = `jsonb_build_array(${key.map(ident).join(', ')})::text`;
  const rowExpr = `(to_jsonb(t) ${IGNORED.map((c) => `- '${c}'`).join(' ')})::text`;
  const result = await db.query<{ k: string; r: string; i: string | null }>(
    `SELECT ${keyExpr} AS k, ${rowExpr} AS r, to_jsonb(t) ->> 'instance_code' AS i FROM ${ident(schema)}.${ident(table)} t`,
  );
  const out = new Map<string, string>();
  let exempted = 0;
  for (const { k, r, i } of result.rows) {
    if (i !== null && exempt.has(i)) {
      exempted++;
      continue;
    }
    if (out.has(k)) throw new Error(`${schema}.${table} holds key ${k} twice`);
    out.set(k, r);
  }
  return { rows: out, exempt: exempted };
}

/**
 * `exempt`: instance codes whose rows are left out on both sides and counted apart — the instances
 * removed entirely whose codes the connector cannot learn (contract item 3: their rows stay, counted
 * in a WARN), so the trial can show that exception without it hiding any other difference.
 */
export async function compareTables(
  db: PGlite,
  catalog: ConfiguredAirbyteCatalog,
  exempt: ReadonlySet<string> = new Set(),
  synced = 'synced',
  truth = 'truth',
): Promise<TableDiff[]> {
  const diffs: TableDiff[] = [];
  for (const configured of catalog.streams) {
    const table = configured.stream.name;
    const key = (configured.primary_key ?? []).map((path) => path[0] as string);
    const { rows: got, exempt: exempted } = await keyedRows(db, synced, table, key, exempt);
    const { rows: want } = await keyedRows(db, truth, table, key, exempt);
    const missing = [...want.keys()].filter((k) => !got.has(k));
    const stale = [...got.keys()].filter((k) => !want.has(k));
    const wrong = [...want.keys()].filter((k) => got.has(k) && got.get(k) !== want.get(k));
    diffs.push({
      table,
      synced: got.size,
      truth: want.size,
      missing: missing.length,
      stale: stale.length,
      wrong: wrong.length,
      exempt: exempted,
      samples: { missing: missing.slice(0, 3), stale: stale.slice(0, 3), wrong: wrong.slice(0, 3) },
    });
  }
  return diffs;
}

/** One line per table, for a test's log and the report. */
export function formatDiffs(diffs: TableDiff[]): string {
  return diffs
    .map(
      (d) =>
        `${d.table}: synced ${d.synced}, truth ${d.truth}, missing ${d.missing}, stale ${d.stale}, wrong ${d.wrong}${d.exempt ? `, exempt ${d.exempt}` : ''}`,
    )
    .join('\n');
}
