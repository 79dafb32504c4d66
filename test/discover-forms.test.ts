/**
 * `discover` through the CLI against the emulator's per-code forms: the static streams first, then
 * one form table per configured code whose columns follow the definition's widgets in form order
 * and type (every widget type the emulator serves, list widgets' rows included, awkward names made
 * safe); an unreadable definition leaves its table out with one WARN naming the code; a widget
 * added between two discovers adds a column; the definitions are read one request per code on the
 * definition budget, several in flight; discover fails only when Feishu cannot be used at all.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { type EmulatorOptions, type FeishuEmulator, type WidgetDefinition } from '../emulator/index.js';
import type { AirbyteCatalog, AirbyteMessage, AirbyteStream, JsonObject } from '../src/kit/protocol.js';
import { FeishuApprovalSource } from '../src/source/index.js';
import { formTableNames, logs, traces, writeFiles } from '../harness/index.js';

/** The messages of the LOG lines at `level`. */
function logLines(messages: AirbyteMessage[], level: 'INFO' | 'WARN'): string[] {
  return logs(messages)
    .filter((l) => l.level === level)
    .map((l) => l.message);
}
import { runCli, type RunResult } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

const STATIC = new FeishuApprovalSource().streams.map((s) => s.name);
/** The instance columns every form table has before its widgets' (9) and after them (4). */
const BEFORE = 9;
const AFTER = ['_raw', 'created_after', 'created_before', '_ab_cdc_deleted_at'];
/** The definition API's limit off in the emulator, the connector's budget raised: these tests are not about pacing. */
const QUICK: Partial<EmulatorOptions> = { approvalRateLimit: null, instancesPerCode: 2, seed: 26 };

interface Discovered {
  run: RunResult;
  catalog: AirbyteCatalog;
  warnings: string[];
}

async function discover(emu: FeishuEmulator, overrides: Record<string, unknown> = {}): Promise<Discovered> {
  const config = emulatorConfig(emu, { approval_requests_per_minute: 100_000, ...overrides });
  const files = writeFiles({ 'config.json': config });
  const run = await runCli(['discover', '--config', files['config.json']!]);
  assert.equal(run.code, 0, traces(run.messages, 'ERROR')[0]?.error?.message ?? run.stderr);
  const found = run.messages.find((m): m is Extract<AirbyteMessage, { type: 'CATALOG' }> => m.type === 'CATALOG');
  assert.ok(found, 'a CATALOG');
  return { run, catalog: found.catalog, warnings: logLines(run.messages, 'WARN') };
}

function properties(stream: AirbyteStream | undefined): Record<string, JsonObject> {
  assert.ok(stream, 'the stream is discovered');
  return (stream.json_schema as { properties: Record<string, JsonObject> }).properties;
}

/** A column's type as the issue words it. */
function typeOf(schema: JsonObject): string {
  if (schema['format'] === 'date') return 'day';
  const types = schema['type'] as string[];
  if (types.length > 2) return 'json';
  if (types[0] === 'number') return 'number';
  if (types[0] === 'string') return 'string';
  const items = schema['items'] as JsonObject;
  if (items['type'] === 'string') return 'strings';
  if (items['type'] === 'object') return 'rows';
  return 'array';
}

/** The type each widget type gets (issue 26): numbers, days, strings, arrays, JSON, rows. */
const EXPECTED: Record<string, string[]> = {
  input: ['string'],
  textarea: ['string'],
  radioV2: ['string'],
  number: ['number'],
  amount: ['number'],
  formula: ['number'],
  date: ['day'],
  dateInterval: ['day', 'day'],
  checkboxV2: ['strings'],
  contact: ['strings'],
  department: ['array'],
  attachmentV2: ['json'],
  telephone: ['json'],
  fieldList: ['rows'],
};

/** [title the column must start with, its type, its widget] per column the widgets give, in form order. */
function expectedColumns(widgets: readonly WidgetDefinition[]): Array<[string, string, WidgetDefinition]> {
  return widgets.flatMap((w) =>
    (EXPECTED[w.type] ?? ['json']).map((t): [string, string, WidgetDefinition] => [w.name || w.id, t, w]),
  );
}

