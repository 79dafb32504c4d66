/**
 * Issue 17 point 5: a failure that escapes every await (a promise rejecting with nobody
 * listening, a throw in a timer) still ends in the one TRACE ERROR and exit 1, after everything
 * emitted before it; never a stack on stderr with an empty stdout. A small source in a child
 * process plays the bug, through the kit's real runner.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectOutput, REPO_ROOT, writeFiles } from '../harness/index.js';
import { parseProtocolLines } from './helpers/connector.js';

const RUNNER = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'kit', 'runner.js')).href;

/** A source whose read emits a record, then fails in the way `escape` says, and never settles. */
function script(escape: string): string {
  return `
import { runConnector } from '${RUNNER}';
const spec = { connectionSpecification: { type: 'object', properties: {} } };
const source = {
  spec: () => spec, parseConfig: (raw) => raw, secrets: () => [],
  check: async () => ({ status: 'SUCCEEDED' }), discover: async () => ({ streams: [] }),
  read: async (config, catalog, state, emitter) => {
    await emitter.record({ stream: 's', data: { n: 1 }, emitted_at: 1 });
    ${escape}
    await new Promise(() => {}); // the read itself never settles
  },
};
const code = await runConnector(source, process.argv.slice(2));
process.exit(code);
`;
}

const escapes: [string, string][] = [
  ['a rejection nobody listens to', `Promise.reject(new Error('checkpoint chain broke'));`],
  ['a throw in a timer', `setTimeout(() => { throw new Error('checkpoint chain broke'); }, 5);`],
];

describe('a failure that escapes every await ends in the one TRACE ERROR', () => {
  for (const [name, escape] of escapes) {
    it(name, async () => {
      const files = writeFiles({ 'source.mjs': script(escape), 'config.json': {}, 'catalog.json': { streams: [] } });
      const child = spawn(
        process.execPath,
        [files['source.mjs']!, 'read', '--config', files['config.json']!, '--catalog', files['catalog.json']!],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const out = await collectOutput(child, 20_000);
      assert.equal(out.signal, null, 'it ended on its own');
      assert.equal(out.code, 1);
      assert.equal(out.stderr, '');
      const messages = parseProtocolLines(out.stdout);
      assert.deepEqual(
        messages.map((m) => m.type),
        ['RECORD', 'TRACE'],
        'the record before the failure reached stdout, then the trace',
      );
      const trace = messages[1]!.type === 'TRACE' ? messages[1]!.trace : undefined;
      assert.equal(trace?.type, 'ERROR');
      assert.match(trace?.error?.message ?? '', /checkpoint chain broke/);
    });
  }
});
