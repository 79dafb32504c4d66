/**
 * `npm run test:slow`: issue 25 item 1 in real time. `check` with 300 approval codes against the
 * emulator at Feishu's documented limits (its defaults), with the connector's default config and
 * 20 ms per answer, answers within 30 s of wall-clock time with no 99991400, logging progress as it
 * goes. test/check-scale.test.ts runs the same on the mocked clock in about a second.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEmulator } from '../../emulator/index.js';
import { connectionConfig, logs, writeFiles } from '../../harness/index.js';
import { runCli } from '../helpers/connector.js';

describe('check at the documented limits, in real time', () => {
  it('300 approval codes: SUCCEEDED within 30 s, no 99991400, progress lines', async (t) => {
    const emulator = await startEmulator({
      seed: 2500,
      codeCount: 300,
      instancesPerCode: 2,
      employeeIdScope: true,
      latencyMs: 20,
    });
    try {
      const files = writeFiles({ 'config.json': connectionConfig(emulator) });
      const started = Date.now();
      const result = await runCli(['check', '--config', files['config.json']!], { timeoutMs: 120_000 });
      const seconds = (Date.now() - started) / 1000;
      const status = result.messages.find((m) => m.type === 'CONNECTION_STATUS');
      const progress = logs(result.messages).filter((l) => l.message.startsWith('Check: '));
      t.diagnostic(
        `${seconds.toFixed(1)} s; ${JSON.stringify(emulator.stats().requests)}; ${progress.length} progress lines`,
      );
      assert.deepEqual(status?.type === 'CONNECTION_STATUS' && status.connectionStatus, { status: 'SUCCEEDED' });
      assert.ok(seconds <= 30, `check took ${seconds} s`);
      assert.equal(emulator.stats().responsesByCode['99991400'] ?? 0, 0);
      assert.ok(progress.length >= Math.floor(seconds / 5) - 1, `${progress.length} progress lines in ${seconds} s`);
    } finally {
      await emulator.stop();
    }
  });
});
