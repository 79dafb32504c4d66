/** The printed table and bench/results.json. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.js';
import type { ScenarioResult } from './scenario.js';

export interface BenchReport {
  command: string;
  machine: MachineInfo;
  durationS: number;
  scenariosRun: string[];
  allMet: boolean;
  scenarios: Record<string, ScenarioResult | { name: string; error: string; met: false }>;
  /** Scenarios not run this time, kept from the earlier results.json (its date and machine). */
  carriedOver?: { date: string; cpuModel: string; scenarios: string[] };
}

/**
 * When only some scenarios ran, the others keep their figures from the previous results.json,
 * named as carried over with that run's date and machine.
 */
export function carryOver(path: string, report: BenchReport): void {
  if (!existsSync(path)) return;
  const previous = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  const kept = Object.keys(previous.scenarios ?? {}).filter((name) => !(name in report.scenarios));
  if (kept.length === 0) return;
  const from =
    previous.carriedOver && kept.every((name) => previous.carriedOver!.scenarios.includes(name))
      ? previous.carriedOver
      : undefined;
  report.carriedOver = {
    date: from?.date ?? previous.machine.date,
    cpuModel: from?.cpuModel ?? previous.machine.cpuModel,
    scenarios: kept,
  };
  for (const name of kept) report.scenarios[name] = previous.scenarios[name]!;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatTable(report: BenchReport): string {
  const rows: string[][] = [['scenario', 'figure', 'measured', 'target', 'met']];
  for (const result of Object.values(report.scenarios)) {
    if ('error' in result) {
      rows.push([result.name, 'run failed', result.error.slice(0, 120), '-', 'NO']);
      continue;
    }
    for (const note of result.notes) rows.push([result.name, note.figure, note.shown, '', '']);
    for (const check of result.checks)
      rows.push([result.name, check.figure, check.shown, check.target, check.met ? 'yes' : 'NO']);
    for (const e of result.exactness) {
      const r = e.result;
      rows.push([
        result.name,
        `exact: ${e.run}`,
        r.exact
          ? `${r.unique}/${r.expected} codes, 0 dup`
          : `${r.unique}/${r.expected}, ${r.duplicates} dup, ${r.missing} missing, ${r.unexpected} extra`,
        'set = truth',
        r.exact ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => pad(c, widths[i]!)).join(' | ') + ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export function writeResults(path: string, report: BenchReport): void {
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}