/** Asserts the columns follow the widgets: count, order (by title), type, and a name safe in any warehouse. */
function assertColumnsFollow(columns: Record<string, JsonObject>, widgets: readonly WidgetDefinition[], where: string) {
  const expected = expectedColumns(widgets);
  const actual = Object.entries(columns);
  assert.equal(actual.length, expected.length, `${where}: one column per widget, two per date interval`);
  actual.forEach(([name, schema], i) => {
    const [title, type, widget] = expected[i]!;
    const at = `${where}.${name}`;
    assert.match(name, /^[a-z][a-z0-9_]{0,62}$/, `${at}: a safe name`);
    assert.ok((schema['title'] as string).startsWith(title), `${at}: titled ${String(schema['title'])}, not ${title}`);
    assert.equal(typeOf(schema), type, `${at}: ${JSON.stringify(schema)}`);
    if (type === 'rows') {
      const rows = (schema['items'] as { properties: Record<string, JsonObject> }).properties;
      assertColumnsFollow(rows, widget.children ?? [], at);
    }
  });
}

/** The widget columns of a form table: what is left between the instance columns. */
function widgetColumns(stream: AirbyteStream | undefined): Record<string, JsonObject> {
  const all = Object.entries(properties(stream));
  assert.deepEqual(
    all.slice(-AFTER.length).map(([name]) => name),
    AFTER,
  );
  return Object.fromEntries(all.slice(BEFORE, -AFTER.length));
}

function withEmulator(options: Partial<EmulatorOptions>, body: (emu: FeishuEmulator) => Promise<void>) {
  return withStartedEmulator({ ...QUICK, ...options }, body);
}

describe('discover: a form table per approval code, from its definition', () => {
  it('the static streams first, then one table per code in config order, its columns following the widgets: every widget type, list rows, awkward names', async () => {
    await withEmulator({ codeCount: 3 }, async (emu) => {
      const codes = [...emu.approvalCodes].reverse();
      const { catalog, warnings } = await discover(emu, { approval_codes: codes });
      assert.deepEqual(warnings, []);
      assert.deepEqual(
        catalog.streams.map((s) => s.name),
        [...STATIC, ...formTableNames(codes)],
      );
      const types = new Set<string>();
      for (const code of codes) {
        const stream = catalog.streams.find((s) => s.name === formTableNames([code])[0]);
        const widgets = emu.formOf(code);
        widgets.forEach((w) => types.add(w.type));
        assertColumnsFollow(widgetColumns(stream), widgets, stream!.name);
        assert.deepEqual(stream!.source_defined_primary_key, [['instance_code']]);
        assert.deepEqual(stream!.supported_sync_modes, ['full_refresh', 'incremental']);
        assert.deepEqual(stream!.default_cursor_field, ['created_before']);
        assert.equal(properties(stream)['approval_code']!['type'], 'string');
      }
      assert.deepEqual([...types].sort(), Object.keys(EXPECTED).sort(), 'every widget type the emulator serves');
    });
  });

  it('the same definitions give the same catalog at every discover', async () => {
    await withEmulator({ codeCount: 2 }, async (emu) => {
      const first = await discover(emu);
      const second = await discover(emu);
      assert.deepEqual(second.catalog, first.catalog);
    });
  });

  it('a deleted definition (1390016) and one the app may not read (1390009) leave their tables out, one WARN naming each code; the others are in', async () => {
    await withEmulator({ codeCount: 4 }, async (emu) => {
      const [kept, deleted, denied, last] = emu.approvalCodes as [string, string, string, string];
      emu.deleteDefinition(deleted);
      emu.configure({ deniedDefinitions: [denied] });
      const { catalog, warnings } = await discover(emu);
      assert.deepEqual(
        catalog.streams.map((s) => s.name),
        [...STATIC, ...formTableNames([kept, last])],
      );
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.match(warnings[0]!, new RegExp(`${formTableNames([deleted])[0]}: .*'${deleted}'.*1390016`));
      assert.match(warnings[1]!, new RegExp(`${formTableNames([denied])[0]}: .*'${denied}'.*1390009`));
      assert.equal(emu.stats().requests['approval'], 4, 'one definition request per code');
    });
  });

  it('the definition API denied to the app (1390009 for every code): each table left out with its WARN, the static streams discovered', async () => {
    await withEmulator({ codeCount: 2, deniedEndpoints: ['approval'] }, async (emu) => {
      const { catalog, warnings } = await discover(emu);
      assert.deepEqual(
        catalog.streams.map((s) => s.name),
        STATIC,
      );
      assert.deepEqual(
        warnings.map((w) => /'([^']+)'/.exec(w)?.[1]),
        emu.approvalCodes,
      );
      assert.ok(warnings.every((w) => /1390009.*Grant approval:approval:readonly/.test(w)));
    });
  });

  it('a widget added to a definition between two discovers adds its column; nothing else changes', async () => {
    await withEmulator({ codeCount: 2 }, async (emu) => {
      const code = emu.approvalCodes[1]!;
      const name = formTableNames([code])[0]!;
      const before = (await discover(emu)).catalog;
      emu.addWidget(code, { id: 'widget90', custom_id: 'project_code', name: '项目编号', type: 'input' });
      emu.addWidget(code, { id: 'widget91', name: 'Budget', type: 'amount' });
      const after = (await discover(emu)).catalog;
      const was = properties(before.streams.find((s) => s.name === name));
      const now = properties(after.streams.find((s) => s.name === name));
      const added = Object.keys(now).filter((k) => !(k in was));
      assert.deepEqual(added, ['project_code', 'widget91']);
      assert.deepEqual(
        [now['project_code']!['type'], now['widget91']!['type']],
        [
          ['string', 'null'],
          ['number', 'null'],
        ],
      );
      assert.equal(now['project_code']!['title'], '项目编号');
      for (const key of Object.keys(was)) assert.deepEqual(now[key], was[key], key);
      assert.deepEqual(
        Object.keys(now).slice(-AFTER.length - 2),
        ['project_code', 'widget91', ...AFTER],
        'after the widgets, before _raw',
      );
      assertColumnsFollow(widgetColumns(after.streams.find((s) => s.name === name)), emu.formOf(code), name);
      const others = (c: AirbyteCatalog) => c.streams.filter((s) => s.name !== name);
      assert.deepEqual(others(after), others(before));
    });
  });

  it('one request per code on the definition budget, several in flight, announced with the time it takes', async () => {
    // 600/min: 100 ms apart (a little more); 300 ms of latency each, so pacing alone keeps several in flight.
    await withEmulator(
      { codeCount: 12, instancesPerCode: 1, approvalRateLimit: { limit: 600, windowMs: 60_000 }, latencyMs: 300 },
      async (emu) => {
        const started = Date.now();
        const { run } = await discover(emu, { approval_requests_per_minute: 600 });
        const elapsed = Date.now() - started;
        const stats = emu.stats();
        assert.equal(stats.requests['approval'], 12);
        assert.equal(stats.rateLimited, 0, 'never over the budget');
        assert.ok(stats.maxInFlight >= 2, `definitions in flight at once: ${stats.maxInFlight}`);
        assert.ok(elapsed >= 11 * 100, `paced: ${elapsed} ms for 12 definitions at 600/min`);
        const info = logLines(run.messages, 'INFO');
        assert.ok(
          info.some((l) =>
            /reading the definitions of 12 approval code\(s\) .*approval_requests_per_minute \(600\/min\): about 2 s/.test(
              l,
            ),
          ),
          info.join('\n'),
        );
        assert.ok(info.some((l) => /Discover: 12 form table\(s\) from 12 approval code\(s\), in \d+ s/.test(l)));
      },
    );
  });
});

