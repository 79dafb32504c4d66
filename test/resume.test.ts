import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startEmulator, type FeishuEmulator } from '../emulator/index.js';
import type { AirbyteMessage } from '../src/kit/protocol.js';
import { parseProtocolLines, writeFiles } from './helpers/connector.js';
import { CONNECTOR_BIN } from './helpers/paths.js';
import { catalog, emulatorConfig } from './helpers/fixtures.js';
import { assertExactRecordCounts, assertNoDuplicates, assertSameSet, sync, truthCodes } from './helpers/sync.js';

/** A small deterministic PRNG, so each seed kills at its own reproducible point. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs a read and SIGKILLs it once `killAfterRecords` records have reached stdout. */
async function killedRead(args: string[], killAfterRecords: number): Promise<AirbyteMessage[]> {
  const child = spawn(process.execPath, [CONNECTOR_BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  let seen = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    seen += chunk.split('"type":"RECORD"').length - 1;
    if (seen >= killAfterRecords) child.kill('SIGKILL');
  });
  await new Promise((resolve) => child.on('close', resolve));
  return parseProtocolLines(stdout, true);
}

describe('kill -9 and resume', () => {
  let emulator: FeishuEmulator;
  before(async () => {
    emulator = await startEmulator({ seed: 31, codeCount: 2, instancesPerCode: 2500, latencyMs: 1, listRateLimit: null });
  });
  after(() => emulator.stop());

  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}: what the last STATE covers + the resumed sync = truth`, async () => {
      const random = mulberry32(seed);
      const config = emulatorConfig(emulator, { window_hours: 2, page_size: 25, max_concurrency: 1 + Math.floor(random() * 6) });
      const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('incremental') });
      const killAt = 1 + Math.floor(random() * 4900);
      const messages = await killedRead(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!], killAt);
      // The platform keeps records only up to the last STATE it received.
      const lastStateIndex = messages.map((m) => m.type).lastIndexOf('STATE');
      const committed = messages.slice(0, lastStateIndex + 1);
      const committedCodes = committed.flatMap((m) => (m.type === 'RECORD' ? [m.record.data['instance_code'] as string] : []));
      assertNoDuplicates(committedCodes, 'records before the kill');
      assertExactRecordCounts({ messages: committed, code: null, signal: null, stdout: '', stderr: '' });
      const lastState = lastStateIndex >= 0 ? (committed[lastStateIndex] as Extract<AirbyteMessage, { type: 'STATE' }>).state : undefined;
      const resumed = await sync(emulator, { config, state: lastState ? [lastState] : undefined });
      assertNoDuplicates(resumed.codes, 'records of the resumed sync');
      assertExactRecordCounts(resumed);
      assertSameSet([...committedCodes, ...resumed.codes], truthCodes(emulator), `killed after ${killAt} records, resumed`);
      assert.ok(lastState === undefined || resumed.codes.length < 5000, 'the resumed sync did not start over');
    });
  }
});
