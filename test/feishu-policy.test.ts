import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, classifyFailure } from '../src/feishu/retry-policy.js';
import { FeishuApiError, FeishuTransportError } from '../src/feishu/errors.js';
import { refreshAfterMs } from '../src/feishu/auth.js';
import { EARLY_TOLERANCE_MS, pacingIntervalMs, RateLimiter, type RateWindow } from '../src/feishu/rate-limiter.js';
import { describeLimit, DOCUMENTED_LIMITS, windowsOf } from '../src/feishu/budgets.js';

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
  for (const [name, error, kind] of cases)
    it(`${name}: ${kind}`, () => assert.equal(classifyFailure(error).kind, kind));

  it('the frequency limit waits at least x-ogw-ratelimit-reset seconds', () => {
    const decision = classifyFailure(api(99991400, 429, 7));
    assert.ok(decision.kind === 'retry' && decision.minDelayMs === 7000 && decision.throttled);
  });
});

describe('backoffDelayMs', () => {
  it('full jitter within [0, base·2^attempt], capped, at least the minimum', () => {
    // [attempt, base, cap, minimum, random(), expected delay]
    const cases: [number, number, number, number, number, number][] = [
      [0, 100, 10_000, 0, 0.999, 99],
      [3, 100, 10_000, 0, 0.5, 400],
      [20, 100, 10_000, 0, 0.5, 5000],
      [0, 100, 10_000, 3000, 0.5, 3000],
      [5, 100, 10_000, 0, 0, 0],
    ];
    for (const [attempt, base, cap, min, random, expected] of cases)
      assert.equal(
        backoffDelayMs(attempt, base, cap, min, () => random),
        expected,
      );
  });
});

describe('refreshAfterMs', () => {
  const cases: [number, number][] = [
    [7200, 7020_000],
    [3600, 3420_000],
    [901, 721_000],
    [900, 720_000],
    [600, 480_000],
    [5, 4000],
    [0, 0],
  ];
  for (const [expire, expected] of cases)
    it(`a ${expire} s token is refreshed after ${expected} ms`, () => assert.equal(refreshAfterMs(expire), expected));
});

describe('pacingIntervalMs', () => {
  const cases: Array<[string, RateWindow[], number]> = [
    // (window + 20 ms of jitter) / (2 % below the limit)
    ['one per-minute window: 2 % below 100/min', [{ limit: 100, windowMs: 60_000 }], 60_020 / 98],
    [
      '1,000/min and 50/s: the minute decides',
      [
        { limit: 1000, windowMs: 60_000 },
        { limit: 50, windowMs: 1000 },
      ],
      60_020 / 980,
    ],
    [
      '6,000/min and 50/s: the second decides',
      [
        { limit: 6000, windowMs: 60_000 },
        { limit: 50, windowMs: 1000 },
      ],
      1020 / 49,
    ],
    [
      'order of the windows does not matter',
      [
        { limit: 50, windowMs: 1000 },
        { limit: 1000, windowMs: 60_000 },
      ],
      60_020 / 980,
    ],
    ['one a minute', [{ limit: 1, windowMs: 60_000 }], 60_020 / 0.98],
  ];
  for (const [name, windows, expected] of cases)
    it(name, () =>
      assert.ok(Math.abs(pacingIntervalMs(windows) - expected) < 1e-9, `${pacingIntervalMs(windows)} vs ${expected}`),
    );

  it('refuses a budget without windows or with a non-positive limit', () => {
    assert.throws(() => pacingIntervalMs([]), RangeError);
    assert.throws(() => pacingIntervalMs([{ limit: 0, windowMs: 1000 }]), /positive limit/);
  });
});

describe('windowsOf / the documented limits', () => {
  it('a two-window limit gives both windows; the documented ones keep 1,000/min below 50/s', () => {
    assert.deepEqual(windowsOf({ perMinute: 1000, perSecond: 50 }), [
      { limit: 1000, windowMs: 60_000 },
      { limit: 50, windowMs: 1000 },
    ]);
    assert.deepEqual(windowsOf(DOCUMENTED_LIMITS.list), [{ limit: 100, windowMs: 60_000 }]);
    // At the documented detail limit the pace is about 980/min: within 5 % of 1,000 and far below 50/s.
    const pace = 60_000 / pacingIntervalMs(windowsOf(DOCUMENTED_LIMITS.detail));
    assert.ok(pace > 979 && pace < 980, `${pace}/min`);
    assert.equal(describeLimit(DOCUMENTED_LIMITS.query), '1000/min and 50/s');
  });
});

/** A limiter paced at `perMinute` (before the headroom). */
const perMinute = (limit: number, now: () => number) => new RateLimiter([{ limit, windowMs: 60_000 }], now);

