import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncMode } from '../src/kit/protocol.js';
import { planRead, type PlanStep, type PreparedStream } from '../src/source/plan/read-plan.js';
import type { DetailSink } from '../src/source/streams/details/fetch/detail-sink.js';
import type { StreamPart } from '../src/source/streams/stream-part.js';

const handlers = { onCode: () => undefined, onCheckpoint: () => undefined };
/** A prepared stream: `records`, `listed` or `detail`, starting from the cursors `saved` (code → ms). */
function prepared(
  name: string,
  kind: StreamPart['kind'],
  saved: [string, number][] = [],
  mode: SyncMode = 'incremental',
  codes?: string[],
): PreparedStream {
  const cursors = new Map(saved);
  const part: StreamPart =
    kind === 'records'
      ? { kind, read: () => Promise.resolve() }
      : kind === 'listed'
        ? { kind, saved: cursors, handlers, finish: () => Promise.resolve() }
        : { kind, saved: cursors, mode, codes, sink: { stream: name } as DetailSink };
  return { name, mode, part };
}

/** A step as text: `scan[streams | readers]` or `records:name`; a fan-out reader lists its streams joined by '+'. */
function show(step: PlanStep): string {
  if (step.kind === 'records') return `records:${step.name}`;
  const readers = step.readers.map((r) => (r.kind === 'listed' ? r.name : r.names.join('+')));
  const codes = step.codes ? ` of ${step.codes.join(',')}` : '';
  return `scan${codes}[${step.names.join(',')} | ${readers.join(',')}]`;
}

describe('planRead: the read plan of the selected streams', () => {
  const cases: { name: string; streams: PreparedStream[]; steps: string[] }[] = [
    {
      name: 'every stream from scratch: one scan, one detail fan-out for all detail streams, definitions on their own after it',
      streams: [
        prepared('defs', 'records'),
        prepared('tasks', 'detail'),
        prepared('instances', 'listed'),
        prepared('details', 'detail'),
      ],
      steps: ['scan[tasks,instances,details | tasks+details,instances]', 'records:defs'],
    },
    {
      name: 'different saved cursors: a scan (and a fan-out) each',
      streams: [
        prepared('details', 'detail', [['A', 1]]),
        prepared('tasks', 'detail', [['A', 2]]),
        prepared('instances', 'listed', [['A', 1]]),
      ],
      steps: ['scan[details,instances | details,instances]', 'scan[tasks | tasks]'],
    },
    {
      name: 'only a listed stream: no fan-out',
      streams: [prepared('instances', 'listed')],
      steps: ['scan[instances | instances]'],
    },
    { name: 'only a records stream: no scan', streams: [prepared('defs', 'records')], steps: ['records:defs'] },
    {
      name: 'form tables join the fan-out of the stream of every code, which leads it (its state resumes the recheck)',
      streams: [
        prepared('form_a', 'detail', [['A', 1]], 'incremental', ['A']),
        prepared('details', 'detail', [
          ['A', 1],
          ['B', 2],
        ]),
        prepared('form_b', 'detail', [['B', 2]], 'incremental', ['B']),
      ],
      steps: ['scan[form_a,details,form_b | details+form_a+form_b]'],
    },
    {
      name: 'form tables with approval_instances and no other detail stream: a fan-out per code in the one scan',
      streams: [
        prepared('instances', 'listed'),
        prepared('form_a', 'detail', [], 'incremental', ['A']),
        prepared('form_b', 'detail', [], 'incremental', ['B']),
      ],
      steps: ['scan[instances,form_a,form_b | instances,form_a,form_b]'],
    },
    {
      name: 'a form table added later: a scan of its code alone',
      streams: [prepared('details', 'detail', [['A', 1]]), prepared('form_a', 'detail', [], 'incremental', ['A'])],
      steps: ['scan[details | details]', 'scan of A[form_a | form_a]'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(planRead(c.streams).steps.map(show), c.steps);
    });
  }

  it('describes where every scanned stream starts, in the catalog order, and no records stream', () => {
    const plan = planRead([
      prepared('defs', 'records'),
      prepared('instances', 'listed', [['A', 1]], 'incremental'),
      prepared('details', 'detail', [], 'full_refresh'),
    ]);
    assert.deepEqual(
      plan.shapes.map((s) => [s.name, s.mode, [...s.saved]]),
      [
        ['instances', 'incremental', [['A', 1]]],
        ['details', 'full_refresh', []],
      ],
    );
  });
});
