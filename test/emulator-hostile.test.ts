/**
 * The emulator's hostile mode (issue 17), over real HTTP: each switch produces its misbehaviour,
 * and every one is off by default. Each test owns and stops its own emulator.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CYCLE_TOKEN_PREFIX,
  FORM_DEPTH,
  HOSTILE_SPECS,
  HUGE_TIME,
  KEPT_FIELDS,
  NON_STRING_CODE,
  NOT_JSON_FORM,
  TEXT_TIME,
  UNKNOWN_STATUS,
  isTargeted,
  startEmulator,
  type EmulatorOptions,
  type FeishuEmulator,
} from '../emulator/index.js';

const HOUR = 3_600_000;
const SPAN_START = Date.UTC(2024, 0, 1, 0, 0, 0);
const SPAN_END = SPAN_START + 8 * HOUR;
const INSTANCES = 40;
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const KNOWN_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'];

type Body = Record<string, unknown>;
interface Reply {
  status: number;
  headers: Headers;
  body: Body;
}

async function withEmulator(options: Partial<EmulatorOptions>, fn: (emu: FeishuEmulator) => Promise<void>): Promise<void> {
  const emu = await startEmulator({
    seed: 17,
    codeCount: 1,
    instancesPerCode: INSTANCES,
    spanStartMs: SPAN_START,
    spanEndMs: SPAN_END,
    listRateLimit: null,
    detailRateLimit: null,
    ...options,
  });
  try {
    await fn(emu);
  } finally {
    await emu.stop();
  }
}

async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as Body };
}

function postJson(url: string, payload: unknown): Promise<Reply> {
  return call(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
}

async function token(emu: FeishuEmulator): Promise<string> {
  const reply = await postJson(emu.baseUrl + TOKEN_PATH, { app_id: emu.options.appId, app_secret: emu.options.appSecret });
  assert.equal(reply.body['code'], 0);
  return reply.body['tenant_access_token'] as string;
}

function listPath(emu: FeishuEmulator, pageSize: number, pageToken?: string): string {
  const q = new URLSearchParams({
    approval_code: emu.approvalCodes[0] as string,
    start_time: String(SPAN_START),
    end_time: String(SPAN_END),
    page_size: String(pageSize),
  });
  if (pageToken !== undefined) q.set('page_token', pageToken);
  return `/open-apis/approval/v4/instances?${q.toString()}`;
}

const detailPath = (instanceCode: string): string => `/open-apis/approval/v4/instances/${encodeURIComponent(instanceCode)}`;

function get(emu: FeishuEmulator, path: string, tok: string): Promise<Reply> {
  return call(emu.baseUrl + path, { headers: { Authorization: `Bearer ${tok}` } });
}

const dataOf = (reply: Reply): Body => reply.body['data'] as Body;
const allCodes = (emu: FeishuEmulator): string[] => emu.truth().map((t) => t.instanceCode);

/** Follows `has_more`/`page_token` for at most `maxPages` pages; returns every page's data. */
async function pages(emu: FeishuEmulator, tok: string, pageSize: number, maxPages: number): Promise<Body[]> {
  const out: Body[] = [];
  let pageToken: string | undefined;
  while (out.length < maxPages) {
    const reply = await get(emu, listPath(emu, pageSize, pageToken), tok);
    assert.equal(reply.body['code'], 0, JSON.stringify(reply.body));
    const data = dataOf(reply);
    out.push(data);
    if (data['has_more'] !== true && data['has_more'] !== 'true') break;
    pageToken = data['page_token'] as string;
  }
  return out;
}

