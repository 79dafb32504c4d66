/**
 * Issue 14 point 1: each endpoint has a budget of its own, as Feishu counts them. With the list
 * budget spent (1 per minute), the definition, detail, bulk query and contact calls still go at once, and a
 * second list call is the one that waits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { FeishuClient } from '../src/feishu/client.js';
import { clientFor } from './helpers/emulator-client.js';

describe('one budget per endpoint', () => {
  let emulator: FeishuEmulator;
  let client: FeishuClient;
  before(async () => {
    emulator = await startEmulator({ seed: 3, codeCount: 1, instancesPerCode: 20 });
    client = clientFor(emulator, {
      requestsPerMinute: 1,
      maxRetries: 0,
      timeoutMs: 5_000,
    });
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  it('a spent list budget holds back only list calls', async () => {
    const code = emulator.approvalCodes[0]!;
    const range = {
      approvalCode: code,
      startMs: emulator.options.spanStartMs,
      endMs: emulator.options.spanStartMs + 3_600_000,
      pageSize: 10,
    };
    await client.listInstanceCodes(range);
    const controller = new AbortController();
    let secondListDone = false;
    const secondList = client.listInstanceCodes(range, { signal: controller.signal }).then(
      () => (secondListDone = true),
      () => {},
    );
    const instance = emulator.truth(code)[0]!.instanceCode;
    const others = await Promise.all([
      client.getApproval(code),
      client.getInstance(instance),
      client.queryInstances({ approvalCode: code, pageSize: 5 }),
      client.batchGetUsers(['ou_someone']),
      client.batchGetDepartments(['od-somewhere']),
    ]);
    assert.equal(others[1].instance_code, instance);
    assert.equal(secondListDone, false, 'the second list call still waits for its turn (61 s at 1/min)');
    assert.deepEqual(
      [
        emulator.stats().requests['list'],
        emulator.stats().requests['approval'],
        emulator.stats().requests['detail'],
        emulator.stats().requests['query'],
        emulator.stats().requests['users'],
        emulator.stats().requests['departments'],
      ],
      [1, 1, 1, 1, 1, 1],
    );
    controller.abort();
    await secondList;
  });
});
