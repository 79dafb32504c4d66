/**
 * The emulator's hostile mode (issue 17) over real HTTP, part 2: poisoned and failing details,
 * echoed requests, and the switches set at run time and by CLI flags.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  FORM_DEPTH,
  HOSTILE_SPECS,
  HUGE_TIME,
  KEPT_FIELDS,
  NOT_JSON_FORM,
  TEXT_TIME,
  UNKNOWN_STATUS,
  WRONG_AMOUNT,
  WRONG_DATE,
  isTargeted,
  type EmulatorOptions,
} from '../emulator/index.js';
import {
  INSTANCES,
  WRONG_SECRET,
  allCodes,
  dataOf,
  depthOf,
  detailPath,
  get,
  listPath,
  setSwitches,
  switches,
  token,
  tokenWithWrongSecret,
  withEmulator,
  type Body,
} from './emulator-hostile-http.js';

describe('hostile details', () => {
  test('hostileDetailNoData: code 0 without data', async () => {
    await withEmulator({ hostileDetailNoData: true }, async (emu) => {
      const reply = await get(emu, detailPath(allCodes(emu)[0] as string), await token(emu));
      assert.equal(reply.body['code'], 0);
      assert.ok(!('data' in reply.body));
    });
  });

  test('hostileDetailFail: the chosen instance fails every time, the others do not', async () => {
    await withEmulator({}, async (emu) => {
      const [victim, healthy] = allCodes(emu) as [string, string];
      emu.configure({ hostileDetailFail: [victim] });
      const tok = await token(emu);
      for (let i = 0; i < 3; i++) assert.equal((await get(emu, detailPath(victim), tok)).body['code'], 1395001);
      assert.equal((await get(emu, detailPath(healthy), tok)).body['code'], 0);
    });
  });

  const poisons: Array<[keyof EmulatorOptions, (d: Body) => void]> = [
    ['hostilePoisonTimeHuge', (d) => assert.equal(d['start_time'], HUGE_TIME)],
    ['hostilePoisonTimeText', (d) => assert.equal(d['start_time'], TEXT_TIME)],
    ['hostilePoisonDeepForm', (d) => assert.equal(depthOf(JSON.parse(d['form'] as string)), FORM_DEPTH)],
    [
      'hostilePoisonFormNotJson',
      (d) => {
        assert.equal(d['form'], NOT_JSON_FORM);
        assert.throws(() => JSON.parse(d['form'] as string));
      },
    ],
    ['hostilePoisonUnknownStatus', (d) => assert.equal(d['status'], UNKNOWN_STATUS)],
    ['hostilePoisonMissingFields', (d) => assert.deepEqual(Object.keys(d).sort(), [...KEPT_FIELDS].sort())],
    [
      'hostilePoisonWidgetValue',
      (d) => {
        const form = JSON.parse(d['form'] as string) as Body[];
        assert.deepEqual(
          form.filter((w) => w['type'] === 'amount' || w['type'] === 'date').map((w) => w['value']),
          [WRONG_AMOUNT, WRONG_DATE],
        );
      },
    ],
  ];
  for (const [key, check] of poisons) {
    test(`${key}: only the chosen instance is poisoned`, async () => {
      await withEmulator({}, async (emu) => {
        const [victim, healthy] = allCodes(emu) as [string, string];
        emu.configure({ [key]: [victim] });
        const tok = await token(emu);
        const poisoned = dataOf(await get(emu, detailPath(victim), tok));
        check(poisoned);
        assert.equal(poisoned['instance_code'], victim);
        const fine = dataOf(await get(emu, detailPath(healthy), tok));
        assert.throws(() => check(fine));
      });
    });
  }

  test('a share poisons the instances isTargeted names, stably', async () => {
    await withEmulator({ hostilePoisonUnknownStatus: 0.5 }, async (emu) => {
      const tok = await token(emu);
      let hit = 0;
      for (const code of allCodes(emu)) {
        const expected = isTargeted('hostilePoisonUnknownStatus', 0.5, code);
        const status = dataOf(await get(emu, detailPath(code), tok))['status'];
        assert.equal(status === UNKNOWN_STATUS, expected, code);
        if (expected) hit++;
      }
      assert.ok(hit > 5 && hit < INSTANCES - 5, `hit ${hit}`);
    });
  });
});

describe('hostile errors', () => {
  test('hostileEchoRequest: the token error repeats app_id and app_secret', async () => {
    await withEmulator({ hostileEchoRequest: true }, async (emu) => {
      const bad = await tokenWithWrongSecret(emu);
      assert.equal(bad.body['code'], 10014);
      assert.ok((bad.body['msg'] as string).includes(WRONG_SECRET));
      assert.ok((bad.body['msg'] as string).includes(emu.options.appId));
    });
  });

  test('hostileEchoRequest: an API error repeats the bearer token and query', async () => {
    await withEmulator({ hostileEchoRequest: true, hostileDetailFail: 1 }, async (emu) => {
      const tok = await token(emu);
      const code = allCodes(emu)[0] as string;
      const reply = await get(emu, detailPath(code), tok);
      assert.equal(reply.body['code'], 1395001);
      assert.ok((reply.body['msg'] as string).includes(tok));
      assert.ok((reply.body['msg'] as string).includes(code));
    });
  });
});

describe('hostile switches at run time and from the CLI', () => {
  test('POST /_emulator/config turns a switch on and off, and refuses bad values', async () => {
    await withEmulator({}, async (emu) => {
      const tok = await token(emu);
      const on = await setSwitches(emu.baseUrl, { hostileListNoData: true });
      assert.equal(on.body['hostileListNoData'], true);
      assert.ok(!('data' in (await get(emu, listPath(emu, 10), tok)).body));
      await setSwitches(emu.baseUrl, { hostileListNoData: false });
      assert.ok('data' in (await get(emu, listPath(emu, 10), tok)).body);
      for (const bad of [{ hostileListEndless: 'yes' }, { hostileListTokenCycle: -1 }, { hostilePoisonTimeHuge: 2 }]) {
        assert.equal((await setSwitches(emu.baseUrl, bad)).status, 400, JSON.stringify(bad));
      }
    });
  });

  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator', 'cli.js');

  test('--help documents every hostile flag', async () => {
    const child = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let help = '';
    child.stderr.on('data', (chunk: Buffer) => (help += chunk.toString()));
    const [exitCode] = (await once(child, 'exit')) as [number];
    assert.equal(exitCode, 0);
    for (const spec of HOSTILE_SPECS) assert.ok(help.includes(`--${spec.flag}`), spec.flag);
  });

  test('CLI flags set the switches; a bad value exits 2', async () => {
    const flags = ['--hostile-list-endless', '--hostile-list-token-cycle', '2', '--hostile-poison-time-text', '0.25'];
    const child = spawn(process.execPath, [cli, '--instances', '5', ...flags, '--hostile-detail-fail', 'A,B'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const info = JSON.parse(line) as Body;
      const config = await switches(info['base_url'] as string);
      assert.equal(config['hostileListEndless'], true);
      assert.equal(config['hostileListTokenCycle'], 2);
      assert.equal(config['hostilePoisonTimeText'], 0.25);
      assert.deepEqual(config['hostileDetailFail'], ['A', 'B']);
      assert.equal(config['hostileListNoData'], false);
    } finally {
      child.kill('SIGTERM');
    }
    const bad = spawn(process.execPath, [cli, '--hostile-list-token-cycle', 'x'], { stdio: 'ignore' });
    const [exitCode] = (await once(bad, 'exit')) as [number];
    assert.equal(exitCode, 2);
  });
});
