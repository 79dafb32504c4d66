/**
 * Issue 25 §4: a person at a terminal. No command, an unknown one or a missing option prints the
 * usage and the problem on stderr and exits 2, with nothing on stdout (no JSON, no stack trace);
 * the help texts read as sentences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runConnectorCli, runConnectorInProcess } from '../harness/index.js';

describe('command line: usage on stderr, exit 2', () => {
  it('bare invocation, as a real process: usage on stderr, exit 2, stdout empty, no stack trace', async () => {
    const run = await runConnectorCli([]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Usage: source-feishu-approval <command> \[options\]/);
    assert.match(run.stderr, /Commands:[\s\S]*spec[\s\S]*check[\s\S]*discover[\s\S]*read/);
    assert.match(run.stderr, /A command is required: spec, check, discover or read\./);
    assert.doesNotMatch(run.stderr, /\bat .*\.js:\d+|stack_trace|"type":/);
  });

  const cases: { args: string[]; says: RegExp }[] = [
    { args: ['sync'], says: /Unknown argument: sync/ },
    { args: ['spec', '--verbose'], says: /Unknown argument: verbose/ },
    { args: ['discover'], says: /Missing required argument: config/ },
    { args: ['read', '--config', 'c.json'], says: /Missing required argument: catalog/ },
    { args: ['--log-level', 'LOUD', 'spec'], says: /Invalid values:[\s\S]*log-level/ },
    { args: ['spec', 'check'], says: /Only one command at a time|Unknown argument: check/ },
  ];
  for (const { args, says } of cases) {
    it(`${JSON.stringify(args)}: the usage and the problem on stderr, exit 2, nothing on stdout`, async () => {
      const run = await runConnectorInProcess(args);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, says);
      assert.match(run.stderr, /Options:/, 'with the usage');
    });
  }

  it('--help answers on stderr with exit 0, and every option reads as a sentence', async () => {
    for (const args of [['--help'], ['spec', '--help'], ['read', '--help']]) {
      const run = await runConnectorInProcess(args);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, '');
      // A description runs into yargs's annotations when the column is full ("printed[choices: ...").
      assert.doesNotMatch(run.stderr, /\w\[(choices|default|boolean|string|required)/, run.stderr);
      assert.match(run.stderr, /--log-level\s+The lowest level of LOG messages printed/);
    }
    const spec = await runConnectorInProcess(['spec', '--help']);
    assert.match(spec.stderr, /--pretty\s+Print the config fields as a table for a person, not as a SPEC message/);
    assert.doesNotMatch(spec.stderr, /instead\s*\[/, '--pretty says instead of what');
  });
});
