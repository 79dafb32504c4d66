/**
 * One emulator per describe block, started before its tests and stopped after them, so test files
 * do not each repeat the let/before/after dance. Not a test file itself.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startEmulator, type EmulatorOptions, type FeishuEmulator } from '../../emulator/index.js';
import { hourFloor, HOUR_MS } from '../../harness/index.js';

/** Registers the hooks on the enclosing describe block; the getter hands out the running emulator. */
export function emulatorForSuite(options: Partial<EmulatorOptions>): () => FeishuEmulator {
  let emulator: FeishuEmulator | undefined;
  before(async () => {
    emulator = await startEmulator(options);
  });
  after(() => emulator?.stop());
  return () => {
    assert.ok(emulator, 'the emulator starts before the tests of its block');
    return emulator;
  };
}

/** Two codes over the last 48 hours with every rate limit off: the hostile CLI tests' emulator. */
export function unlimitedEmulatorForSuite(seed: number, instancesPerCode: number): () => FeishuEmulator {
  return emulatorForSuite({
    seed,
    codeCount: 2,
    instancesPerCode,
    spanStartMs: hourFloor(Date.now()) - 48 * HOUR_MS,
    listRateLimit: null,
    approvalRateLimit: null,
    detailRateLimit: null,
  });
}
