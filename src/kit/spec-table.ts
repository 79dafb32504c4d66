import type { JsonObject } from './protocol.js';

/** One config field as a person reads it: what `spec --pretty` prints per row. */
export interface ConfigFieldRow {
  name: string;
  type: string;
  required: boolean;
  /** The default as it would be typed into the config, or '' when there is none. */
  default: string;
  description: string;
}

interface PropertySchema {
  type?: string | string[];
  items?: { type?: string | string[] };
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  order?: number;
  format?: string;
  airbyte_secret?: boolean;
}

/**
 * The top-level properties of a connection specification, in the order the Airbyte UI shows
 * them: by `order`, fields without one after those with one, then by name (the UI's tie-break).
 */
export function configFieldRows(connectionSpecification: JsonObject): ConfigFieldRow[] {
  const properties = (connectionSpecification['properties'] ?? {}) as Record<string, PropertySchema>;
  const required = new Set((connectionSpecification['required'] ?? []) as string[]);
  const position = (p: PropertySchema): number => (typeof p.order === 'number' ? p.order : Number.POSITIVE_INFINITY);
  return Object.entries(properties)
    .sort(([a, pa], [b, pb]) => position(pa) - position(pb) || a.localeCompare(b))
    .map(([name, p]) => ({
      name,
      type: typeLabel(p),
      required: required.has(name),
      default: p.default === undefined ? '' : typeof p.default === 'string' ? p.default : JSON.stringify(p.default),
      description: (p.description ?? p.title ?? '').trim(),
    }));
}

function typeLabel(p: PropertySchema): string {
  const names = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join(' | ') : (t ?? 'any'));
  let label = p.type === 'array' ? `array of ${names(p.items?.type)}` : names(p.type);
  if (p.format) label += ` (${p.format})`;
  if (p.enum) label += ` (one of ${p.enum.map((v) => JSON.stringify(v)).join(', ')})`;
  return p.airbyte_secret ? `${label}, secret` : label;
}

/** The rows as a Markdown table: readable in a terminal and pasted as is into a README. */
export function formatConfigTable(rows: ConfigFieldRow[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const lines = ['| Field | Type | Required | Default | Description |', '|---|---|---|---|---|'];
  for (const row of rows) {
    const fallback = row.default === '' ? '–' : `\`${row.default}\``;
    lines.push(
      `| \`${row.name}\` | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ${cell(fallback)} | ${cell(row.description)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
