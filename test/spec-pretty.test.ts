/**
 * `spec --pretty`: the config fields as a table for a person, one row per property of the spec,
 * in the order the Airbyte form shows them; and the README shows that table.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { configFieldRows, formatConfigTable } from '../src/kit/spec-table.js';
import { runCli } from './helpers/connector.js';
import { markdownTableRows } from './helpers/markdown.js';
import { CONNECTOR_BIN, REPO_ROOT } from '../harness/index.js';

/** `spec --pretty` prints text, not protocol messages, so it is run without runCli's JSON parsing. */
function specPretty(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CONNECTOR_BIN, 'spec', '--pretty'], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface SpecProperty {
  description?: string;
  default?: unknown;
  order?: number;
}

const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'spec/spec.json'), 'utf8')) as {
  connectionSpecification: { properties: Record<string, SpecProperty>; required: string[] };
};
const properties = spec.connectionSpecification.properties;

/** Cells of each body row of the first Markdown table in `text` whose header starts with `| Field |`. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| Field |'));
  assert.ok(start >= 0, 'no table with a Field column');
  return markdownTableRows(lines, start);
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1');

describe('spec --pretty', () => {
  test('prints one row per spec property, by `order`, with its type, required flag, default and description', async () => {
    const run = await specPretty();
    assert.equal(run.code, 0, run.stderr);
    const rows = tableRows(run.stdout);
    const byOrder = Object.entries(properties).sort(([, a], [, b]) => (a.order ?? Infinity) - (b.order ?? Infinity));
    assert.deepEqual(
      rows.map((r) => unquote(r[0]!)),
      byOrder.map(([name]) => name),
    );
    for (const [name, type, required, fallback, description] of rows) {
      const key = unquote(name!);
      const property = properties[key]!;
      assert.ok(type, `${key} has no type`);
      assert.equal(required, spec.connectionSpecification.required.includes(key) ? 'yes' : 'no', key);
      const expectedDefault = property.default === undefined ? '–' : String(property.default);
      assert.equal(unquote(fallback!), expectedDefault, key);
      assert.equal(description, property.description, key);
    }
    assert.match(rows.find((r) => r[0] === '`app_secret`')![1]!, /secret/);
    assert.match(rows.find((r) => r[0] === '`approval_codes`')![1]!, /^array of string/);
  });

  test('plain `spec` still prints the SPEC message only', async () => {
    const run = await runCli(['spec']);
    assert.equal(run.code, 0);
    assert.deepEqual(
      run.messages.map((m) => m.type),
      ['SPEC'],
    );
  });

  test('rows follow `order`, fields without one last, ties by name; pipes and newlines stay inside a cell', () => {
    const rows = configFieldRows({
      required: ['b'],
      properties: {
        z: { type: 'string' },
        c: { type: 'integer', order: 1, default: 5 },
        b: { type: 'string', order: 0, description: 'a | b\nc', enum: ['x', 'y'] },
        a: { type: 'boolean' },
      },
    });
    assert.deepEqual(
      rows.map((r) => [r.name, r.type, r.required, r.default]),
      [
        ['b', 'string (one of "x", "y")', true, ''],
        ['c', 'integer', false, '5'],
        ['a', 'boolean', false, ''],
        ['z', 'string', false, ''],
      ],
    );
    const table = formatConfigTable(rows);
    assert.equal(table.split('\n').filter(Boolean).length, 2 + 4);
    assert.deepEqual(tableRows(table)[0], ['`b`', 'string (one of "x", "y")', 'yes', '–', 'a | b c']);
  });

  test("the README's configuration table is spec --pretty's, cell for cell", async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const run = await specPretty();
    assert.deepEqual(tableRows(readme.slice(readme.indexOf('## Configuration'))), tableRows(run.stdout));
  });

  test("the README's configuration table lists the same fields in the same order", async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const run = await specPretty();
    assert.deepEqual(
      tableRows(section).map((r) => [r[0], r[2]]),
      tableRows(run.stdout).map((r) => [r[0], r[2]]),
    );
  });
});
