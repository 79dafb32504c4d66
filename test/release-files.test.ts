/**
 * What a release must keep in agreement: one version everywhere, the user page where Airbyte keeps
 * it and in its layout, metadata.yaml's fields, a base image pinned by digest, permissive
 * production dependencies, and a CI audit gate that cannot pass silently.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { auditVerdict } from '../scripts/audit-verdict.js';
import { REPO_ROOT } from '../harness/index.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const metadata = (parseYaml(read('metadata.yaml')) as { data: Record<string, unknown> }).data;
const pkg = JSON.parse(read('package.json')) as { version: string };
const lock = JSON.parse(read('package-lock.json')) as {
  version: string;
  packages: Record<string, { version?: string; license?: string; dev?: boolean }>;
};
const DOCS_URL_PREFIX = 'https://docs.airbyte.com/';
const docPath = `docs/${String(metadata['documentationUrl']).slice(DOCS_URL_PREFIX.length)}.md`;
const page = existsSync(join(REPO_ROOT, docPath)) ? read(docPath) : '';

/** The `## ` headings of a Markdown page, in order, outside code blocks. */
function headings(text: string, level: string): string[] {
  let fenced = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && line.startsWith(`${level} `)) out.push(line.slice(level.length + 1).trim());
  }
  return out;
}

/** Body rows of the first Markdown table after `from` in `text`, as trimmed cells. */
function tableAfter(text: string, from: number): { header: string[]; rows: string[][] } {
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const cells = (line: string): string[] =>
    line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return { header: cells(lines[start]!), rows };
}

function changelog(): { header: string[]; rows: string[][] } {
  const at = page.indexOf('## Changelog');
  assert.ok(at >= 0, 'no ## Changelog');
  const details = page.slice(at);
  assert.match(
    details,
    /^## Changelog\s+<details>\s+<summary>[^<]+<\/summary>/,
    'the changelog table sits inside <details><summary>',
  );
  const end = details.indexOf('</details>');
  assert.ok(end > 0, 'no </details>');
  const table = tableAfter(details.slice(0, end), 0);
  assert.ok(table.rows.length > 0, 'no changelog rows inside <details>');
  return table;
}

describe('one version everywhere', () => {
  test('package.json, package-lock.json, metadata.yaml, the Dockerfile label and the changelog name the same version', () => {
    const label = /^LABEL io\.airbyte\.version=(\S+)$/m.exec(read('Dockerfile'))?.[1];
    const newest = changelog().rows[0]?.[0];
    assert.deepEqual(
      {
        lock: lock.version,
        lockRoot: lock.packages['']?.version,
        metadata: String(metadata['dockerImageTag']),
        label,
        newest,
      },
      { lock: pkg.version, lockRoot: pkg.version, metadata: pkg.version, label: pkg.version, newest: pkg.version },
    );
  });
});

