/**
 * The emulator's per-endpoint frequency limits: sliding windows (pure table test of the limiter)
 * and, over real HTTP, the documented defaults, two-window limits, separate budgets per endpoint,
 * run-time changes through the admin API and the CLI flags.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultOptions, ManualClock, startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { SlidingWindowLimiter } from '../emulator/rate-limit.js';
import type { RateLimitSetting } from '../emulator/options.js';

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const SPAN_START = Date.UTC(2024, 0, 1);
const SPAN_END = SPAN_START + 48 * 3_600_000;

async function token(emu: FeishuEmulator): Promise<string> {
  const res = await fetch(emu.baseUrl + TOKEN_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ app_id: emu.options.appId, app_secret: emu.options.appSecret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}

async function hit(
  emu: FeishuEmulator,
  tok: string,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; code: number; reset: string | null; limit: string | null }> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(emu.baseUrl + path, init);
  const json = (await res.json()) as { code: number };
  return {
    status: res.status,
    code: json.code,
    reset: res.headers.get('x-ogw-ratelimit-reset'),
    limit: res.headers.get('x-ogw-ratelimit-limit'),
  };
}

describe('SlidingWindowLimiter', () => {
  test('admits while fewer than limit fall in the last window; every window must admit', () => {
    let setting: RateLimitSetting = [
      { limit: 3, windowMs: 1000 },
      { limit: 5, windowMs: 10_000 },
    ];
    const limiter = new SlidingWindowLimiter(() => setting);
    // [time, admitted?, limit reported when refused, reset seconds when refused]
    const table: Array<[number, boolean, number?, number?]> = [
      [0, true],
      [100, true],
      [200, true],
      [999, false, 3, 1], // 3 in (−1, 999]: the per-second window refuses
      [1000, true], // the request at 0 left the window exactly now
      [1050, false, 3, 1],
      [1100, true],
      [1500, false, 5, 9], // 5 in the last 10 s: the per-10-s window refuses until 10 000
      [9999, false, 5, 1],
      [10_000, true],
    ];
    for (const [at, admitted, limit, reset] of table) {
      const decision = limiter.check(at);
      assert.equal(decision.allowed, admitted, `t=${at}`);
      if (!decision.allowed) assert.deepEqual([decision.limit, decision.resetSec], [limit, reset], `t=${at}`);
    }
    // Pacing exactly at the limit (one per 250 ms against 4/s) is admitted; a little early is not.
    setting = { limit: 4, windowMs: 1000 };
    const paced = new SlidingWindowLimiter(() => setting);
    for (let t = 0; t < 5000; t += 250) assert.equal(paced.check(t).allowed, true, `paced t=${t}`);
    assert.equal(paced.check(4999).allowed, false);
    // null: unlimited.
    setting = null;
    const open = new SlidingWindowLimiter(() => setting);
    for (let i = 0; i < 10_000; i++) assert.equal(open.check(0).allowed, true);
  });
});

describe('Emulator frequency limits over HTTP', { concurrency: true }, () => {
  test('defaults are the documented limits', () => {
    const o = defaultOptions();
    assert.deepEqual(o.listRateLimit, { limit: 100, windowMs: 60_000 });
    assert.deepEqual(o.detailRateLimit, [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ]);
    assert.deepEqual(o.approvalRateLimit, { limit: 100, windowMs: 60_000 });
    assert.deepEqual(o.queryRateLimit, [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ]);
    for (const contact of [o.usersRateLimit, o.departmentsRateLimit])
      assert.deepEqual(contact, [
        { limit: 1000, windowMs: 60_000 },
        { limit: 50, windowMs: 1000 },
      ]);
  });

  test('detail at the default limits: exactly 50 of a burst pass within a second, 429 with reset; the window slides', async () => {
    // On a frozen clock the whole burst lands in one instant of the emulator's time, however slowly it arrives.
    const clock = new ManualClock();
    const emu = await startEmulator(
      { spanStartMs: SPAN_START, spanEndMs: SPAN_END, codeCount: 1, instancesPerCode: 80 },
      0,
      { clock },
    );
    try {
      const tok = await token(emu);
      const codes = emu.truth().map((t) => t.instanceCode);
      const replies = await Promise.all(codes.map((c) => hit(emu, tok, `/open-apis/approval/v4/instances/${c}`)));
      const passed = replies.filter((r) => r.code === 0).length;
      const limited = replies.filter((r) => r.code === 99991400);
      assert.equal(passed, 50);
      assert.equal(limited.length, 30);
      for (const r of limited) {
        assert.equal(r.status, 429);
        assert.equal(r.limit, '50');
        assert.equal(r.reset, '1');
      }
      assert.equal(emu.stats().rateLimitedByEndpoint['detail'], limited.length);
      assert.equal(emu.stats().rateLimitedByEndpoint['list'], undefined);
      // One second later the 50-per-second window is free again; the minute's 1,000 are far off.
      clock.advance(999);
      assert.equal(
        (await hit(emu, tok, `/open-apis/approval/v4/instances/${codes[0]!}`)).code,
        99991400,
        'still within the second',
      );
      clock.advance(1);
      const next = await Promise.all(
        codes.slice(0, 51).map((c) => hit(emu, tok, `/open-apis/approval/v4/instances/${c}`)),
      );
      assert.equal(next.filter((r) => r.code === 0).length, 50, 'the next second admits 50 again');
    } finally {
      await emu.stop();
    }
  });

  test('list, definition and query budgets are separate; admin config changes them at run time', async () => {
    const emu = await startEmulator({
      spanStartMs: SPAN_START,
      spanEndMs: SPAN_END,
      codeCount: 1,
      instancesPerCode: 20,
      listRateLimit: { limit: 3, windowMs: 60_000 },
      approvalRateLimit: { limit: 2, windowMs: 60_000 },
      queryRateLimit: [
        { limit: 4, windowMs: 60_000 },
        { limit: 100, windowMs: 1000 },
      ],
    });
    try {
      const tok = await token(emu);
      const code = emu.approvalCodes[0] as string;
      const list = `/open-apis/approval/v4/instances?approval_code=${code}&start_time=${SPAN_START}&end_time=${SPAN_START + 3_600_000}`;
      const approval = `/open-apis/approval/v4/approvals/${code}`;
      const query = '/open-apis/approval/v4/instances/query';
      const codes = async (n: number, f: () => Promise<{ code: number }>): Promise<number[]> => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await f()).code);
        return out;
      };
      assert.deepEqual(await codes(4, () => hit(emu, tok, list)), [0, 0, 0, 99991400]);
      assert.deepEqual(await codes(3, () => hit(emu, tok, approval)), [0, 0, 99991400]);
      const q = (): Promise<{ code: number; limit: string | null; reset: string | null }> =>
        hit(emu, tok, query, 'POST', { approval_code: code });
      assert.deepEqual(await codes(4, q), [0, 0, 0, 0]);
      const refused = await q();
      assert.deepEqual([refused.code, refused.limit], [99991400, '4']);
      assert.ok(Number(refused.reset) >= 55 && Number(refused.reset) <= 60, `reset ${refused.reset}`);
      // The detail endpoint was not touched by any of this.
      const detail = await hit(emu, tok, `/open-apis/approval/v4/instances/${emu.truth()[0]?.instanceCode ?? ''}`);
      assert.equal(detail.code, 0);

      const res = await fetch(`${emu.baseUrl}/_emulator/config`, {
        method: 'POST',
        body: JSON.stringify({
          listRateLimit: null,
          approvalRateLimit: [
            { limit: 10, windowMs: 60_000 },
            { limit: 5, windowMs: 1000 },
          ],
        }),
      });
      assert.equal(res.status, 200);
      const effective = (await res.json()) as Record<string, unknown>;
      assert.equal(effective['listRateLimit'], null);
      assert.deepEqual(effective['approvalRateLimit'], [
        { limit: 10, windowMs: 60_000 },
        { limit: 5, windowMs: 1000 },
      ]);
      assert.deepEqual(await codes(5, () => hit(emu, tok, list)), [0, 0, 0, 0, 0]);
      assert.equal((await hit(emu, tok, approval)).code, 0);
      const bad = await fetch(`${emu.baseUrl}/_emulator/config`, {
        method: 'POST',
        body: JSON.stringify({ detailRateLimit: [{ limit: 0, windowMs: 1000 }] }),
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { msg: string }).msg, /detailRateLimit\[0\]\.limit/);
      const stats = emu.stats();
      assert.deepEqual(stats.rateLimitedByEndpoint, { list: 1, approval: 1, query: 1 });
      assert.equal(stats.requests['query'], 5);
    } finally {
      await emu.stop();
    }
  });

  test('CLI: limit flags, query lag, scope and deny, documented in --help', async () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator', 'cli.js');
    const help = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let helpText = '';
    help.stderr.on('data', (chunk: Buffer) => (helpText += chunk.toString()));
    await once(help, 'exit');
    for (const flag of [
      '--detail-limit',
      '--approval-limit',
      '--query-limit',
      '--task-search-limit',
      '--query-lag-ms',
      '--employee-id-scope',
      '--deny',
      '1000/min,50/s',
      '/_emulator/instances/:code/{status,revoke,finish,advance}',
    ]) {
      assert.ok(helpText.includes(flag), flag);
    }
    const args = [
      '--instances',
      '5',
      '--detail-limit',
      '10/s,200/min',
      '--list-limit',
      '0',
      '--approval-limit',
      '7/500ms',
      '--query-lag-ms',
      '250',
      '--employee-id-scope',
      '--deny',
      'detail,query',
    ];
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const info = JSON.parse(line) as { base_url: string };
      const config = (await (await fetch(`${info.base_url}/_emulator/config`)).json()) as Record<string, unknown>;
      assert.deepEqual(config['detailRateLimit'], [
        { limit: 10, windowMs: 1000 },
        { limit: 200, windowMs: 60_000 },
      ]);
      assert.equal(config['listRateLimit'], null);
      assert.deepEqual(config['approvalRateLimit'], { limit: 7, windowMs: 500 });
      assert.deepEqual(
        [config['queryLagMs'], config['employeeIdScope'], config['deniedEndpoints']],
        [250, true, ['detail', 'query']],
      );
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const bad = spawn(process.execPath, [cli, '--detail-limit', '50/hour'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let badText = '';
    bad.stderr.on('data', (chunk: Buffer) => (badText += chunk.toString()));
    const [exitCode] = (await once(bad, 'exit')) as [number];
    assert.equal(exitCode, 2);
    assert.match(badText, /--detail-limit must look like/);
  });
});
