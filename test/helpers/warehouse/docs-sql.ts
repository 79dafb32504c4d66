/**
 * The ```sql blocks of a markdown file, and running one on a schema of the warehouse: each block is
 * run as an analyst would, unqualified table names resolved through `search_path`.
 */
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { ident } from './columns.js';

export interface SqlBlock {
  line: number;
  sql: string;
}

export function sqlBlocks(markdownPath: string): SqlBlock[] {
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const blocks: SqlBlock[] = [];
  let start = -1;
  let body: string[] = [];
  lines.forEach((text, i) => {
    if (start < 0 && /^```sql\s*$/i.test(text.trim())) {
      start = i + 1;
      body = [];
    } else if (start >= 0 && text.trim() === '```') {
      blocks.push({ line: start, sql: body.join('\n') });
      start = -1;
    } else if (start >= 0) body.push(text);
  });
  return blocks;
}

/** The block's result on `schema`, as sorted JSON rows (order-insensitive: blocks order for people, not tests). */
export async function runBlock(db: PGlite, schema: string, sql: string): Promise<string[]> {
  await db.exec(`SET search_path TO ${ident(schema)}`);
  try {
    const results = await db.exec(sql);
    const last = results[results.length - 1];
    return (last?.rows ?? []).map((row) => JSON.stringify(row)).sort();
  } finally {
    await db.exec('RESET search_path');
  }
}

/** Rows only one side has (a multiset difference both ways). */
export function resultDiff(synced: string[], truth: string[]): { onlySynced: string[]; onlyTruth: string[] } {
  const count = new Map<string, number>();
  for (const row of truth) count.set(row, (count.get(row) ?? 0) + 1);
  const onlySynced: string[] = [];
  for (const row of synced) {
    const left = count.get(row) ?? 0;
    if (left > 0) count.set(row, left - 1);
    else onlySynced.push(row);
  }
  const onlyTruth = [...count].flatMap(([row, n]) => Array<string>(n).fill(row));
  return { onlySynced, onlyTruth };
}
