/**
 * Runs the connector in this process, through the same entry as its CLI (src/main.ts calls
 * runConnector with process.argv), with stdout and stderr captured. For tests and tools whose
 * subject is what the connector does, not the process around it: no node start-up per run.
 * What only a real process shows (exit codes, kill -9, flush on exit, escaped rejections) keeps
 * spawn.ts.
 */
import { Writable } from 'node:stream';
import { runConnector } from '../src/kit/runner.js';
import { FeishuApprovalSource } from '../src/source/index.js';
import type { CliOutput } from './spawn.js';

/** A Writable that keeps what it is given as text. */
class TextSink extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    callback();
  }
}

/**
 * `args` as the CLI would get them; resolves with the exit code main.ts would exit with. A run
 * still going after `timeoutMs` rejects (a hang shows as a failed test, not a stuck one).
 */
export async function runConnectorInProcess(args: string[], options: { timeoutMs?: number } = {}): Promise<CliOutput> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const run = runConnector(new FeishuApprovalSource(), args, { stdout, stderr, scriptName: 'source-feishu-approval' });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the in-process run was still going after ${options.timeoutMs ?? 120_000} ms`)),
      options.timeoutMs ?? 120_000,
    );
  });
  try {
    const code = await Promise.race([run, limit]);
    return { code, signal: null, stdout: stdout.text, stderr: stderr.text };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a kill -9 right after the `records`-th RECORD line would leave on the pipe, cut from the
 * stdout of a whole run: everything up to that line plus the start of the next one (a kill lands
 * mid-line as often as not). The emitter writes in order and a kill cannot rewrite what already
 * left, so resuming from this prefix is what resuming after that kill is; one in-process run then
 * stands for many kill points. A run with fewer records is returned whole (signal null: nothing
 * to kill), so a test can tell. The kill of a real process is tested apart (runConnectorUntilKilled).
 */
export function cutAfterRecords(run: CliOutput, records: number): CliOutput {
  let seen = 0;
  let at = 0;
  while (seen < records) {
    const found = run.stdout.indexOf('{"type":"RECORD"', at);
    if (found < 0) return run;
    seen++;
    at = run.stdout.indexOf('\n', found) + 1;
    if (at === 0) return run;
  }
  const next = run.stdout.indexOf('\n', at);
  const partial = next < 0 ? 0 : Math.min(20, next - at);
  return { code: null, signal: 'SIGKILL', stdout: run.stdout.slice(0, at + partial), stderr: run.stderr };
}