describe('the user page', () => {
  test("lives where Airbyte's repository keeps it, and its heading, metadata's name and the spec's documentationUrl agree", () => {
    assert.ok(String(metadata['documentationUrl']).startsWith(`${DOCS_URL_PREFIX}integrations/sources/`));
    assert.ok(page !== '', `${docPath} is missing`);
    assert.equal(page.split('\n')[0], `# ${String(metadata['name'])}`);
    const spec = JSON.parse(read('spec/spec.json')) as { documentationUrl: string; changelogUrl?: string };
    assert.equal(spec.documentationUrl, metadata['documentationUrl']);
    assert.equal(spec.changelogUrl, `${String(metadata['documentationUrl'])}#changelog`);
  });

  test("has Airbyte's source-doc sections in Airbyte's order", () => {
    const required = [
      'Prerequisites',
      'Setup guide',
      'Supported sync modes',
      'Supported Streams',
      'Performance considerations',
      'Troubleshooting',
      'Changelog',
    ];
    const found = headings(page, '##');
    const positions = required.map((h) => found.indexOf(h));
    assert.ok(
      positions.every((p) => p >= 0),
      `missing: ${required.filter((_, i) => positions[i]! < 0).join(', ')}`,
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      'sections out of order',
    );
    assert.equal(found.at(-1), 'Changelog', 'the changelog comes last');
  });

  test('the setup guide names every scope, and the streams section has a part per stream with its primary key and cursor', () => {
    for (const scope of [
      'approval:approval:readonly',
      'contact:user.employee_id:readonly',
      'approval:approval.list:readonly',
    ]) {
      assert.ok(page.includes(`\`${scope}\``), `scope ${scope} is not named`);
    }
    const streams = tableAfter(page, page.indexOf('## Supported Streams'));
    assert.deepEqual(streams.header.slice(0, 3), ['Stream', 'Primary key', 'Cursor']);
    const subsections = headings(page, '###');
    for (const [name] of streams.rows)
      assert.ok(subsections.includes(name!.replace(/`/g, '')), `no ### section for ${name}`);
  });

  test('the changelog is a Version | Date | Pull Request | Subject table, newest first, one row per version', () => {
    const { header, rows } = changelog();
    assert.deepEqual(header, ['Version', 'Date', 'Pull Request', 'Subject']);
    assert.ok(rows.length >= 2);
    const versions = rows.map((r) => r[0]!.split('.').map(Number));
    for (const [i, row] of rows.entries()) {
      assert.match(row[0]!, /^\d+\.\d+\.\d+$/);
      assert.match(row[1]!, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(row[2]!, /^(–|\[\d+\]\(https:\/\/github\.com\/airbytehq\/airbyte\/pull\/\d+\))$/);
      assert.ok(row[3]!.length > 0);
      if (i > 0)
        assert.ok(compare(versions[i - 1]!, versions[i]!) > 0, `${rows[i - 1]![0]} is not newer than ${row[0]}`);
    }
  });
});

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

describe('metadata.yaml', () => {
  test('allowedHosts keeps the public hosts and admits the configured one through ${base_url}, a property of the spec', () => {
    const hosts = (metadata['allowedHosts'] as { hosts: string[] }).hosts;
    for (const host of ['open.feishu.cn', 'open.larksuite.com', '${base_url}']) assert.ok(hosts.includes(host), host);
    const spec = JSON.parse(read('spec/spec.json')) as {
      connectionSpecification: { properties: Record<string, unknown> };
    };
    for (const host of hosts) {
      for (const [, key] of host.matchAll(/\$\{([^}]+)\}/g))
        assert.ok(key! in spec.connectionSpecification.properties, `\${${key}} names no config field`);
    }
  });

  test('the icon is an SVG file of the repository; release stage and support level are unchanged', () => {
    const icon = String(metadata['icon']);
    assert.match(icon, /\.svg$/);
    const svg = read(icon);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="[^"]+"/);
    assert.match(svg.trim(), /<\/svg>$/);
    assert.equal(metadata['releaseStage'], 'alpha');
    assert.equal(metadata['supportLevel'], 'community');
  });
});

describe('supply chain', () => {
  test('every FROM pins node:24-bookworm-slim by a sha256 digest, with the tag in a comment above', () => {
    const lines = read('Dockerfile').split('\n');
    const froms = lines.map((line, i) => ({ line, i })).filter(({ line }) => /^FROM\s/i.test(line));
    assert.ok(froms.length >= 1);
    for (const { line, i } of froms) {
      assert.match(line, /^FROM node:24-bookworm-slim@sha256:[0-9a-f]{64}(\s+AS\s+\S+)?$/i, line);
      assert.match(lines[i - 1] ?? '', /^#.*node:24-bookworm-slim/, `no tag comment above: ${line}`);
    }
  });

  test('docs/dependency-licenses.md lists exactly the production packages of the lock file, each under a permissive licence', () => {
    const PERMISSIVE = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD']);
    const production = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev)
      .map(([path, entry]) => [
        `\`${path.slice('node_modules/'.length)}\``,
        entry.version ?? '',
        entry.license ?? '(none)',
      ]);
    const doc = read('docs/dependency-licenses.md');
    const listed = tableAfter(doc, doc.indexOf('| Package |')).rows;
    assert.deepEqual(listed.sort(), production.sort());
    for (const [name, , licence] of production) assert.ok(PERMISSIVE.has(licence!), `${name} is under ${licence}`);
  });

  test('the audit verdict: clean, vulnerable on high or critical, and "did not run" when npm gives no report', () => {
    const report = (counts: Record<string, number>) =>
      JSON.stringify({ auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: counts } });
    const table: [string, string][] = [
      [report({ info: 0, low: 2, moderate: 1, high: 0, critical: 0, total: 3 }), 'clean'],
      [report({ low: 0, moderate: 0, high: 1, critical: 0 }), 'vulnerable'],
      [report({ high: 0, critical: 1 }), 'vulnerable'],
      [
        JSON.stringify({
          message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
          statusCode: 405,
        }),
        'unavailable',
      ],
      [
        JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' } }),
        'unavailable',
      ],
      ['', 'unavailable'],
      ['npm error network', 'unavailable'],
    ];
    for (const [input, status] of table) assert.equal(auditVerdict(input).status, status, input.slice(0, 80));
    assert.match(auditVerdict(table[3]![0]).message, /did not run: 405/);
  });

  test('CI runs the audit gate and still ends with the image smoke test', () => {
    const steps = read('.ci/run')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    assert.ok(steps.includes('bash scripts/audit.sh'));
    assert.equal(steps.at(-1), 'bash scripts/image-smoke.sh');
    assert.match(read('scripts/audit.sh'), /npm audit --omit=dev --audit-level=high/);
    assert.ok(steps.includes('npm test') && steps.includes('npm run test:slow'), 'CI runs both test commands');
  });

  test("npm test builds from an empty dist/ and runs only *.test.js; the SDK is the bench's own install", () => {
    const pkg = JSON.parse(read('package.json')) as {
      scripts: Record<string, string>;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    assert.match(pkg.scripts['build']!, /rmSync\('dist'/, 'the build starts from an empty dist/');
    assert.match(pkg.scripts['test']!, /node --test .* dist\/test\/\*\.test\.js$/);
    assert.match(pkg.scripts['test:slow']!, /node --test .* dist\/test\/slow\/\*\.test\.js$/);
    const installed = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of ['@larksuiteoapi/node-sdk', 'ajv-formats'])
      assert.equal(installed[name], undefined, `${name} is not installed by npm ci`);
    assert.match(pkg.scripts['bench']!, /bench:peer/);
    assert.ok(JSON.parse(read('bench/peer/package.json')).dependencies['@larksuiteoapi/node-sdk']);
  });
});
