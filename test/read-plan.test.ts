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
): PreparedStream {
  const cursors = new Map(saved);
  const part: StreamPart =
    kind === 'records'
      ? { kind, read: () => Promise.resolve() }
      : kind === 'listed'
        ? { kind, saved: cursors, handlers, finish: () => Promise.resolve() }
        : { kind, saved: cursors, mode, sink: { stream: name } as DetailSink };
  return { name, mode, part };
}

/** A step as text: `scan[streams | readers]` or `records:name`; a fan-out reader lists its streams joined by '+'. */
function show(step: PlanStep): string {
  if (step.kind === 'records') return `records:${step.name}`;
  const readers = step.readers.map((r) => (r.kind === 'listed' ? r.name : r.names.join('+')));
  return `scan[${step.names.join(',')} | ${readers.join(',')}]`;
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
