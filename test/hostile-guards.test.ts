/**
 * Issue 17's guards as pure functions, in tables: the list page's shape, the pagination bound, the
 * caps of server-requested waits, credentials masked in base_url, approval codes de-duplicated,
 * GLOBAL and LEGACY states. The CLI tests (hostile-*.test.ts) show them at work end to end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { narrowInstanceCodePage, narrowInstanceDetail, ResponseShapeError } from '../src/feishu/narrow.js';
import { ServerWaitLimitError, ServerWaits, type ServerWait } from '../src/feishu/server-waits.js';
import { ConfigError } from '../src/kit/errors.js';
import type { AirbyteStateMessage } from '../src/kit/protocol.js';
import { distinctCodes, maskUserinfo } from '../src/source/config/config.js';
import { maxPagesPerWindow, PAGE_BOUND } from '../src/source/paging/page-limits.js';
import { readCursors } from '../src/source/state/stream-state.js';

describe('narrowInstanceCodePage: the shape the cursor relies on, or ResponseShapeError', () => {
  const good = { instance_code_list: ['A', 'B'], has_more: true, page_token: 't1' };
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['codes missing', { has_more: false }, /instance_code_list is missing/],
    ['codes null', { instance_code_list: null, has_more: false }, /instance_code_list is null/],
    ['codes an object', { instance_code_list: {}, has_more: false }, /instance_code_list is an object/],
    [
      'a number among the codes',
      { instance_code_list: ['A', 7], has_more: false },
      /instance_code_list\[1\] is the number 7/,
    ],
    ['an empty code', { instance_code_list: [''], has_more: false }, /instance_code_list\[0\] is the string ""/],
    ['has_more a string', { instance_code_list: [], has_more: 'true' }, /has_more is the string "true"/],
    ['has_more missing', { instance_code_list: [] }, /has_more is missing/],
    [
      'more without a token',
      { instance_code_list: ['A'], has_more: true },
      /page_token is missing although data\.has_more is true/,
    ],
    [
      'more with an empty token',
      { instance_code_list: ['A'], has_more: true, page_token: '' },
      /page_token is the string ""/,
    ],
  ];
  for (const [name, data, message] of refused) {
    it(`refuses ${name}`, () =>
      assert.throws(
        () => narrowInstanceCodePage(data),
        (e: unknown) => e instanceof ResponseShapeError && message.test(e.message),
      ));
  }
  it('accepts a good page, and the last page without a token', () => {
    assert.deepEqual(narrowInstanceCodePage(good), good);
    assert.deepEqual(narrowInstanceCodePage({ instance_code_list: [], has_more: false }), {
      instance_code_list: [],
      has_more: false,
      page_token: '',
    });
  });
  it('refuses a detail of another instance; fills in a missing instance_code', () => {
    assert.throws(() => narrowInstanceDetail({ instance_code: 'OTHER' }, 'ASKED'), ResponseShapeError);
    assert.equal(narrowInstanceDetail({}, 'ASKED').instance_code, 'ASKED');
  });
});

describe('maxPagesPerWindow: the pagination bound', () => {
  const hour = 3_600_000;
  const cases: [string, number, number, number][] = [
    [
      'a 10-hour window, pages of 100',
      10 * hour,
      100,
      Math.ceil((PAGE_BOUND.BURST_INSTANCES + 36_000 * PAGE_BOUND.SUSTAINED_PER_SECOND) / 100) + 2,
    ],
    ['a 1 ms window still allows a burst', 1, 100, Math.ceil((PAGE_BOUND.BURST_INSTANCES + 1) / 100) + 2],
    ['pages of 1', 1000, 1, PAGE_BOUND.BURST_INSTANCES + PAGE_BOUND.SUSTAINED_PER_SECOND + 2],
    ['a negative width counts as empty', -5, 100, PAGE_BOUND.BURST_INSTANCES / 100 + 2],
  ];
  for (const [name, widthMs, pageSize, expected] of cases)
    it(name, () => assert.equal(maxPagesPerWindow(widthMs, pageSize), expected));
  it('grows with the width and shrinks with the page size', () => {
    assert.ok(maxPagesPerWindow(2 * hour, 100) > maxPagesPerWindow(hour, 100));
    assert.ok(maxPagesPerWindow(hour, 100) < maxPagesPerWindow(hour, 10));
  });
});

describe('ServerWaits: each wait capped, all of a sync capped', () => {
  it('cuts a wait to the cap, reports each, and refuses once the total is spent', () => {
    const seen: ServerWait[] = [];
    const waits = new ServerWaits({ maxWaitMs: 1000, maxTotalMs: 2500 }, (w) => seen.push(w));
    assert.equal(waits.grant('GET /x', 3_600_000), 1000);
    assert.equal(waits.grant('GET /x', 400), 400);
    assert.equal(waits.grant('GET /x', 1000), 1000);
    assert.deepEqual(
      seen.map((w) => [w.requestedMs, w.grantedMs, w.totalMs]),
      [
        [3_600_000, 1000, 1000],
        [400, 400, 1400],
        [1000, 1000, 2400],
      ],
    );
    assert.throws(
      () => waits.grant('GET /x', 500, 'LOG1'),
      (e: unknown) =>
        e instanceof ServerWaitLimitError &&
        /another 0\.5 s wait on GET \/x \(log id LOG1\) after 2\.4 s .*at most 2\.5 s per sync/.test(e.message),
    );
    assert.equal(waits.grant('GET /x', 100), 100, 'a shorter wait still fits');
  });
});

describe('maskUserinfo', () => {
  const cases: [string, string][] = [
    ['https://u:p@host.cn/path', 'https://****@host.cn/path'],
    ['http://user@127.0.0.1:80', 'http://****@127.0.0.1:80'],
    ['u:p@host.cn', '****@host.cn'],
    ['https://u:p@ss@host.cn', 'https://****@host.cn'],
    ['https://open.feishu.cn', 'https://open.feishu.cn'],
    ['https://open.feishu.cn/a?x=y@z', 'https://open.feishu.cn/a?x=y@z'],
  ];
  for (const [value, masked] of cases) it(value, () => assert.equal(maskUserinfo(value), masked));
});

describe('distinctCodes', () => {
  it('trims, keeps the first of each in order, names the repeated ones once', () => {
    assert.deepEqual(distinctCodes([' A', 'B', 'A ', 'A', 'C', 'B']), {
      approvalCodes: ['A', 'B', 'C'],
      repeatedCodes: ['A', 'B'],
    });
  });
  it('a blank code is a config error naming its index', () => {
    assert.throws(
      () => distinctCodes(['A', '  ']),
      (e: unknown) => e instanceof ConfigError && /approval_codes\[1\] is blank/.test(e.message),
    );
  });
});

describe('GLOBAL and LEGACY states', () => {
  const blob = {
    states: [{ partition: { approval_code: 'A' }, cursor: { created_before: '2024-01-02T00:00:00.000Z' } }],
  };
  it('a GLOBAL state is read like per-stream states', () => {
    const global: AirbyteStateMessage = {
      type: 'GLOBAL',
      global: { stream_states: [{ stream_descriptor: { name: 's' }, stream_state: blob }] },
    };
    assert.deepEqual([...readCursors([global], 's', [])], [['A', Date.parse('2024-01-02T00:00:00.000Z')]]);
    assert.equal(readCursors([global], 'other', []).size, 0);
  });
  it('a LEGACY state, typed or bare, is a config error naming the expected shape', () => {
    for (const legacy of [{ type: 'LEGACY', data: { cursor: 1 } }, { data: { cursor: 1 } }] as AirbyteStateMessage[]) {
      assert.throws(
        () => readCursors([legacy], 's', []),
        (e: unknown) => e instanceof ConfigError && /LEGACY.*"type":"STREAM"/.test(e.message),
      );
    }
  });
  it('a GLOBAL state without stream_states is refused', () => {
    assert.throws(() => readCursors([{ type: 'GLOBAL', global: {} } as AirbyteStateMessage], 's', []), ConfigError);
  });
});
