import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirbyteMessage, AirbyteRecordMessage, AirbyteStateMessage } from '../../src/kit/protocol.js';
import { CONNECTOR_BIN } from './paths.js';
import { protocolErrors } from './protocol-schema.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  messages: AirbyteMessage[];
}

/**
 * Runs the real CLI as the platform does and checks the protocol rule on the
 * way: every stdout line is one JSON message valid against the protocol schema.
 */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [CONNECTOR_BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, options.timeoutMs ?? 120_000);
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve({ code, signal, stdout, stderr, messages: parseProtocolLines(stdout, signal !== null) });
      } catch (error) {
        reject(error);
      }
    });
  });
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

export function records(messages: AirbyteMessage[], stream?: string): AirbyteRecordMessage[] {
  return messages.flatMap((m) => (m.type === 'RECORD' && (!stream || m.record.stream === stream) ? [m.record] : []));
}

export function states(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  return messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
}

export function traces(messages: AirbyteMessage[], type?: string) {
  return messages.flatMap((m) => (m.type === 'TRACE' && (!type || m.trace.type === type) ? [m.trace] : []));
}

export function logs(messages: AirbyteMessage[]) {
  return messages.flatMap((m) => (m.type === 'LOG' ? [m.log] : []));
}

/** A fresh folder with the given JSON files; returns their paths by name. */
export function writeFiles(files: Record<string, unknown>): Record<string, string> & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'feishu-approval-test-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = path;
  }
  return Object.assign(paths, { dir });
}
