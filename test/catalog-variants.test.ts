import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { checkCatalog } from '../src/kit/catalog.js';
import { ConfigError } from '../src/kit/errors.js';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, SyncMode } from '../src/kit/protocol.js';
import { FeishuApprovalSource } from '../src/source/index.js';
import { runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { catalog, records, states, traces, writeFiles } from '../harness/index.js';

const STREAMS = ['approval_instances', 'approval_instance_details'];
type Entry = Record<string, unknown> & { stream: Record<string, unknown> };

/** The fixture catalog of both streams, each entry reshaped by `edit` the way a platform version might send it. */
function variant(mode: SyncMode, edit: (entry: Entry) => Entry, top: Record<string, unknown> = {}): unknown {
  const base = catalog(mode, STREAMS) as unknown as { streams: Entry[] };
  return { ...top, streams: base.streams.map((entry) => edit(structuredClone(entry))) };
}

/** What a read delivered, free of emission times: each stream's records (sorted) and its last STATE. */
function delivered(result: RunResult) {
  return Object.fromEntries(
    STREAMS.map((name) => {
      const data = records(result.messages, name)
        .map((r) => JSON.stringify(r.data))
        .sort();
      const last = states(result.messages)
        .filter((s) => s.stream?.stream_descriptor.name === name)
        .at(-1);
      return [name, { data, state: last?.stream?.stream_state }];
    }),
  );
}

function errorTrace(messages: AirbyteMessage[]) {
  const errors = traces(messages, 'ERROR');
  assert.equal(errors.length, 1, 'one TRACE ERROR');
  return errors[0]!.error!;
}

/**
 * Instances per code: what the variants are about is the catalog's shape, not the volume (every
 * variant is compared with the plain catalog's read, record by record and STATE by STATE), so a
 * small set keeps the fifteen reads cheap (120 a code took twice the CPU for the same checks).
 */
const PER_CODE = 40;

describe('configured catalogs as the platform sends them', () => {
  let emulator: FeishuEmulator;
  let config: Record<string, unknown>;
  const baseline = new Map<SyncMode, ReturnType<typeof delivered>>();

  async function read(catalogJson: unknown): Promise<RunResult> {
    const files = writeFiles({ 'config.json': config, 'catalog.json': catalogJson });
    return runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
  }

  before(async () => {
    emulator = await startEmulator({
      seed: 31,
      codeCount: 2,
      instancesPerCode: PER_CODE,
      pendingRatio: 0,
      listRateLimit: null,
      detailRateLimit: null,
    });
    // A fixed end: the incremental cursors, and so the STATEs, are the same in every read.
    config = emulatorConfig(emulator, {
      end_date: new Date(emulator.options.spanEndMs + 1000).toISOString(),
      detail_requests_per_second: 10_000,
      detail_max_concurrency: 16,
    });
    for (const mode of ['full_refresh', 'incremental'] as const) {
      const result = await read(catalog(mode, STREAMS));
      assert.equal(result.code, 0);
      baseline.set(mode, delivered(result));
    }
    const fullRefresh = baseline.get('full_refresh')!;
    assert.equal(fullRefresh['approval_instances']!.data.length, 2 * PER_CODE, 'the baseline reads every instance');
    assert.equal(fullRefresh['approval_instance_details']!.data.length, 2 * PER_CODE);
    assert.ok(baseline.get('incremental')!['approval_instances']!.state, 'the incremental baseline has a STATE');
  });
  after(() => emulator.stop());

  const variants: { name: string; mode: SyncMode; catalog: () => unknown }[] = [
    {
      name: 'cursor_field: null on a full-refresh stream',
      mode: 'full_refresh',
      catalog: () => variant('full_refresh', (e) => ({ ...e, cursor_field: null })),
    },
    {
      name: 'cursor_field: [] on a full-refresh stream',
      mode: 'full_refresh',
      catalog: () => variant('full_refresh', (e) => ({ ...e, cursor_field: [] })),
    },
    {
      name: 'cursor_field left out',
      mode: 'full_refresh',
      catalog: () => variant('full_refresh', ({ cursor_field: _omitted, ...e }) => e),
    },
    {
      name: 'namespace: null (incremental)',
      mode: 'incremental',
      catalog: () => variant('incremental', (e) => ({ ...e, stream: { ...e.stream, namespace: null } })),
    },
    {
      name: 'generation_id, minimum_generation_id and sync_id',
      mode: 'full_refresh',
      catalog: () =>
        variant('full_refresh', (e) => ({ ...e, generation_id: 7, minimum_generation_id: 7, sync_id: 1234 })),
    },
    {
      name: 'generation ids sent as null',
      mode: 'incremental',
      catalog: () =>
        variant('incremental', (e) => ({ ...e, generation_id: null, minimum_generation_id: null, sync_id: null })),
    },
    {
      name: 'destination_sync_mode append_dedup',
      mode: 'incremental',
      catalog: () => variant('incremental', (e) => ({ ...e, destination_sync_mode: 'append_dedup' })),
    },
    {
      name: 'destination_sync_mode overwrite_dedup',
      mode: 'full_refresh',
      catalog: () => variant('full_refresh', (e) => ({ ...e, destination_sync_mode: 'overwrite_dedup' })),
    },
    {
      name: 'unknown extra keys at every level',
      mode: 'incremental',
      catalog: () =>
        variant(
          'incremental',
          (e) => ({
            ...e,
            include_files: false,
            destination_object_name: 'feishu_approvals',
            future_key: { a: 1 },
            stream: { ...e.stream, is_file_based: false, future_key: [1] },
          }),
          { future_catalog_key: 'x' },
        ),
    },
    {
      name: 'all of it at once, as a 1.x platform serialises a full refresh',
      mode: 'full_refresh',
      catalog: () =>
        variant('full_refresh', (e) => ({
          ...e,
          stream: { ...e.stream, namespace: null, is_resumable: true, is_file_based: null },
          cursor_field: null,
          destination_sync_mode: 'overwrite_dedup',
          generation_id: 2,
          minimum_generation_id: 2,
          sync_id: 99,
          include_files: null,
        })),
    },
  ];

  for (const v of variants) {
    it(`${v.name}: read exactly as with the plain catalog`, async () => {
      const result = await read(v.catalog());
      assert.equal(
        result.code,
        0,
        traces(result.messages, 'ERROR')
          .map((t) => t.error?.message)
          .join('\n'),
      );
      assert.deepEqual(delivered(result), baseline.get(v.mode));
      const statuses = traces(result.messages, 'STREAM_STATUS').filter((t) => t.stream_status!.status === 'COMPLETE');
      assert.equal(statuses.length, STREAMS.length, 'every stream COMPLETE');
    });
  }

  const strict: { name: string; catalog: () => unknown; mention: RegExp }[] = [
    {
      name: 'an unknown stream name',
      catalog: () =>
        variant('full_refresh', (e) =>
          e.stream['name'] === STREAMS[1] ? { ...e, stream: { ...e.stream, name: 'approval_todos' } } : e,
        ),
      mention:
        /unknown stream 'approval_todos'.*approval_instances, approval_instance_details, approval_definitions, approval_form_fields, approval_tasks, approval_timeline/,
    },
    {
      name: 'a sync mode the stream does not support',
      catalog: () => variant('full_refresh', (e) => (e.stream['name'] === STREAMS[1] ? { ...e, sync_mode: 'cdc' } : e)),
      mention: /sync_mode 'cdc' on stream 'approval_instance_details', which supports: full_refresh, incremental/,
    },
    {
      name: 'a stream listed twice',
      catalog: () => ({
        streams: [...catalog('full_refresh', STREAMS).streams, ...catalog('incremental', [STREAMS[0]!]).streams],
      }),
      mention: /stream 'approval_instances' more than once/,
    },
  ];

  for (const c of strict) {
    it(`${c.name} is a config error naming it, before any API request`, async () => {
      emulator.resetStats();
      const result = await read(c.catalog());
      assert.equal(result.code, 1);
      const error = errorTrace(result.messages);
      assert.equal(error.failure_type, 'config_error');
      assert.match(error.message, c.mention);
      assert.equal(records(result.messages).length, 0);
      assert.deepEqual(emulator.stats().requests, {}, 'no request reached the API');
    });
  }
});

describe('checkCatalog', () => {
  const available = new FeishuApprovalSource().streams.map((s) => s.asAirbyteStream());
  const entry = (name: string, syncMode: string) => ({
    stream: { name, json_schema: {}, supported_sync_modes: [] },
    sync_mode: syncMode,
  });
  const cases: { name: string; streams: ReturnType<typeof entry>[]; error?: RegExp }[] = [
    {
      name: 'both streams, both modes',
      streams: [entry('approval_instances', 'incremental'), entry('approval_instance_details', 'full_refresh')],
    },
    { name: 'no stream at all', streams: [] },
    {
      name: 'unknown stream',
      streams: [entry('approval_instances', 'incremental'), entry('nope', 'incremental')],
      error: /unknown stream 'nope'/,
    },
    {
      name: 'unsupported mode',
      streams: [entry('approval_instances', 'full_refresh_overwrite')],
      error: /sync_mode 'full_refresh_overwrite' on stream 'approval_instances'/,
    },
    {
      name: 'duplicate',
      streams: [entry('approval_instances', 'incremental'), entry('approval_instances', 'incremental')],
      error: /more than once/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const run = () => checkCatalog({ streams: c.streams } as unknown as ConfiguredAirbyteCatalog, available);
      if (c.error) assert.throws(run, (e: unknown) => e instanceof ConfigError && c.error!.test(e.message));
      else assert.doesNotThrow(run);
    });
  }
});