/** Depth of nested arrays/objects, walked without recursion (the point is that it is deep). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Reads the first `n` body chunks of a GET with a raw socket, then hangs up. */
function firstChunks(url: string, tok: string, n: number): Promise<{ sizes: number[]; times: number[]; contentLength: number }> {
  return new Promise((resolve, reject) => {
    const sizes: number[] = [];
    const times: number[] = [];
    const req = httpGet(url, { headers: { Authorization: `Bearer ${tok}` } }, (res) => {
      const contentLength = Number(res.headers['content-length']);
      res.on('data', (chunk: Buffer) => {
        sizes.push(chunk.length);
        times.push(performance.now());
        if (sizes.length === n) {
          req.destroy();
          resolve({ sizes, times, contentLength });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (sizes.length < n) reject(error);
    });
  });
}

describe('hostile mode is off by default', () => {
  test('every switch defaults to off', async () => {
    await withEmulator({}, async (emu) => {
      const options = emu.options as unknown as Record<string, unknown>;
      const off = { switch: false, count: 0, target: 0, codes: [] };
      for (const spec of HOSTILE_SPECS) assert.deepEqual(options[spec.key], off[spec.kind], spec.key);
      const config = await call(`${emu.baseUrl}/_emulator/config`);
      for (const spec of HOSTILE_SPECS) assert.ok(spec.key in config.body, spec.key);
    });
  });

  test('healthy list, detail, rate limit and errors', async () => {
    await withEmulator({ listRateLimit: { limit: 1, windowMs: 60_000 } }, async (emu) => {
      const tok = await token(emu);
      const first = await get(emu, listPath(emu, 10), tok);
      const data = dataOf(first);
      assert.equal(data['has_more'], true);
      assert.equal(typeof data['page_token'], 'string');
      assert.ok(!(data['page_token'] as string).startsWith('hostile-'));
      assert.ok((data['instance_code_list'] as unknown[]).every((c) => typeof c === 'string'));
      const limited = await get(emu, listPath(emu, 10), tok);
      assert.equal(limited.body['code'], 99991400);
      assert.ok(Number(limited.headers.get('x-ogw-ratelimit-reset')) <= 60);

      for (const code of allCodes(emu)) {
        const detail = dataOf(await get(emu, detailPath(code), tok));
        assert.equal(detail['instance_code'], code);
        assert.match(detail['start_time'] as string, /^\d{13}$/);
        assert.ok(KNOWN_STATUSES.includes(detail['status'] as string));
        assert.ok(depthOf(JSON.parse(detail['form'] as string)) < 5);
      }
      const bad = await postJson(emu.baseUrl + TOKEN_PATH, { app_id: emu.options.appId, app_secret: 'wrong-secret-xyz' });
      assert.equal(bad.body['code'], 10014);
      assert.ok(!(bad.body['msg'] as string).includes('wrong-secret-xyz'));
      const unauth = await get(emu, detailPath('nope'), 'bogus-token-abc');
      assert.ok(!(unauth.body['msg'] as string).includes('bogus-token-abc'));
    });
  });

  test('a full read ends and delivers every instance once', async () => {
    await withEmulator({}, async (emu) => {
      const got = (await pages(emu, await token(emu), 7, 100)).flatMap((d) => d['instance_code_list'] as string[]);
      assert.deepEqual([...got].sort(), allCodes(emu).sort());
    });
  });
});

describe('hostile list bodies', () => {
  test('hostileListNoData: code 0 without data', async () => {
    await withEmulator({ hostileListNoData: true }, async (emu) => {
      const reply = await get(emu, listPath(emu, 10), await token(emu));
      assert.equal(reply.body['code'], 0);
      assert.ok(!('data' in reply.body));
    });
  });

  test('hostileListNullCodes: instance_code_list is null', async () => {
    await withEmulator({ hostileListNullCodes: true }, async (emu) => {
      const data = dataOf(await get(emu, listPath(emu, 100), await token(emu)));
      assert.equal(data['instance_code_list'], null);
      assert.equal(data['has_more'], false);
    });
  });

  test('hostileListHasMoreString: has_more is "true" then "false", pages still chain', async () => {
    await withEmulator({ hostileListHasMoreString: true }, async (emu) => {
      const got = await pages(emu, await token(emu), 10, 100);
      assert.deepEqual(got.map((d) => d['has_more']), ['true', 'true', 'true', 'false']);
      assert.equal(got.flatMap((d) => d['instance_code_list'] as string[]).length, INSTANCES);
    });
  });

  test('hostileListNonStringCode: one number among the codes, no code lost', async () => {
    await withEmulator({ hostileListNonStringCode: true }, async (emu) => {
      const list = dataOf(await get(emu, listPath(emu, 100), await token(emu)))['instance_code_list'] as unknown[];
      assert.deepEqual(list.filter((c) => typeof c !== 'string'), [NON_STRING_CODE]);
      assert.deepEqual(list.filter((c) => typeof c === 'string').sort(), allCodes(emu).sort());
    });
  });

  test('hostileListNoPageToken: has_more true without page_token', async () => {
    await withEmulator({ hostileListNoPageToken: true }, async (emu) => {
      const data = dataOf(await get(emu, listPath(emu, 10), await token(emu)));
      assert.equal(data['has_more'], true);
      assert.ok(!('page_token' in data));
    });
  });

  test('hostileListScope: the list switches hit only the codes named', async () => {
    await withEmulator({ codeCount: 2, hostileListNoData: true, hostileListTrickleMs: 1 }, async (emu) => {
      const [hit, spared] = emu.approvalCodes as [string, string];
      emu.configure({ hostileListScope: [hit] });
      const tok = await token(emu);
      const path = (code: string): string => listPath(emu, 10).replace(encodeURIComponent(hit), encodeURIComponent(code));
      assert.ok(!('data' in (await get(emu, path(hit), tok)).body));
      assert.equal((dataOf(await get(emu, path(spared), tok))['instance_code_list'] as string[]).length, 10);
      const spareChunks = await firstChunks(emu.baseUrl + path(spared), tok, 1);
      assert.ok((spareChunks.sizes[0] as number) > 1, 'not trickled outside the scope');
    });
  });
});

describe('hostile pagination', () => {
  test('hostileListEndless: a new page token on every page, forever', async () => {
    await withEmulator({ hostileListEndless: true }, async (emu) => {
      const got = await pages(emu, await token(emu), 10, 60);
      assert.equal(got.length, 60);
      assert.ok(got.every((d) => d['has_more'] === true));
      const tokens = got.map((d) => d['page_token']);
      assert.equal(new Set(tokens).size, tokens.length);
      const codes = got.flatMap((d) => d['instance_code_list'] as string[]);
      assert.deepEqual([...codes].sort(), allCodes(emu).sort());
      assert.deepEqual(got.slice(4).map((d) => (d['instance_code_list'] as string[]).length), new Array(56).fill(0));
    });
  });

  test('hostileListTokenCycle 2: tokens A, B, A, B…, each page replaying the first', async () => {
    await withEmulator({ hostileListTokenCycle: 2 }, async (emu) => {
      const got = await pages(emu, await token(emu), 10, 6);
      assert.deepEqual(
        got.map((d) => d['page_token']),
        [0, 1, 0, 1, 0, 1].map((i) => `${CYCLE_TOKEN_PREFIX}${i}`),
      );
      const firstPage = got[0]?.['instance_code_list'];
      assert.equal((firstPage as string[]).length, 10);
      for (const d of got) assert.deepEqual(d['instance_code_list'], firstPage);
    });
  });

  test('hostileListTokenCycle 1: the same token again and again', async () => {
    await withEmulator({ hostileListTokenCycle: 1 }, async (emu) => {
      const got = await pages(emu, await token(emu), 100, 4);
      assert.equal(got.length, 4);
      assert.equal(new Set(got.map((d) => d['page_token'])).size, 1);
    });
  });
});

describe('hostile timing', () => {
  for (const [key, route] of [
    ['hostileListTrickleMs', 'list'],
    ['hostileDetailTrickleMs', 'detail'],
  ] as const) {
    test(`${key}: the body trickles one byte at a time`, async () => {
      const intervalMs = 60;
      await withEmulator({ [key]: intervalMs }, async (emu) => {
        const tok = await token(emu);
        const path = route === 'list' ? listPath(emu, 10) : detailPath(allCodes(emu)[0] as string);
        const { sizes, times, contentLength } = await firstChunks(emu.baseUrl + path, tok, 6);
        assert.deepEqual(sizes, [1, 1, 1, 1, 1, 1]);
        assert.ok(contentLength > 100, `content-length ${contentLength}`);
        // A lower bound only: the bytes cannot come faster than the switch allows.
        assert.ok((times[5] as number) - (times[0] as number) >= 5 * intervalMs - 15);
      });
    });
  }

  test('a trickled body is complete JSON in the end', async () => {
    await withEmulator({ hostileListTrickleMs: 2, hostileListNoData: true }, async (emu) => {
      const reply = await get(emu, listPath(emu, 10), await token(emu));
      assert.deepEqual(reply.body, { code: 0, msg: 'success' });
    });
  });

  test('stop() ends a trickle in flight', { timeout: 10_000 }, async () => {
    const emu = await startEmulator({ codeCount: 1, instancesPerCode: 5, hostileDetailTrickleMs: 1000 });
    const tok = await token(emu);
    const req = httpGet(emu.baseUrl + detailPath(allCodes(emu)[0] as string), { headers: { Authorization: `Bearer ${tok}` } });
    req.on('error', () => undefined);
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.on('error', () => undefined);
    let received = 0;
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    const closed = new Promise((resolve) => res.on('close', resolve));
    await emu.stop();
    await closed;
    assert.ok(received < Number(res.headers['content-length']));
  });

  test('hostileRateLimitEvery + hostileRateLimitResetSec: forced 99991400 announcing 3600 s', async () => {
    await withEmulator({ hostileRateLimitEvery: 3, hostileRateLimitResetSec: 3600 }, async (emu) => {
      const tok = await token(emu);
      const codes: unknown[] = [];
      for (let i = 0; i < 6; i++) {
        const reply = await get(emu, listPath(emu, 10), tok);
        codes.push(reply.body['code']);
        if (reply.body['code'] === 99991400) {
          assert.equal(reply.status, 429);
          assert.equal(reply.headers.get('x-ogw-ratelimit-reset'), '3600');
        }
      }
      assert.deepEqual(codes, [0, 0, 99991400, 0, 0, 99991400]);
    });
  });

  test('hostileRateLimitResetSec alone: a genuine refusal announces the huge reset', async () => {
    await withEmulator({ hostileRateLimitResetSec: 3600, detailRateLimit: { limit: 1, windowMs: 60_000 } }, async (emu) => {
      const tok = await token(emu);
      const code = allCodes(emu)[0] as string;
      assert.equal((await get(emu, detailPath(code), tok)).body['code'], 0);
      const refused = await get(emu, detailPath(code), tok);
      assert.equal(refused.body['code'], 99991400);
      assert.equal(refused.headers.get('x-ogw-ratelimit-reset'), '3600');
    });
  });
});

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
    ['hostilePoisonFormNotJson', (d) => {
      assert.equal(d['form'], NOT_JSON_FORM);
      assert.throws(() => JSON.parse(d['form'] as string));
    }],
    ['hostilePoisonUnknownStatus', (d) => assert.equal(d['status'], UNKNOWN_STATUS)],
    ['hostilePoisonMissingFields', (d) => assert.deepEqual(Object.keys(d).sort(), [...KEPT_FIELDS].sort())],
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
      const bad = await postJson(emu.baseUrl + TOKEN_PATH, { app_id: emu.options.appId, app_secret: 'wrong-secret-xyz' });
      assert.equal(bad.body['code'], 10014);
      assert.match(bad.body['msg'] as string, /wrong-secret-xyz/);
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
      const on = await postJson(`${emu.baseUrl}/_emulator/config`, { hostileListNoData: true });
      assert.equal(on.body['hostileListNoData'], true);
      assert.ok(!('data' in (await get(emu, listPath(emu, 10), tok)).body));
      await postJson(`${emu.baseUrl}/_emulator/config`, { hostileListNoData: false });
      assert.ok('data' in (await get(emu, listPath(emu, 10), tok)).body);
      for (const bad of [{ hostileListEndless: 'yes' }, { hostileListTokenCycle: -1 }, { hostilePoisonTimeHuge: 2 }]) {
        assert.equal((await postJson(`${emu.baseUrl}/_emulator/config`, bad)).status, 400, JSON.stringify(bad));
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
      const config = (await call(`${info['base_url'] as string}/_emulator/config`)).body;
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
