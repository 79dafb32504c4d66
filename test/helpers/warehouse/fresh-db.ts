/**
 * An empty PGlite database. PGlite.create runs initdb, about 2 s of CPU; its result is the same on
 * every run of the same PGlite, so the first run dumps the freshly initialised data directory and
 * later runs (each test file is a process of its own) load that dump instead, which skips initdb.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { REPO_ROOT } from '../../../harness/index.js';

const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'source-feishu-approval');

export async function freshDatabase(): Promise<PGlite> {
  // The package's exports do not include its package.json: read it as a file.
  const manifest = readFileSync(join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8');
  const version = (JSON.parse(manifest) as { version: string }).version;
  const file = join(CACHE_DIR, `pglite-${version}-initdb.tar`);
  let dump: Buffer | undefined;
  try {
    dump = readFileSync(file);
  } catch {
    // Not cached yet: initdb below.
  }
  if (dump) return PGlite.create({ loadDataDir: new Blob([dump]) });
  const db = await PGlite.create();
  try {
    // Dumped before anything is written: the dump is initdb's result and nothing else.
    const blob = await db.dumpDataDir('none');
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole then renamed: a file running beside this one never loads half of it.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
  } catch {
    // A read-only tree only loses the cache.
  }
  return db;
}
