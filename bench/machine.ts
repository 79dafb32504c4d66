/** The machine a benchmark ran on, for results.json and docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  date: string;
  cpus: number;
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryMiB: number;
  /** The lines of `lscpu` that tell machines apart (empty where lscpu is missing). */
  lscpu: Record<string, string>;
}

const LSCPU_FIELDS = [
  'Model name',
  'CPU(s)',
  'Thread(s) per core',
  'Core(s) per socket',
  'Socket(s)',
  'Hypervisor vendor',
  'BogoMIPS',
  'L2 cache',
  'L3 cache',
];

function lscpu(): Record<string, string> {
  try {
    const text = execFileSync('lscpu', { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const fields: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const at = line.indexOf(':');
      const key = line.slice(0, at).trim();
      if (at > 0 && LSCPU_FIELDS.includes(key)) fields[key] = line.slice(at + 1).trim();
    }
    return fields;
  } catch {
    return {};
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what os.cpus() says
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    lscpu: lscpu(),
  };
}
