/**
 * Writes rows into typed PostgreSQL tables (one schema per side: the synced tables and the truth
 * tables), one table per stream, columns named as the schema's fields. Values are cast by
 * PostgreSQL itself (jsonb_populate_recordset), so a value the column type cannot hold fails loudly.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { AirbyteStream, JsonObject } from '../../../src/kit/protocol.js';
import { columnsOf, ident } from './columns.js';

const BATCH = 5_000;

/** Drops and recreates `schema`.<stream> for every stream, then fills each with its rows. */
export async function writeTables(
  db: PGlite,
  schema: string,
  streams: AirbyteStream[],
  rows: Map<string, JsonObject[]>,
): Promise<void> {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  for (const stream of streams) {
    const table = `${ident(schema)}.${ident(stream.name)}`;
    const columns = columnsOf(stream.json_schema);
    await db.exec(
      `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${columns.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ')})`,
    );
    const list = rows.get(stream.name) ?? [];
    for (let i = 0; i < list.length; i += BATCH) {
      const batch = list.slice(i, i + BATCH);
      await db.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
        JSON.stringify(batch),
      ]);
    }
  }
}