/** A port nobody listens on: bind one, note it, close it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('discover fails only when Feishu cannot be used at all', () => {
  const failing = async (emu: FeishuEmulator, overrides: Record<string, unknown>): Promise<string> => {
    const files = writeFiles({ 'config.json': emulatorConfig(emu, overrides) });
    const run = await runCli(['discover', '--config', files['config.json']!]);
    assert.equal(run.code, 1);
    assert.ok(!run.messages.some((m) => m.type === 'CATALOG'));
    const errors = traces(run.messages, 'ERROR');
    assert.equal(errors.length, 1);
    return errors[0]!.error!.message;
  };

  it('a wrong app_secret: a config error naming it', async () => {
    await withEmulator({ codeCount: 1 }, async (emu) => {
      assert.match(await failing(emu, { app_secret: 'wrong-secret-value' }), /config\.app_secret/);
    });
  });

  it('an unreachable base_url: an error naming its host and port', async () => {
    await withEmulator({ codeCount: 1 }, async (emu) => {
      const port = await freePort();
      assert.match(await failing(emu, { base_url: `http://127.0.0.1:${port}` }), new RegExp(`127\\.0\\.0\\.1:${port}`));
    });
  });

  it("the app's quota exhausted: one error, not a WARN per code", async () => {
    await withEmulator({ codeCount: 3 }, async (emu) => {
      emu.configure({ quotaExhausted: true });
      assert.match(await failing(emu, {}), /quota is exhausted/);
    });
  });
});
