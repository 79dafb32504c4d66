import assert from 'node:assert/strict';
import type { AirbyteMessage } from '../../src/kit/protocol.js';
import { cutAfterRecords, runConnectorCli, runConnectorInProcess, type CliOutput } from '../../harness/index.js';
import { protocolErrors } from './protocol-schema.js';

export interface RunResult extends CliOutput {
  messages: AirbyteMessage[];
}

/**
 * Runs the connector's CLI entry (runConnector with these argv) in this process and checks the
 * protocol rule on the way: every stdout line is one JSON message valid against the protocol
 * schema. No node start-up per run; what only a real process shows uses runChild.
 */
export async function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  return withMessages(await runConnectorInProcess(args, options));
}

/** The same, in a child process as the platform runs it: for exit codes, signals, stderr, env. */
export async function runChild(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return withMessages(await runConnectorCli(args, options));
}

/** The argv of a `read` from files: config, catalog and state paths. */
export function readWithState(config: string, catalog: string, state: string): string[] {
  return ['read', '--config', config, '--catalog', catalog, '--state', state];
}

/** Adds the parsed, schema-checked messages to a CLI run's output. */
export function withMessages(output: CliOutput): RunResult {
  return { ...output, messages: parseProtocolLines(output.stdout, output.signal !== null) };
}

/** Parses stdout; a killed process may leave a last partial line, which is dropped. */
export function parseProtocolLines(stdout: string, killed = false): AirbyteMessage[] {
  const lines = stdout.split('\n');
  const last = lines.pop();
  if (last && !killed) assert.fail(`stdout does not end with a newline: ${last.slice(0, 200)}`);
  return lines.map((line, i) => {
    let message: AirbyteMessage;
    try {
      message = JSON.parse(line) as AirbyteMessage;
    } catch {
      assert.fail(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    const errors = protocolErrors(message);
    assert.deepEqual(errors, [], `stdout line ${i + 1} is not a valid AirbyteMessage: ${line.slice(0, 300)}`);
    return message;
  });
}

/**
 * One whole read in this process, then for each of `killAts` what a kill -9 after that many
 * RECORD lines would have left (harness cutAfterRecords), messages parsed and checked.
 */
export async function runCutAt(args: string[], killAts: readonly number[]): Promise<RunResult[]> {
  const whole = await runConnectorInProcess(args);
  assert.equal(whole.code, 0, `the read to cut exited ${whole.code}`);
  return killAts.map((n) => withMessages(cutAfterRecords(whole, n)));
}
