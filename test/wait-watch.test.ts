import { after, describe, it, type MockTimers } from 'node:test';
import assert from 'node:assert/strict';
import type { FeishuEmulator } from '../emulator/index.js';
import { clientFor } from './helpers/emulator-client.js';
import { WaitWatch } from '../src/feishu/wait-watch.js';
import { startTenInstances } from './helpers/small-emulator.js';

describe('WaitWatch', () => {
  /** Moves the mocked clock `ms` on in 10 ms steps, letting settled promises run between steps. */
  async function advance(timers: MockTimers, ms: number): Promise<void> {
    for (let done = 0; done < ms; done += 10) {
      timers.tick(10);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  }
  const elapse = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  /** A watch on the (mocked) Date.now that reports every `periodMs`, and the reports it made. */
  function reportingWatch(periodMs: number): { watch: WaitWatch; reports: string[] } {
    const reports: string[] = [];
    return {
      reports,
      watch: new WaitWatch(
        (summary) => reports.push(summary),
        periodMs,
        () => Date.now(),
      ),
    };
  }

  // The watch's clock and interval are the mocked ones: the reports follow the waits exactly, however busy the machine.
  it('reports a long wait again and again while it lasts, then falls silent', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'], now: 0 });
    const { watch, reports } = reportingWatch(40);
    const waits = Promise.all([
      watch.around('a slow thing', elapse(300)),
      watch.around('a slow thing', elapse(250)),
      watch.around('a quick thing', elapse(5)),
    ]);
    await advance(t.mock.timers, 300);
    await waits;
    const during = reports.length;
    await advance(t.mock.timers, 150);
    watch.close();
    assert.equal(during, 7, `a report every 40 ms from 40 to 280 ms: ${JSON.stringify(reports)}`);
    assert.equal(reports.length, during, 'no report once nothing waits');
    assert.equal(reports[1], 'Still waiting: 2 × a slow thing (for 0 s).');
    assert.equal(reports[6], 'Still waiting: a slow thing (for 0 s).', 'the shorter slow wait is over by 280 ms');
    assert.ok(!reports.some((r) => r.includes('quick')), 'waits shorter than the period are not reported');
  });

  it('lets a failing wait fail, and forgets it', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'], now: 0 });
    const { watch, reports } = reportingWatch(20);
    await assert.rejects(watch.around('doomed', Promise.reject(new Error('boom'))), /boom/);
    await advance(t.mock.timers, 60);
    watch.close();
    assert.deepEqual(reports, []);
  });
});

describe('FeishuClient reports its long waits', () => {
  let emulator: FeishuEmulator;
  after(() => emulator.stop());

  it("a 99991400 reset wait and the budget's turns are reported while they last", async () => {
    // One list request per second at the server; the client believes it may send 600 per minute.
    emulator = await startTenInstances(3, { listRateLimit: { limit: 1, windowMs: 1000 } });
    const reports: string[] = [];
    const client = clientFor(emulator, {
      requestsPerMinute: 600,
      maxRetries: 8,
      timeoutMs: 5_000,
      retryBaseMs: 5,
      waitReportEveryMs: 100,
      onStillWaiting: (summary) => reports.push(summary),
    });
    try {
      const range = { startMs: emulator.options.spanStartMs, endMs: emulator.options.spanStartMs + 3_600_000 };
      await Promise.all(
        Array.from({ length: 4 }, () =>
          client.listInstanceCodes({ approvalCode: emulator.approvalCodes[0]!, ...range, pageSize: 10 }),
        ),
      );
    } finally {
      await client.close();
    }
    assert.ok(emulator.stats().rateLimited > 0, 'the server throttled some requests');
    assert.ok(
      reports.some((r) =>
        /the retry of GET \/open-apis\/approval\/v4\/instances after frequency limit 99991400|a turn in the list API budget/.test(
          r,
        ),
      ),
      `reports: ${JSON.stringify(reports.slice(0, 3))}`,
    );
  });
});
