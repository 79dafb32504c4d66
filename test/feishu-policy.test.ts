import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, classifyFailure } from '../src/feishu/retry-policy.js';
import { FeishuApiError, FeishuTransportError } from '../src/feishu/errors.js';
import { refreshAfterMs } from '../src/feishu/auth.js';
import { RateLimiter } from '../src/feishu/rate-limiter.js';

const api = (code: number, http = 400, reset?: number) => new FeishuApiError(code, 'msg', http, 'log', 'GET /x', reset);

describe('classifyFailure', () => {
  const cases: [string, unknown, string][] = [
    ['1395001 transient', api(1395001), 'retry'],
    ['frequency limit', api(99991400, 429, 3), 'retry'],
    ['quota exhausted never retried', api(99991403, 429), 'fail'],
    ['expired token refreshes', api(99991677), 'refresh-token'],
    ['invalid token refreshes', api(99991663), 'refresh-token'],
    ['missing token refreshes', api(99991661), 'refresh-token'],
    ['bad parameter', api(1390001), 'fail'],
    ['unknown approval code', api(1390002), 'fail'],
    ['bad app id', api(10003), 'fail'],
    ['bad secret', api(10014), 'fail'],
    ['unknown code on HTTP 500', api(12345, 500), 'retry'],
    ['HTML 502', new FeishuTransportError('http', 'h:1', 'html', 502), 'retry'],
    ['HTML 404', new FeishuTransportError('http', 'h:1', 'html', 404), 'fail'],
    ['connection reset', new FeishuTransportError('reset', 'h:1', 'ECONNRESET'), 'retry'],
    ['timeout', new FeishuTransportError('timeout', 'h:1', 'headers'), 'retry'],
    ['a bug', new TypeError('x'), 'fail'],
  ];
  for (const [name, error, kind] of cases) it(`${name}: ${kind}`, () => assert.equal(classifyFailure(error).kind, kind));

  it('the frequency limit waits at least x-ogw-ratelimit-reset seconds', () => {
    const decision = classifyFailure(api(99991400, 429, 7));
    assert.ok(decision.kind === 'retry' && decision.minDelayMs === 7000 && decision.throttled);
  });
});

describe('backoffDelayMs', () => {
  it('full jitter within [0, base·2^attempt], capped, at least the minimum', () => {
    assert.equal(backoffDelayMs(0, 100, 10_000, 0, () => 0.999), 99);
    assert.equal(backoffDelayMs(3, 100, 10_000, 0, () => 0.5), 400);
    assert.equal(backoffDelayMs(20, 100, 10_000, 0, () => 0.5), 5000);
    assert.equal(backoffDelayMs(0, 100, 10_000, 3000, () => 0.5), 3000);
    assert.equal(backoffDelayMs(5, 100, 10_000, 0, () => 0), 0);
  });
});

describe('refreshAfterMs', () => {
  const cases: [number, number][] = [
    [7200, 6900_000],
    [3600, 3300_000],
    [5, 4000],
    [0, 0],
  ];
  for (const [expire, expected] of cases) it(`a ${expire} s token is refreshed after ${expected} ms`, () => assert.equal(refreshAfterMs(expire), expected));
});

describe('RateLimiter', () => {
  it('keeps sends at least 60 s / budget apart, measured between actual sends', () => {
    let now = 1_000;
    const limiter = new RateLimiter(120, () => now);
    assert.equal(limiter.delayBeforeNext(), 0, 'the first request goes at once');
    limiter.markSent();
    assert.equal(limiter.delayBeforeNext(), 500);
    now = 1_700; // a late timer: the next one still waits a full interval after this send
    limiter.markSent();
    now = 1_750;
    assert.equal(limiter.delayBeforeNext(), 450);
    now = 10_000;
    assert.equal(limiter.delayBeforeNext(), 0, 'an idle budget does not bank requests for a burst');
  });

  it('a budget finer than timers allow is kept over a few sends instead of one', () => {
    const now = 0;
    const limiter = new RateLimiter(100_000, () => now); // one send per 0.6 ms: kept over k = 4 sends
    for (let i = 0; i < 4; i++) {
      assert.equal(limiter.delayBeforeNext(), 0);
      limiter.markSent();
    }
    assert.ok(Math.abs(limiter.delayBeforeNext() - 2.4) < 1e-9, 'the fifth send waits until 4 intervals after the first');
  });

  it('after a throttle nobody goes before the reset, and the pace drops then recovers', () => {
    const now = 0;
    const limiter = new RateLimiter(600, () => now);
    limiter.markSent();
    limiter.onThrottled(3000);
    assert.equal(limiter.delayBeforeNext(), 3000);
    assert.ok(limiter.ratePerMinute < 600);
    for (let i = 0; i < 2000; i++) limiter.onSuccess();
    assert.equal(limiter.ratePerMinute, 600);
  });

  it('serves waiting callers one at a time at the budget', async () => {
    const limiter = new RateLimiter(1200);
    const sent: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire().then(() => sent.push(Date.now()))));
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]! - sent[i - 1]! >= 49, `gap ${sent[i]! - sent[i - 1]!} ms`);
  });
});
