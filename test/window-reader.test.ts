import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftedClock, startEmulator, type FeishuEmulator } from '../emulator/index.js';
import { FeishuClient } from '../src/feishu/client.js';
import { clientFor } from './helpers/emulator-client.js';
import { TransientError } from '../src/kit/errors.js';
import { WindowChain, type WindowNode } from '../src/source/scan/window-chain.js';
import { EDGE_CODES, readWindow, type WindowReaderDeps } from '../src/source/scan/window-reader.js';

const HOUR = 3_600_000;
const SPAN_END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const SPAN_START = SPAN_END - 8 * HOUR;
const PAGE_SIZE = 40;

let emulator: FeishuEmulator;
const clock = new ShiftedClock();
let client: FeishuClient;
let code: string;

before(async () => {
  // The wall clock, which a test may move on (page-token lifetimes) instead of sleeping.
  emulator = await startEmulator(
    {
      codeCount: 1,
      instancesPerCode: 430,
      spanStartMs: SPAN_START,
      spanEndMs: SPAN_END,
      listRateLimit: null,
      pendingRatio: 0,
    },
    0,
    { clock },
  );
  code = emulator.approvalCodes[0]!;
  client = clientFor(emulator, {
    requestsPerMinute: 1_000_000,
    maxRetries: 2,
    timeoutMs: 5_000,
    retryBaseMs: 5,
  });
});

after(async () => {
  await client.close();
  await emulator.stop();
});

/** One window over the whole emulated span, as the scan would hand it to the reader. */
function wholeSpanWindow(): WindowNode {
  const range = { startMs: SPAN_START, endMs: SPAN_END };
  return new WindowChain(code, range, [range], undefined).nodes[0]!;
}

/** Every instance code the emulator holds for the window, in no particular order. */
function truthCodes(): string[] {
  return emulator
    .truth(code)
    .filter((t) => t.createTimeMs >= SPAN_START && t.createTimeMs <= SPAN_END)
    .map((t) => t.instanceCode);
}

interface Recorder {
  deps: WindowReaderDeps;
  emitted: string[];
  restarts: number;
  enqueued: WindowNode[];
}

function recorder(overrides: Partial<WindowReaderDeps> = {}): Recorder {
  const rec: Recorder = { emitted: [], restarts: 0, enqueued: [], deps: undefined as never };
  rec.deps = {
    pageSize: PAGE_SIZE,
    listPage: (req, signal) => client.listInstanceCodes(req, { signal }),
    emit: (c) => void rec.emitted.push(c),
    splitParts: () => 1,
    enqueue: (nodes) => void rec.enqueued.push(...nodes),
    onPageTokenExpired: () => void rec.restarts++,
    ...overrides,
  };
  return rec;
}

describe('window reader (against the emulator)', () => {
  it('emits every code of the window once and returns the last EDGE_CODES as the tail', async () => {
    emulator.configure({ pageTokenTtlMs: 0, latencyMs: 0 });
    const node = wholeSpanWindow();
    const rec = recorder();
    const outcome = await readWindow(node, rec.deps, AbortSignal.timeout(10_000));
    assert.equal(outcome.kind, 'fetched');
    const tail = outcome.kind === 'fetched' ? outcome.tail : [];
    assert.equal(tail.length, EDGE_CODES, 'the tail is held back for the next window');
    const all = [...rec.emitted, ...tail];
    assert.equal(new Set(all).size, all.length, 'no code twice');
    assert.deepEqual([...all].sort(), truthCodes().sort());
    const head = await node.head;
    assert.deepEqual([...head], all.slice(0, EDGE_CODES), 'the head is the first EDGE_CODES codes listed');
  });

  it('restarts a window whose page token expired and skips the codes it already handled', async () => {
    emulator.configure({ pageTokenTtlMs: 400, latencyMs: 0 });
    const node = wholeSpanWindow();
    let stalled = false;
    const rec = recorder({
      // While the first code is emitted, the emulator's time moves past the token's lifetime, once.
      emit: (c) => {
        rec.emitted.push(c);
        if (!stalled) clock.advance(600);
        stalled = true;
        return undefined;
      },
    });
    const outcome = await readWindow(node, rec.deps, AbortSignal.timeout(20_000));
    emulator.configure({ pageTokenTtlMs: 0 });
    assert.ok(rec.restarts >= 1, 'the expired token restarted the window');
    const all = [...rec.emitted, ...(outcome.kind === 'fetched' ? outcome.tail : [])];
    assert.equal(new Set(all).size, all.length, 'no code twice after the restart');
    assert.deepEqual([...all].sort(), truthCodes().sort(), 'no code lost');
  });

  it('a page token that expires on every page fails as a transient error naming the window and the restarts', async () => {
    // Each request takes 20 ms, each token lives 1 ms: no second page is ever readable.
    emulator.configure({ pageTokenTtlMs: 1, latencyMs: 20 });
    const rec = recorder();
    try {
      await assert.rejects(readWindow(wholeSpanWindow(), rec.deps, AbortSignal.timeout(20_000)), (error: unknown) => {
        assert.ok(error instanceof TransientError, `a TransientError, got ${String(error)}`);
        assert.match(
          error.message,
          new RegExp(
            `approval code '${code}' window ${new Date(SPAN_START).toISOString()} \\.\\. ${new Date(SPAN_END).toISOString()}`,
          ),
        );
        assert.match(error.message, /restarted 10 times/);
        return true;
      });
    } finally {
      emulator.configure({ pageTokenTtlMs: 0, latencyMs: 0 });
    }
    assert.equal(rec.restarts, 10);
  });

  it('splits a dense window on its first page: the parts are queued and nothing is emitted', async () => {
    const node = wholeSpanWindow();
    const rec = recorder({ splitParts: () => 3 });
    const outcome = await readWindow(node, rec.deps, AbortSignal.timeout(10_000));
    assert.deepEqual(outcome, { kind: 'split' });
    assert.deepEqual(rec.emitted, []);
    assert.equal(rec.enqueued.length, 3);
    assert.equal(rec.enqueued[0]!.window.startMs, SPAN_START);
    assert.equal(rec.enqueued[2]!.window.endMs, SPAN_END);
    assert.equal(node.chain.windowCount, 3);
  });

  it('asks whether to split only when the first page says there are more', async () => {
    let asked = 0;
    const rec = recorder({
      pageSize: 100,
      splitParts: () => {
        asked++;
        return 4;
      },
    });
    // Ten minutes of the span hold about nine instances: one page.
    const range = { startMs: SPAN_START, endMs: SPAN_END };
    const narrow = new WindowChain(code, range, [{ startMs: SPAN_START, endMs: SPAN_START + 10 * 60_000 }], undefined)
      .nodes[0]!;
    const outcome = await readWindow(narrow, rec.deps, AbortSignal.timeout(10_000));
    assert.equal(outcome.kind, 'fetched');
    assert.equal(asked, 0);
    assert.deepEqual(rec.enqueued, []);
  });
});
