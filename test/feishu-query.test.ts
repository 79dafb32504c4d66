/**
 * FeishuClient.queryInstances (POST /approval/v4/instances/query) against the emulator at its
 * documented default limits: paging, the status filter, upper-cased statuses, revoked instances
 * left out, and the request checks made before anything is sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { FeishuClient, RetriesExhaustedError } from '../src/feishu/client.js';
import { clientFor } from './helpers/emulator-client.js';
import { narrowQueriedInstancePage, ResponseShapeError } from '../src/feishu/narrow.js';
import type { InstanceQueryRequest, QueriedInstance } from '../src/feishu/types.js';

const DAY = 86_400_000;

describe('FeishuClient.queryInstances against the emulator', () => {
  let emulator: FeishuEmulator;
  let client: FeishuClient;
  let code: string;
  const now = Date.now();

  before(async () => {
    // Documented default limits (query 1,000/min + 50/s) left as they are; the list API is not used.
    emulator = await startEmulator({
      seed: 7,
      codeCount: 2,
      instancesPerCode: 450,
      spanStartMs: now - 20 * DAY,
      spanEndMs: now - 60_000,
    });
    client = clientFor(emulator, {
      requestsPerMinute: 100,
      maxRetries: 2,
      retryBaseMs: 5,
      timeoutMs: 5_000,
    });
    code = emulator.approvalCodes[0]!;
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  async function queryAll(
    req: Omit<InstanceQueryRequest, 'pageToken'>,
  ): Promise<{ items: QueriedInstance[]; pages: number; counts: Array<number | undefined> }> {
    const items: QueriedInstance[] = [];
    const counts: Array<number | undefined> = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.queryInstances({ ...req, pageToken });
      pages++;
      counts.push(page.count);
      items.push(...page.instance_list);
      if (!page.has_more) assert.equal(page.page_token, '', 'no page token on the last page');
      pageToken = page.has_more ? page.page_token : undefined;
    } while (pageToken);
    return { items, pages, counts };
  }

  it('pages through one approval code with statuses as the detail API spells them', async () => {
    const { items, pages, counts } = await queryAll({
      approvalCode: code,
      startFromMs: now - 30 * DAY,
      startToMs: now,
      pageSize: 200,
    });
    const truth = emulator.statuses(code);
    assert.equal(pages, Math.ceil(truth.length / 200));
    assert.deepEqual(new Set(counts), new Set([truth.length]), 'count is the whole query, on every page');
    assert.deepEqual(
      items.map((i) => [i.code, i.status, i.approval_code]),
      truth.map((t) => [t.instanceCode, t.status, code]),
    );
    const first = emulator.truth(code)[0]!;
    assert.equal(items[0]!.start_time, String(first.createTimeMs));
    assert.ok(
      truth.some((t) => t.status === 'PENDING') && truth.some((t) => t.status !== 'PENDING'),
      'the data set mixes statuses',
    );
    assert.equal(emulator.stats().responsesByCode['99991400'] ?? 0, 0);
  });

  it('filters by status and leaves revoked instances out', async () => {
    const approved = emulator.statuses(code).filter((t) => t.status === 'APPROVED');
    const revoked = approved[3]!.instanceCode;
    emulator.revokeInstance(revoked);
    const { items } = await queryAll({ approvalCode: code, status: 'APPROVED', pageSize: 50 });
    assert.deepEqual(
      items.map((i) => i.code),
      approved.map((t) => t.instanceCode).filter((c) => c !== revoked),
    );
    assert.ok(items.every((i) => i.status === 'APPROVED'));
    const all = await queryAll({ approvalCode: code, startFromMs: now - 25 * DAY, startToMs: now, pageSize: 200 });
    assert.ok(!all.items.some((i) => i.code === revoked), 'a revoked instance is left out of ALL too');
  });

  it('refuses a page size outside 5-200, half a time range or one over 30 days before sending', async () => {
    const before = emulator.stats().requests['query'] ?? 0;
    await assert.rejects(client.queryInstances({ approvalCode: code, pageSize: 4 }), /pageSize must be 5-200; got 4/);
    await assert.rejects(
      client.queryInstances({ approvalCode: code, pageSize: 201 }),
      /pageSize must be 5-200; got 201/,
    );
    await assert.rejects(client.queryInstances({ approvalCode: code, pageSize: 10, startFromMs: now }), /go together/);
    await assert.rejects(
      client.queryInstances({ approvalCode: code, pageSize: 10, startFromMs: now - 30 * DAY - 1, startToMs: now }),
      /span must be 0-30 days/,
    );
    await assert.rejects(
      client.queryInstances({ approvalCode: code, pageSize: 10, startFromMs: now, startToMs: now - 1 }),
      /span must be 0-30 days/,
    );
    assert.equal(emulator.stats().requests['query'] ?? 0, before);
  });

  it('retries run out under its own endpoint label, not the label of the detail endpoint', async () => {
    emulator.configure({ faultRate: 0.999 });
    try {
      await assert.rejects(
        client.queryInstances({ approvalCode: code, pageSize: 10 }),
        (e: unknown) =>
          e instanceof RetriesExhaustedError && e.endpoint === 'POST /open-apis/approval/v4/instances/query',
      );
    } finally {
      emulator.configure({ faultRate: 0 });
    }
  });

  it('an unknown approval code is a Feishu error, not an empty page', async () => {
    await assert.rejects(
      client.queryInstances({ approvalCode: 'NOPE', pageSize: 10 }),
      (e: unknown) => (e as { code?: number }).code === 1390002,
    );
  });
});

describe('narrowQueriedInstancePage', () => {
  const cases: Array<{ name: string; data: Record<string, unknown>; expected: unknown }> = [
    {
      name: 'keeps the typed fields, upper-cases the status, drops the rest',
      data: {
        count: 1,
        has_more: false,
        instance_list: [
          {
            approval: { code: 'A' },
            instance: {
              code: 'I1',
              status: 'approved',
              start_time: '1',
              end_time: '2',
              title: 'T',
              link: { pc_link: 'x' },
            },
          },
        ],
      },
      expected: {
        count: 1,
        instance_list: [
          {
            code: 'I1',
            status: 'APPROVED',
            start_time: '1',
            end_time: '2',
            approval_code: 'A',
            user_id: undefined,
            serial_id: undefined,
            title: 'T',
            external_id: undefined,
          },
        ],
        page_token: '',
        has_more: false,
      },
    },
    {
      name: 'an item without an instance code is dropped, one with an odd status keeps its code',
      data: {
        count: '3',
        has_more: true,
        page_token: 'p',
        instance_list: [{ instance: {} }, 'junk', { instance: { code: 'I2', status: 7 } }],
      },
      expected: {
        instance_list: [
          {
            code: 'I2',
            status: undefined,
            start_time: undefined,
            end_time: undefined,
            approval_code: undefined,
            user_id: undefined,
            serial_id: undefined,
            title: undefined,
            external_id: undefined,
          },
        ],
        page_token: 'p',
        has_more: true,
      },
    },
    {
      name: 'no list on the last page is an empty page',
      data: { has_more: false },
      expected: { instance_list: [], page_token: '', has_more: false },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(narrowQueriedInstancePage(c.data), c.expected));

  const broken: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'has_more not a boolean',
      { has_more: 'yes', instance_list: [] },
      /data\.has_more is the string "yes", expected a boolean/,
    ],
    [
      'instance_list not an array',
      { has_more: false, instance_list: { code: 'I1' } },
      /data\.instance_list is an object/,
    ],
    ['no list while there is more', { has_more: true, page_token: 'p' }, /data\.instance_list is missing/],
    [
      'more without a page token',
      { has_more: true, instance_list: [] },
      /data\.page_token is missing although data\.has_more is true/,
    ],
  ];
  for (const [name, data, message] of broken) {
    it(`a broken answer, never a short page: ${name}`, () =>
      assert.throws(
        () => narrowQueriedInstancePage(data),
        (e: unknown) => e instanceof ResponseShapeError && message.test(e.message),
      ));
  }
});
