/** The machine a benchmark ran on, for results.json and docs/benchmarks.md. */
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
  };
}
