/** Runs the connector's CLI in a child process, as the platform does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CONNECTOR_BIN } from './paths.js';

export interface CliOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnConnector(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, [CONNECTOR_BIN, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Gathers a child's stdout and stderr until it exits; SIGKILLs it after `timeoutMs`. */
export function collectOutput(child: ChildProcess, timeoutMs = 120_000): Promise<CliOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runConnectorCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliOutput> {
  return collectOutput(spawnConnector(args, options), options.timeoutMs);
}

/** Runs the CLI and SIGKILLs it once `killAfterRecords` RECORD lines have reached stdout, as a crash would. */
export function runConnectorUntilKilled(args: string[], killAfterRecords: number): Promise<CliOutput> {
  const child = spawnConnector(args);
  const output = collectOutput(child); // sets stdout's encoding: chunks below are strings
  let seen = 0;
  child.stdout!.on('data', (chunk: string) => {
    seen += chunk.split('"type":"RECORD"').length - 1;
    if (seen >= killAfterRecords) child.kill('SIGKILL');
  });
  return output;
}
