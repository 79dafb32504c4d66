/**
 * A Destinations V2 loader in miniature. Incremental streams in append_dedup: per primary key the
 * record with the greatest cursor wins, ties broken by the later extraction (later emitted); a
 * winning record with a non-null `_ab_cdc_deleted_at` removes the key from the final table. Every
 * record ever loaded is kept (as the raw table is), so the outcome does not depend on batching.
 * Full-refresh streams in overwrite: each sync's records replace the table.
 */
import type { PGlite } from '@electric-sql/pglite';
import type {
  AirbyteMessage,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  JsonObject,
} from '../../../src/kit/protocol.js';
import { writeTables } from './tables.js';

export const DELETED_AT = '_ab_cdc_deleted_at';

interface Candidate {
  cursorMs: number;
  seq: number;
  data: JsonObject;
}

/** The key of a record from the configured primary key (top-level fields; null shows as null). */
export function keyOf(data: JsonObject, primaryKey: string[][]): string {
  return JSON.stringify(primaryKey.map((path) => data[path[0] as string] ?? null));
}

/** The cursor as a number; an unreadable cursor sorts first (it can never win over a readable one). */
function cursorMs(data: JsonObject, cursorField: string[]): number {
  const raw = data[cursorField[0] as string];
  const ms = typeof raw === 'string' ? Date.parse(raw) : typeof raw === 'number' ? raw : Number.NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

export class WarehouseLoader {
  private readonly configured = new Map<string, ConfiguredAirbyteStream>();
  private readonly winners = new Map<string, Map<string, Candidate>>();
  private readonly overwritten = new Map<string, JsonObject[]>();
  private seq = 0;
  /** Records loaded per stream and sync, for the report. */
  readonly loaded: Array<Record<string, number>> = [];

  constructor(private readonly catalog: ConfiguredAirbyteCatalog) {
    for (const s of catalog.streams) {
      this.configured.set(s.stream.name, s);
      if (s.destination_sync_mode === 'append_dedup') this.winners.set(s.stream.name, new Map());
      else this.overwritten.set(s.stream.name, []);
    }
  }

  get streams(): AirbyteStream[] {
    return this.catalog.streams.map((s) => s.stream);
  }

  /** Loads one sync's output (its RECORD messages, in emitted order). */
  applySync(messages: AirbyteMessage[]): void {
    const counts: Record<string, number> = {};
    const fresh = new Map<string, JsonObject[]>();
    for (const message of messages) {
      if (message.type !== 'RECORD') continue;
      const { stream, data } = message.record;
      const configured = this.configured.get(stream);
      if (!configured) throw new Error(`record of a stream not in the catalog: ${stream}`);
      counts[stream] = (counts[stream] ?? 0) + 1;
      const seq = this.seq++;
      const table = this.winners.get(stream);
      if (!table) {
        fresh.set(stream, [...(fresh.get(stream) ?? []), data]);
        continue;
      }
      const key = keyOf(data, configured.primary_key ?? []);
      const candidate = { cursorMs: cursorMs(data, configured.cursor_field ?? ['created_before']), seq, data };
      const held = table.get(key);
      if (
        !held ||
        candidate.cursorMs > held.cursorMs ||
        (candidate.cursorMs === held.cursorMs && candidate.seq > held.seq)
      )
        table.set(key, candidate);
    }
    // Overwrite replaces the table only with what this sync sent (a sync that did not select it keeps it).
    for (const [stream, rows] of fresh) this.overwritten.set(stream, rows);
    this.loaded.push(counts);
  }

  /** The final tables' rows: tombstoned keys removed. */
  finalRows(): Map<string, JsonObject[]> {
    const out = new Map<string, JsonObject[]>();
    for (const [stream, table] of this.winners) {
      out.set(
        stream,
        [...table.values()]
          .filter((c) => c.data[DELETED_AT] === undefined || c.data[DELETED_AT] === null)
          .map((c) => c.data),
      );
    }
    for (const [stream, rows] of this.overwritten) out.set(stream, rows);
    return out;
  }

  /** Writes the final tables into `schema`. */
  async materialise(db: PGlite, schema: string): Promise<void> {
    await writeTables(db, schema, this.streams, this.finalRows());
  }
}
