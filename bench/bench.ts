/**
 * `npm run bench` (= build, then `node dist/bench/bench.js [scenario ...]`): runs the scenarios
 * against the embedded emulator, the connector as a real child process, prints a table and writes
 * bench/results.json. With scenario names as arguments only those run (dense limited sparse large details fanout status-recheck);
 * results.json keeps the other scenarios' figures from its previous run, marked as carried over.
 */
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine.js';
import { carryOver, formatTable, writeResults, type BenchReport } from './report.js';
import type { ScenarioResult } from './scenario.js';
import { dense } from './scenarios/dense.js';
import { details } from './scenarios/details.js';
import { detailFanout } from './scenarios/detail-fanout.js';
import { large } from './scenarios/large.js';
import { limited } from './scenarios/limited.js';
import { sparse } from './scenarios/sparse.js';
import { statusRecheck } from './scenarios/status-recheck.js';

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  dense,
  limited,
  sparse,
  large,
  details,
  fanout: detailFanout,
  'status-recheck': statusRecheck,
};
const RESULTS_PATH = fileURLToPath(new URL('../../bench/results.json', import.meta.url));

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
    return 2;
  }
  const names = requested.length > 0 ? requested : Object.keys(SCENARIOS);
  const machine = machineInfo();
  const cpu = machine.lscpu;
  process.stdout.write(
    `bench on ${machine.nproc} × ${cpu['Model name'] ?? machine.cpuModel}${cpu['Hypervisor vendor'] ? ` (${cpu['Hypervisor vendor']} guest)` : ''}, node ${machine.node}, ${machine.date}\n`,
  );
  const started = performance.now();
  const report: BenchReport = {
    command: 'npm run bench',
    machine,
    durationS: 0,
    scenariosRun: names,
    allMet: false,
    scenarios: {},
  };
  for (const name of names) {
    process.stdout.write(`\n[${name}]\n`);
    const t0 = performance.now();
    try {
      report.scenarios[name] = await SCENARIOS[name]!();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`  ${name} FAILED: ${message}\n`);
      report.scenarios[name] = { name, error: message, met: false };
    }
    process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  report.durationS = (performance.now() - started) / 1000;
  if (requested.length > 0) carryOver(RESULTS_PATH, report);
  report.allMet = Object.values(report.scenarios).every((s) => s.met);
  process.stdout.write(`\n${formatTable(report)}\n\n`);
  if (report.carriedOver)
    process.stdout.write(`carried over from ${report.carriedOver.date}: ${report.carriedOver.scenarios.join(', ')}\n`);
  process.stdout.write(
    `${report.allMet ? 'all targets met' : 'SOME TARGETS MISSED'}; ${report.durationS.toFixed(0)} s; results in ${RESULTS_PATH}\n`,
  );
  writeResults(RESULTS_PATH, report);
  return report.allMet ? 0 : 1;
}

process.exitCode = await main();
