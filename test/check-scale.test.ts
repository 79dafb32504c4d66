/**
 * Issue 25 item 1: `check` with 300 approval codes at Feishu's documented limits (the emulator's and
 * the connector's defaults) answers within 30 s, says how far it got at least every 10 s, and keeps
 * every line short. On the mocked clock (helpers/virtual-clock.ts): the 30 s are the limiter's and the
 * emulator's time, exactly, and the test takes about a second.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../emulator/index.js';
import { connectionConfig, logs, writeFiles } from '../harness/index.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import { PROGRESS_EVERY_MS } from '../src/source/check/progress.js';
import { runCli } from './helpers/connector.js';
import { enableVirtualClock, onVirtualClock } from './helpers/virtual-clock.js';

function connectionStatus(messages: AirbyteMessage[]) {
  const found = messages.flatMap((m) => (m.type === 'CONNECTION_STATUS' ? [m.connectionStatus] : []));
  assert.equal(found.length, 1);
  return found[0]!;
}

describe('check with 300 approval codes at the documented limits', () => {
  it('answers within 30 s, a progress line at least every 10 s, every line short', async (t) => {
    enableVirtualClock(t.mock.timers);
    const emulator = await startEmulator({ seed: 25, codeCount: 300, instancesPerCode: 2, employeeIdScope: true });
    try {
      const files = writeFiles({ 'config.json': connectionConfig(emulator) });
      const { value: result, elapsedMs } = await onVirtualClock(t.mock.timers, () =>
        runCli(['check', '--config', files['config.json']!]),
      );
      const status = connectionStatus(result.messages);
      const stats = emulator.stats();
      t.diagnostic(`check took ${elapsedMs} ms of limiter time; requests ${JSON.stringify(stats.requests)}`);
      assert.deepEqual(status, { status: 'SUCCEEDED' });
      assert.ok(elapsedMs <= 30_000, `check took ${elapsedMs} ms`);
      assert.equal(stats.requests['query'], 300, 'each code asked once, through the bulk query');
      assert.ok((stats.requests['approval'] ?? 0) >= 1, 'the definition API probed');
      assert.equal(stats.requests['list'], 1);
      assert.equal(stats.requests['detail'], 1);
      assert.deepEqual([stats.requests['users'], stats.requests['departments']], [1, 1], 'the contact API probed');
      assert.equal(stats.responsesByCode['99991400'] ?? 0, 0, 'never refused for going too fast');
      const lines = logs(result.messages);
      const progress = lines.filter((l) => l.message.startsWith('Check: '));
      t.diagnostic(progress.map((l) => l.message).join(' | '));
      // One every PROGRESS_EVERY_MS (5 s) of the run: none of its 10 s goes without one.
      assert.ok(progress.length >= Math.floor(elapsedMs / PROGRESS_EVERY_MS), `${progress.length} progress lines`);
      assert.match(progress[0]!.message, /^Check: \d+ of 300 approval codes answered, \d+ definitions read, 5 s\.$/);
      for (const l of lines) assert.ok(l.message.length <= 400, `a ${l.message.length}-character line: ${l.message}`);
    } finally {
      await emulator.stop();
    }
  });

  it('the bulk query refused: every code through the definition API (3 minutes at 100/min), still saying how far it got', async (t) => {
    enableVirtualClock(t.mock.timers);
    const emulator = await startEmulator({
      seed: 25,
      codeCount: 300,
      instancesPerCode: 2,
      employeeIdScope: true,
      deniedEndpoints: ['query'],
    });
    try {
      const files = writeFiles({ 'config.json': connectionConfig(emulator) });
      const { value: result, elapsedMs } = await onVirtualClock(t.mock.timers, () =>
        runCli(['check', '--config', files['config.json']!], { timeoutMs: 600_000 }),
      );
      const status = connectionStatus(result.messages);
      const stats = emulator.stats();
      t.diagnostic(`check took ${elapsedMs} ms of limiter time; requests ${JSON.stringify(stats.requests)}`);
      assert.equal(status.status, 'SUCCEEDED');
      assert.match(status.message ?? '', /^Missing scope approval:approval\.list:readonly \(bulk query API refused/);
      assert.equal(stats.requests['approval'], 300, 'each code asked once, through the definition API');
      assert.equal(stats.responsesByCode['99991400'] ?? 0, 0, 'never refused for going too fast');
      const progress = logs(result.messages).filter((l) => l.message.startsWith('Check: '));
      assert.ok(progress.length >= Math.floor(elapsedMs / PROGRESS_EVERY_MS), `${progress.length} progress lines`);
      assert.match(
        progress.at(-1)!.message,
        /^Check: 29\d of 300 approval codes answered, 29\d definitions read, 1\d\d s\.$/,
      );
    } finally {
      await emulator.stop();
    }
  });
});
