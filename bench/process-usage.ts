/**
 * Peak RSS and CPU seconds of one child process.
 *
 * Preferred: GNU `/usr/bin/time -o FILE -f ...` wraps the child and reports its rusage after it is
 * reaped (exact, covers the very end of the run). Fallback when it is missing: sample
 * /proc/<pid>/status (VmHWM, a high-water mark) and /proc/<pid>/stat (utime + stime) every 50 ms;
 * the last sample before exit can miss up to 50 ms of CPU.
 */
import { existsSync, readFileSync } from 'node:fs';

export const GNU_TIME = '/usr/bin/time';
const TIME_FORMAT = '%M %U %S %e';

export interface ProcessUsage {
  peakRssMiB: number;
  userCpuS: number;
  sysCpuS: number;
  cpuS: number;
  source: 'gnu-time' | 'proc-sampling';
}

export function haveGnuTime(): boolean {
  return process.platform === 'linux' && existsSync(GNU_TIME) && process.env['BENCH_NO_GNU_TIME'] !== '1';
}

/** argv prefix that makes /usr/bin/time write the child's usage to `outFile`. */
export function gnuTimeArgs(outFile: string): string[] {
  return ['-f', TIME_FORMAT, '-o', outFile];
}

/** Parses the file written by `gnuTimeArgs` (the last line; time may prepend "Command exited ..."). */
export function readGnuTime(outFile: string): ProcessUsage | undefined {
  if (!existsSync(outFile)) return undefined;
  const lines = readFileSync(outFile, 'utf8').trim().split('\n');
  const parts = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
  if (parts.length < 3 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [maxRssKiB, user, sys] = parts as [number, number, number];
  return { peakRssMiB: maxRssKiB / 1024, userCpuS: user, sysCpuS: sys, cpuS: user + sys, source: 'gnu-time' };
}

/** Samples /proc/<pid> until stopped; `stop()` returns the last figures seen. */
export function sampleProc(pid: number, everyMs = 50): { stop(): ProcessUsage | undefined } {
  const ticksPerS = 100; // USER_HZ on Linux
  let last: ProcessUsage | undefined;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const user = Number(fields[11]) / ticksPerS;
      const sys = Number(fields[12]) / ticksPerS;
      if (hwm)
        last = {
          peakRssMiB: Number(hwm[1]) / 1024,
          userCpuS: user,
          sysCpuS: sys,
          cpuS: user + sys,
          source: 'proc-sampling',
        };
    } catch {
      // the process is gone (or a zombie without Vm lines): keep the previous sample
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return last;
    },
  };
}
