import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';

/** Imports of every .ts file under src/<layer>, as written. */
function importsOf(layer: string): { file: string; target: string }[] {
  const dir = join(REPO_ROOT, 'src', layer);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => ({
        file: `${layer}/${file}`,
        target: m[1]!,
      })),
    );
}

describe('layers: imports point one way (source → feishu, source → kit)', () => {
  it('the protocol kit knows nothing of Feishu or the source', () => {
    const bad = importsOf('kit').filter((i) => /\/(feishu|source)\//.test(i.target) || /^\.\.\//.test(i.target));
    assert.deepEqual(bad, []);
  });

  it('the Feishu client knows nothing of Airbyte or the source', () => {
    const bad = importsOf('feishu').filter((i) => /\/(kit|source)\//.test(i.target) || /^\.\.\//.test(i.target));
    assert.deepEqual(bad, []);
  });

  it('nothing in src reaches into ../shared, the emulator or the tests', () => {
    const all = ['kit', 'feishu', 'source'].flatMap(importsOf);
    assert.deepEqual(
      all.filter((i) => /shared|emulator|test/.test(i.target)),
      [],
    );
  });
});

describe('layers within src/source (docs/architecture.md)', () => {
  const source = importsOf('source');
  /** The src/source-relative path an import of `file` resolves to. */
  const resolved = ({ file, target }: { file: string; target: string }): string =>
    join(file, '..', target).replace(/\\/g, '/');

  it('the scan and the streams never import each other: they meet in sync/contract.ts, and only plan/ joins them', () => {
    const bad = source.filter(
      (i) =>
        (i.file.startsWith('source/scan/') && /^source\/streams\//.test(resolved(i))) ||
        (i.file.startsWith('source/streams/') && /^source\/scan\//.test(resolved(i))),
    );
    assert.deepEqual(bad, []);
  });

  it('config/, paging/, state/, sync/ and values/ import nothing from the plan, the scan or the streams', () => {
    const bad = source.filter(
      (i) =>
        /^source\/(config|paging|state|sync|values)\//.test(i.file) &&
        /^source\/(plan|scan|streams)\//.test(resolved(i)),
    );
    assert.deepEqual(bad, []);
  });

  it('only read.ts imports the read plan (plan/)', () => {
    const bad = source.filter(
      (i) => !i.file.startsWith('source/plan/') && i.file !== 'source/read.ts' && /^source\/plan\//.test(resolved(i)),
    );
    assert.deepEqual(bad, []);
  });

  it('the detail rows and the status recheck know nothing of the fetching (streams/details/fetch/); the recheck knows no rows', () => {
    const bad = source.filter(
      (i) =>
        (/^source\/streams\/details\/(rows|recheck)\//.test(i.file) &&
          /^source\/streams\/details\/fetch\//.test(resolved(i))) ||
        (i.file.startsWith('source/streams/details/recheck/') && /^source\/streams\/details\/rows\//.test(resolved(i))),
    );
    assert.deepEqual(bad, []);
  });

  it('only state/stream-state.ts knows the older state shapes (state/migrations.ts)', () => {
    const importers = source.filter((i) => resolved(i) === 'source/state/migrations.js').map((i) => i.file);
    assert.deepEqual(importers, ['source/state/stream-state.ts']);
  });

  it('src/source itself holds only the entry points', () => {
    const files = readdirSync(join(REPO_ROOT, 'src', 'source'), { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
    assert.deepEqual(files, ['check.ts', 'discover.ts', 'index.ts', 'read.ts', 'spec.ts']);
  });
});
