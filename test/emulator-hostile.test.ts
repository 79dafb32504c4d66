/**
 * The emulator's hostile mode (issue 17) over real HTTP, part 1: every switch off by default, then
 * the list bodies, pagination and timing switches. Details, errors and the CLI: the -details file.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { CYCLE_TOKEN_PREFIX, HOSTILE_SPECS, NON_STRING_CODE, startEmulator } from '../emulator/index.js';
import {
  INSTANCES,
  KNOWN_STATUSES,
  WRONG_SECRET,
  allCodes,
  dataOf,
  depthOf,
  detailPath,
  firstChunks,
  get,
  listPath,
  pages,
  switches,
  token,
  tokenWithWrongSecret,
  withEmulator,
} from './emulator-hostile-http.js';

describe('hostile mode is off by default', () => {
  test('every switch defaults to off', async () => {
    await withEmulator({}, async (emu) => {
      const options = emu.options as unknown as Record<string, unknown>;
      const off = { switch: false, count: 0, target: 0, codes: [] };
      for (const spec of HOSTILE_SPECS) assert.deepEqual(options[spec.key], off[spec.kind], spec.key);
      const config = await switches(emu.baseUrl);
      for (const spec of HOSTILE_SPECS) assert.ok(spec.key in config, spec.key);
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
        assert.ok(
          depthOf(JSON.parse(detail['form'] as string)) < 12,
          'a healthy form, list widgets included, is shallow',
        );
      }
      const bad = await tokenWithWrongSecret(emu);
      assert.equal(bad.body['code'], 10014);
      assert.ok(!(bad.body['msg'] as string).includes(WRONG_SECRET));
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
      assert.deepEqual(
        got.map((d) => d['has_more']),
        ['true', 'true', 'true', 'false'],
      );
      assert.equal(got.flatMap((d) => d['instance_code_list'] as string[]).length, INSTANCES);
    });
  });

  test('hostileListNonStringCode: one number among the codes, no code lost', async () => {
    await withEmulator({ hostileListNonStringCode: true }, async (emu) => {
      const list = dataOf(await get(emu, listPath(emu, 100), await token(emu)))['instance_code_list'] as unknown[];
      assert.deepEqual(
        list.filter((c) => typeof c !== 'string'),
        [NON_STRING_CODE],
      );
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
      const path = (code: string): string =>
        listPath(emu, 10).replace(encodeURIComponent(hit), encodeURIComponent(code));
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
      assert.deepEqual(
        got.slice(4).map((d) => (d['instance_code_list'] as string[]).length),
        new Array(56).fill(0),
      );
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
    const req = httpGet(emu.baseUrl + detailPath(allCodes(emu)[0] as string), {
      headers: { Authorization: `Bearer ${tok}` },
    });
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
    await withEmulator(
      { hostileRateLimitResetSec: 3600, detailRateLimit: { limit: 1, windowMs: 60_000 } },
      async (emu) => {
        const tok = await token(emu);
        const code = allCodes(emu)[0] as string;
        assert.equal((await get(emu, detailPath(code), tok)).body['code'], 0);
        const refused = await get(emu, detailPath(code), tok);
        assert.equal(refused.body['code'], 99991400);
        assert.equal(refused.headers.get('x-ogw-ratelimit-reset'), '3600');
      },
    );
  });
});
