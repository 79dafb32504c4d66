/**
 * Issue 17 through the real CLI: every wait is bounded. A body that trickles one byte at a time
 * meets the whole-request deadline (request_timeout_seconds, connect to last byte); a rate-limit
 * reset of an hour is cut to rate_limit_wait_max_seconds, each wait logged, and waits beyond
 * rate_limit_wait_total_seconds end the sync with a transient error naming the cause. A detail
 * that fails for good ends in one TRACE, never in a crash.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logs } from '../harness/index.js';
import { assertResumeDeliversAll, readWhile, theErrorTrace } from './helpers/hostile.js';
import { unlimitedEmulatorForSuite } from './helpers/suite-emulator.js';

const DETAILS = ['approval_instance_details'];

describe('every wait is bounded', () => {
  const emulator = unlimitedEmulatorForSuite(19, 15);

  it('a list body trickling one byte every 100 ms meets the 1 s whole-request deadline', async () => {
    // A list body is ~150+ bytes: 15 s or more per request if the deadline restarted per chunk.
    const first = await readWhile(emulator(), { hostileListTrickleMs: 100 });
    const error = theErrorTrace(first);
    assert.equal(error.failure_type, 'transient_error');
    assert.match(
      error.message,
      /no complete answer to GET \/open-apis\/approval\/v4\/instances within 1 s \(request_timeout_seconds\)/,
    );
    assert.match(error.message, /approval code '[0-9A-F-]+', window /);
    // Two attempts (max_retries 1) of 1 s each, and nothing waited for a whole trickled body.
    assert.ok(first.elapsedMs < 15_000, `${first.elapsedMs} ms`);
    await assertResumeDeliversAll(emulator(), first);
  });

  it('a detail body trickling meets the deadline too, naming the instance', async () => {
    const first = await readWhile(emulator(), { hostileDetailTrickleMs: 100 }, { streams: DETAILS });
    const error = theErrorTrace(first);
    assert.match(
      error.message,
      /no complete answer to GET \/open-apis\/approval\/v4\/instances\/[0-9A-F-]+ within 1 s/,
    );
    assert.match(error.message, /instance '[0-9A-F-]+', approval code '[0-9A-F-]+', window /);
    assert.ok(first.elapsedMs < 15_000, `${first.elapsedMs} ms`);
    await assertResumeDeliversAll(emulator(), first, { streams: DETAILS });
  });

  it('x-ogw-ratelimit-reset: 3600 is cut to the 1 s cap, each wait logged, and the read is complete', async () => {
    const config = { rate_limit_wait_max_seconds: 1, rate_limit_wait_total_seconds: 60, max_retries: 3 };
    const run = await readWhile(emulator(), { hostileRateLimitEvery: 4, hostileRateLimitResetSec: 3600 }, { config });
    assert.equal(run.code, 0);
    const waits = logs(run.messages).filter((l) => /asked to wait 3600 s/.test(l.message));
    assert.ok(waits.length >= 2, `${waits.length} wait lines`);
    for (const wait of waits) {
      assert.equal(wait.level, 'WARN');
      assert.match(
        wait.message,
        /waiting 1 s, the most one wait may last \(rate_limit_wait_max_seconds\); \d+ s of 60 s per sync spent/,
      );
    }
    assert.ok(run.elapsedMs < waits.length * 1000 + 15_000, `${run.elapsedMs} ms for ${waits.length} waits`);
    assert.equal(new Set(run.codes).size, emulator().truth().length, 'every instance read');
  });

  it('waits beyond rate_limit_wait_total_seconds end the sync with a transient error naming the cause', async () => {
    const config = { rate_limit_wait_max_seconds: 1, rate_limit_wait_total_seconds: 2, max_retries: 5 };
    const first = await readWhile(emulator(), { hostileRateLimitEvery: 2, hostileRateLimitResetSec: 3600 }, { config });
    const error = theErrorTrace(first);
    assert.equal(error.failure_type, 'transient_error');
    assert.match(
      error.message,
      /asked for another 3600 s wait on GET \/open-apis\/approval\/v4\/instances \(log id \w+\) after 2 s of such waits/,
    );
    assert.match(error.message, /at most 2 s per sync \(rate_limit_wait_total_seconds\)/);
    await assertResumeDeliversAll(emulator(), first);
  });
});

describe('a detail that fails for good, or answers without data: one TRACE, no crash', () => {
  const emulator = unlimitedEmulatorForSuite(20, 25);

  it('1395001 forever for a fifth of the details, while checkpoints are queued (was: exit 1, empty stdout, a stack on stderr)', async () => {
    const first = await readWhile(
      emulator(),
      { hostileDetailFail: 0.2 },
      { streams: DETAILS, config: { detail_max_concurrency: 4 } },
    );
    const error = theErrorTrace(first);
    assert.equal(error.failure_type, 'transient_error');
    assert.equal(error.stream_descriptor?.name, 'approval_instance_details');
    assert.match(
      error.message,
      /Feishu kept failing after 2 attempts on GET \/open-apis\/approval\/v4\/instances\/:code \(instance '[0-9A-F-]+', approval code/,
    );
    assert.match(error.message, /Feishu code 1395001 .*log id \w+/);
    await assertResumeDeliversAll(emulator(), first, { streams: DETAILS });
  });

  it('code 0 without data: retried, then one TRACE; no record without its instance_code', async () => {
    const first = await readWhile(emulator(), { hostileDetailNoData: true }, { streams: DETAILS });
    assert.match(theErrorTrace(first).message, /answered code 0 without a data object, log id \w+/);
    assert.deepEqual(
      first.codes.filter((c) => typeof c !== 'string'),
      [],
    );
    await assertResumeDeliversAll(emulator(), first, { streams: DETAILS });
  });
});