describe('RateLimiter', () => {
  it('each request has its slot one interval after the last; it may leave 10 ms early, never sooner', () => {
    let now = 1_000;
    const limiter = perMinute(120, () => now);
    const slot = pacingIntervalMs([{ limit: 120, windowMs: 60_000 }]); // about 510 ms
    assert.equal(limiter.delayBeforeNext(), 0, 'the first request goes at once');
    limiter.markSent();
    assert.ok(Math.abs(limiter.delayBeforeNext() - (slot - EARLY_TOLERANCE_MS)) < 1e-9);
    now = 1_000 + slot - 5; // a timer 5 ms late against the early edge: within the tolerance, the grid holds
    limiter.markSent();
    assert.ok(
      Math.abs(limiter.delayBeforeNext() - (1_000 + 2 * slot - EARLY_TOLERANCE_MS - now)) < 1e-9,
      'the next slot is two intervals after the first send',
    );
    now = 2_700; // a timer far too late: the grid restarts from this send, no catching up
    limiter.markSent();
    now = 2_750;
    assert.ok(Math.abs(limiter.delayBeforeNext() - (2_700 + slot - EARLY_TOLERANCE_MS - now)) < 1e-9);
    now = 10_000;
    assert.equal(limiter.delayBeforeNext(), 0, 'an idle budget does not bank requests for a burst');
    limiter.markSent();
    assert.ok(limiter.delayBeforeNext() > 0);
  });

  const sendTimes = (limiter: RateLimiter, clock: { now: number }, count: number, lateMs = 0): number[] => {
    const sends: number[] = [];
    for (let i = 0; i < count; i++) {
      const wait = limiter.delayBeforeNext();
      clock.now += wait > 0 ? wait + lateMs : 0;
      limiter.markSent();
      sends.push(clock.now);
    }
    return sends;
  };

  it('two windows: never more than the limit in any second or minute, timers on time or late', () => {
    for (const lateMs of [0, 1, 3, 9]) {
      const clock = { now: 0 };
      const limiter = new RateLimiter(windowsOf({ perMinute: 6000, perSecond: 50 }), () => clock.now);
      const sends = sendTimes(limiter, clock, 400, lateMs);
      for (let i = 50; i < sends.length; i++)
        assert.ok(
          sends[i]! - sends[i - 50]! > 1000,
          `late ${lateMs}: 51 sends within ${sends[i]! - sends[i - 50]!} ms`,
        );
    }
    for (const limit of [1, 2, 100, 1000]) {
      const clock = { now: 0 };
      const limiter = perMinute(limit, () => clock.now);
      const sends = sendTimes(limiter, clock, limit + 5);
      for (let i = limit; i < sends.length; i++)
        assert.ok(sends[i]! - sends[i - limit]! > 60_000, `${limit}/min: ${limit + 1} sends within a minute`);
    }
  });

  it('late timers do not slow the pace: 1,000/min and 50/s stay at 980/min with 1-3 ms late timers', () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter(windowsOf(DOCUMENTED_LIMITS.detail), () => clock.now);
    const sends = sendTimes(limiter, clock, 1001, 3);
    const perMinuteSeen = ((sends.length - 1) / (sends.at(-1)! - sends[0]!)) * 60_000;
    assert.ok(perMinuteSeen > 975 && perMinuteSeen <= 1000, `${perMinuteSeen}/min`);
  });

  it('a budget finer than timers sends the requests of 10 ms per wake-up', () => {
    const now = 0;
    const limiter = perMinute(100_000, () => now); // one slot per 0.61 ms
    let sent = 0;
    while (limiter.delayBeforeNext() === 0) {
      limiter.markSent();
      sent++;
    }
    assert.equal(sent, 1 + Math.floor(EARLY_TOLERANCE_MS / pacingIntervalMs([{ limit: 100_000, windowMs: 60_000 }])));
  });

  it('after a throttle nobody goes before the reset, and the pace drops then recovers', () => {
    const now = 0;
    const limiter = perMinute(600, () => now);
    limiter.markSent();
    limiter.onThrottled(3000);
    assert.ok(Math.abs(limiter.delayBeforeNext() - 3000) < 1e-9);
    const pace = 60_000 / pacingIntervalMs([{ limit: 600, windowMs: 60_000 }]);
    assert.ok(limiter.ratePerMinute < pace);
    for (let i = 0; i < 2000; i++) limiter.onSuccess();
    assert.ok(Math.abs(limiter.ratePerMinute - pace) < 1e-9);
  });

  it('serves waiting callers one at a time at the budget', async () => {
    const limiter = perMinute(1200, Date.now); // about 50 ms apart
    const sent: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire().then(() => sent.push(Date.now()))));
    for (let i = 1; i < sent.length; i++)
      assert.ok(sent[i]! - sent[i - 1]! >= 50 - EARLY_TOLERANCE_MS - 1, `gap ${sent[i]! - sent[i - 1]!} ms`);
    assert.ok(sent.at(-1)! - sent[0]! >= 5 * 50 - EARLY_TOLERANCE_MS - 1);
  });
});
