/**
 * The window reader's pagination bound against the emulator: a window that pages past what it
 * could hold stops with a transient error naming it, before emitting anything beyond its pages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { FeishuClient } from '../src/feishu/client.js';
import { clientFor } from './helpers/emulator-client.js';
import { TransientError } from '../src/kit/errors.js';
import { WindowChain, type WindowNode } from '../src/source/scan/window-chain.js';
import { readWindow, type WindowReaderDeps } from '../src/source/scan/window-reader.js';

const HOUR = 3_600_000;
const SPAN_END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const SPAN_START = SPAN_END - 8 * HOUR;

describe('window reader: the pagination bound', () => {
  let emulator: FeishuEmulator;
  let client: FeishuClient;
  before(async () => {
    emulator = await startEmulator({
      codeCount: 1,
      instancesPerCode: 30,
      spanStartMs: SPAN_START,
      spanEndMs: SPAN_END,
      listRateLimit: null,
    });
    client = clientFor(emulator, {
      requestsPerMinute: 1e6,
      maxRetries: 0,
      timeoutMs: 5000,
    });
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  function read(maxPages: number | undefined, emitted: string[]) {
    const range = { startMs: SPAN_START, endMs: SPAN_END };
    const node: WindowNode = new WindowChain(emulator.approvalCodes[0]!, range, [range], undefined).nodes[0]!;
    const deps: WindowReaderDeps = {
      pageSize: 2,
      listPage: (req, signal) => client.listInstanceCodes(req, { signal }),
      emit: (code) => void emitted.push(code),
      splitParts: () => 1,
      enqueue: () => {},
      onPageTokenExpired: () => {},
      ...(maxPages === undefined ? {} : { maxPages }),
    };
    return readWindow(node, deps, AbortSignal.timeout(10_000));
  }

  it('the default bound reads a real window whole (15 pages of 2)', async () => {
    const outcome = await read(undefined, []);
    assert.equal(outcome.kind, 'fetched');
  });

  it('more pages than the bound: a transient error naming the window and the bound', async () => {
    const emitted: string[] = [];
    await assert.rejects(read(5, emitted), (error: unknown) => {
      assert.ok(error instanceof TransientError);
      assert.match(
        error.message,
        /would not stop paging approval code '[0-9A-F-]+' window .* \.\. .*: 5 pages said has_more=true, more than the window could hold \(at most 5 pages/,
      );
      return true;
    });
    assert.ok(emitted.length <= 10, 'nothing beyond the pages read');
  });
});
