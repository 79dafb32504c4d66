/**
 * Runs the real connector CLI (`node dist/src/main.js read --config F --catalog F`) as a child
 * process, the way the platform does, and reads its stdout as a stream: every line is parsed as an
 * Airbyte message, records are counted and their instance codes collected; stdout is never held
 * in memory whole.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTOR_BIN, catalog, writeFiles } from '../harness/index.js';
import { GNU_TIME, gnuTimeArgs, haveGnuTime, readGnuTime, sampleProc, type ProcessUsage } from './process-usage.js';

/** BENCH_CONNECTOR_BIN points the bench at another build (e.g. a patched copy, for an A/B comparison). */
const BENCH_BIN = process.env['BENCH_CONNECTOR_BIN'] || CONNECTOR_BIN;

export interface ConnectorRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit, node start-up included. */
  wallS: number;
  /** Spawn to the first RECORD line. */
  firstRecordS: number | undefined;
  records: number;
  /** Instance codes read, each once. */
  codes: Set<string>;
  /** Records whose instance code had already been read in this run. */
  duplicates: number;
  stdoutBytes: number;
  errorTraces: string[];
  /** LOG lines at INFO and above whose text matters for the report (partition / sync summaries). */
  summaryLogs: string[];
  usage: ProcessUsage | undefined;
  stderrTail: string;
}

/**
 * BENCH_NODE_ARGS: extra node flags for the connector child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * to profile it, or `--max-semi-space-size=...` to try a GC setting. Split on spaces.
 */
function nodeFlags(): string[] {
  return (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a.length > 0);
}

interface Message {
  type?: string;
  record?: { data?: { instance_code?: unknown } };
  log?: { level?: string; message?: string };
  trace?: { type?: string; error?: { message?: string; internal_message?: string } };
}

/** `bin`: another program taking the connector's arguments (the bench's floor program); the connector by default. */
export async function runConnectorRead(
  config: Record<string, unknown>,
  options: { timeoutMs?: number; streams?: string[]; bin?: string } = {},
): Promise<ConnectorRun> {
  const files = writeFiles({ 'config.json': config, 'catalog.json': catalog('full_refresh', options.streams) });
  try {
    const usageFile = join(files.dir, 'usage.txt');
    const nodeArgs = [
      ...(options.bin ? [] : nodeFlags()),
      options.bin ?? BENCH_BIN,
      'read',
      '--config',
      files['config.json']!,
      '--catalog',
      files['catalog.json']!,
    ];
    const wrapped = haveGnuTime();
    const [command, args] = wrapped
      ? [GNU_TIME, [...gnuTimeArgs(usageFile), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    return await run(command, args, wrapped ? () => readGnuTime(usageFile) : undefined, options.timeoutMs ?? 600_000);
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
}

/** Kills the child and, when it is /usr/bin/time, the node process under it (Linux /proc). */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const c of children) process.kill(Number(c), 'SIGKILL');
  } catch {
    // no /proc, or already gone
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function run(
  command: string,
  args: string[],
  usageAfterExit: (() => ProcessUsage | undefined) | undefined,
  timeoutMs: number,
): Promise<ConnectorRun> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = usageAfterExit || child.pid === undefined ? undefined : sampleProc(child.pid);
  const result: ConnectorRun = {
    exitCode: null,
    signal: null,
    wallS: 0,
    firstRecordS: undefined,
    records: 0,
    codes: new Set(),
    duplicates: 0,
    stdoutBytes: 0,
    errorTraces: [],
    summaryLogs: [],
    usage: undefined,
    stderrTail: '',
  };

  const onLine = (line: string) => {
    if (line.length === 0) return;
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      result.errorTraces.push(`stdout line is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (message.type === 'RECORD') {
      if (result.records === 0) result.firstRecordS = (performance.now() - started) / 1000;
      result.records++;
      const code = message.record?.data?.instance_code;
      if (typeof code !== 'string') {
        result.errorTraces.push(`record without instance_code: ${line.slice(0, 200)}`);
      } else if (result.codes.has(code)) {
        result.duplicates++;
      } else {
        result.codes.add(code);
      }
    } else if (message.type === 'TRACE' && message.trace?.type === 'ERROR') {
      result.errorTraces.push(message.trace.error?.message ?? line.slice(0, 300));
    } else if (
      message.type === 'LOG' &&
      message.log?.message &&
      /^(Sync finished|Partition .*: done)/.test(message.log.message)
    ) {
      result.summaryLogs.push(message.log.message);
    }
  };

  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    result.stdoutBytes += Buffer.byteLength(chunk);
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    result.stderrTail = (result.stderrTail + chunk).slice(-4000);
  });
  const timer = setTimeout(() => killTree(child.pid), timeoutMs);

  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      sampler?.stop();
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (rest) onLine(rest);
      result.exitCode = code;
      result.signal = signal;
      result.wallS = (performance.now() - started) / 1000;
      result.usage = usageAfterExit ? usageAfterExit() : sampler?.stop();
      resolve(result);
    });
  });
}
