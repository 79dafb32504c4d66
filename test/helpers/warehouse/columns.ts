/**
 * Typed columns from a stream's JSON schema, as Airbyte's Destinations V2 type them in PostgreSQL:
 * string -> text (date-time -> timestamptz, date -> date), integer -> bigint, number -> numeric,
 * boolean -> boolean, object/array (or a union of several types) -> jsonb. Pure; tested by use.
 */
import type { JsonObject } from '../../../src/kit/protocol.js';

export interface Column {
  name: string;
  sqlType: string;
}

type SchemaNode = { type?: string | string[]; format?: string };

/** The SQL type of one property schema. */
export function sqlTypeOf(property: SchemaNode): string {
  const declared = property.type === undefined ? [] : Array.isArray(property.type) ? property.type : [property.type];
  const types = declared.filter((t) => t !== 'null');
  if (types.length !== 1) return 'jsonb';
  switch (types[0]) {
    case 'string':
      return property.format === 'date-time' ? 'timestamptz' : property.format === 'date' ? 'date' : 'text';
    case 'integer':
      return 'bigint';
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    default:
      return 'jsonb';
  }
}

/** One column per declared property, in the schema's order. */
export function columnsOf(schema: JsonObject): Column[] {
  const properties = (schema['properties'] ?? {}) as Record<string, SchemaNode>;
  return Object.entries(properties).map(([name, property]) => ({ name, sqlType: sqlTypeOf(property) }));
}

/** A quoted identifier (stream and field names are plain, but quoting keeps any name valid). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
