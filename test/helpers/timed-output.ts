/**
 * A `read` in a child process whose stdout lines are timestamped as they arrive through the pipe,
 * as the platform's reader sees them: for tests of when output leaves, not only what it says.
 */
import { spawnConnector } from '../../harness/index.js';
import type { AirbyteMessage } from '../../src/kit/protocol.js';
import { parseProtocolLines } from './connector.js';

export interface TimedMessage {
  /** Ms since the process was started. */
  atMs: number;
  /** The line as it came (its length is what a STATE costs the platform). */
  line: string;
  message: AirbyteMessage;
}

/** Runs the CLI with `args`; `stopWhen` may SIGKILL it half-way (then `killed`). */
export async function timedRead(
  args: string[],
  stopWhen: (seen: TimedMessage[]) => boolean = () => false,
): Promise<{ seen: TimedMessage[]; code: number | null; killed: boolean }> {
  const started = Date.now();
  const child = spawnConnector(args);
  child.stderr!.resume();
  const seen: TimedMessage[] = [];
  let partial = '';
  let killed = false;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const atMs = Date.now() - started;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    const messages = parseProtocolLines(lines.map((l) => l + '\n').join(''));
    messages.forEach((message, i) => seen.push({ atMs, line: lines[i]!, message }));
    if (!killed && stopWhen(seen)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { seen, code, killed };
}
