/**
 * CLI flags for hostile mode, derived from HOSTILE_SPECS: `--hostile-…` switches take no value,
 * counts take an integer (0 = off), targets take a share in [0, 1] or comma-separated instance codes.
 */
import {
  HOSTILE_SPECS,
  hostileOptionProblem,
  type HostileOptions,
  type HostileSpec,
  type InstanceTarget,
} from './hostile-options.js';

type FlagConfig = { type: 'boolean' } | { type: 'string' };

/** Spread into node:util parseArgs' `options`. */
export const HOSTILE_PARSE_OPTIONS: Record<string, FlagConfig> = Object.fromEntries(
  HOSTILE_SPECS.map((spec) => [spec.flag, spec.kind === 'switch' ? { type: 'boolean' } : { type: 'string' }]),
);

function argHint(spec: HostileSpec): string {
  return { switch: '', count: ' N', target: ' T', codes: ' C' }[spec.kind];
}

export const HOSTILE_USAGE = [
  'hostile mode (all off by default; also settable at run time via POST /_emulator/config):',
  '  T = share of instances in [0, 1] (stable per instance code) or comma-separated instance codes',
  '  C = comma-separated approval codes',
  ...HOSTILE_SPECS.map((spec) => `  --${`${spec.flag}${argHint(spec)}`.padEnd(36)} ${spec.help}`),
].join('\n');

export class HostileFlagError extends Error {
  override name = 'HostileFlagError';
}

function parseValue(spec: HostileSpec, raw: string | boolean): boolean | InstanceTarget {
  if (spec.kind === 'switch') return raw === true;
  const text = String(raw).trim();
  if (spec.kind === 'count') {
    if (!/^\d+$/.test(text)) throw new HostileFlagError(`--${spec.flag} must be an integer >= 0`);
    return Number(text);
  }
  if (spec.kind === 'target' && /^(\d+(\.\d*)?|\.\d+)$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
}

/** The hostile options named by `values` (parseArgs output); absent flags are left out. */
export function parseHostileFlags(values: Record<string, string | boolean | undefined>): Partial<HostileOptions> {
  const out: Record<string, unknown> = {};
  for (const spec of HOSTILE_SPECS) {
    const raw = values[spec.flag];
    if (raw === undefined) continue;
    const value = parseValue(spec, raw);
    const problem = hostileOptionProblem(spec.key, value);
    if (problem) throw new HostileFlagError(`--${spec.flag}: ${problem}`);
    out[spec.key] = value;
  }
  return out;
}
