import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../harness/index.js';

const SRC = join(REPO_ROOT, 'src');

/** Every .ts file under src/ mapped to the src/ files it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
      relative(SRC, join(SRC, dirname(file), `${m[1]!}.ts`)),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle per strongly connected tangle found by a depth-first walk, as the file path that closes it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'visiting');
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'visiting') cycles.push([...path.slice(path.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('imports in src/ form no cycle', () => {
  it('the walk sees the files and their relative imports', () => {
    const graph = importGraph();
    assert.ok(
      graph.get('source/plan/read-plan.ts')?.includes('source/scan/instance-scan.ts'),
      'the read plan imports the scan',
    );
    for (const [file, targets] of graph)
      for (const target of targets) assert.ok(graph.has(target), `${file} imports ${target}, which exists`);
  });

  it('the cycle finder reports a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('no file in src/ reaches itself through its imports, type-only ones included', () => {
    assert.deepEqual(findCycles(importGraph()), []);
  });
});
