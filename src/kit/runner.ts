import yargs from 'yargs';
import type { Writable } from 'node:stream';
import { Emitter } from './emitter.js';
import { ConfigError, ConnectorError, describe, toErrorTrace } from './errors.js';
import { loadCatalog, loadConfig, loadState } from './inputs.js';
import { configFieldRows, formatConfigTable } from './spec-table.js';
import type { Source } from './source.js';
import type { LogLevel } from './protocol.js';

type Command = 'spec' | 'check' | 'discover' | 'read';

interface Invocation {
  command: Command;
  config?: string;
  catalog?: string;
  state?: string;
  logLevel: LogLevel;
  /** `spec --pretty`: the config fields as a table for a person, not a protocol message. */
  pretty: boolean;
}

export interface RunOptions {
  stdout?: Writable;
  /** Where help text goes: never stdout, which carries protocol messages only. */
  stderr?: Writable;
  scriptName?: string;
}

/**
 * Runs one command of the Airbyte protocol and returns the exit code. Every
 * failure ends here as exactly one TRACE ERROR (or, for `check`, a FAILED
 * connection status), so nothing but protocol messages reaches stdout.
 */
export async function runConnector<Config>(
  source: Source<Config>,
  argv: string[],
  options: RunOptions = {},
): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const parsed = await parseArguments(argv, options.scriptName ?? 'source').catch(
    (error: unknown): ParsedArguments => ({
      kind: 'usage',
      text: `Invalid command line: ${describe(error)}`,
      code: USAGE_EXIT_CODE,
    }),
  );
  if (parsed.kind === 'usage') {
    // A person typed this (the platform always passes a command and its files): the usage and the
    // problem on stderr, exit 2 as command-line tools do, and stdout left to protocol messages.
    await writeText(stderr, `${parsed.text}\n`);
    return parsed.code;
  }
  const invocation = parsed.invocation;
  if (invocation.command === 'spec' && invocation.pretty) {
    // Asked for by a person at a terminal, so plain text on stdout is what they want to see.
    await writeText(stdout, formatConfigTable(configFieldRows(source.spec().connectionSpecification)));
    return 0;
  }
  const emitter = new Emitter(stdout, { minLevel: invocation.logLevel });
  const code = await dispatch(source, invocation, emitter);
  await emitter.close();
  return code;
}

async function dispatch<Config>(source: Source<Config>, inv: Invocation, emitter: Emitter): Promise<number> {
  if (inv.command === 'check') return check(source, inv, emitter);
  try {
    await guarded(runCommand(source, inv, emitter));
    return 0;
  } catch (error) {
    await emitter.errorTrace(toErrorTrace(error));
    return 1;
  }
}

async function runCommand<Config>(source: Source<Config>, inv: Invocation, emitter: Emitter): Promise<void> {
  if (inv.command === 'spec') {
    await emitter.emit({ type: 'SPEC', spec: source.spec() });
    return;
  }
  const config = await prepareConfig(source, required(inv.config, 'config'), emitter);
  if (inv.command === 'discover') {
    await emitter.emit({ type: 'CATALOG', catalog: await source.discover(config, emitter) });
  } else {
    const catalog = await loadCatalog(required(inv.catalog, 'catalog'));
    const state = await loadState(inv.state);
    await source.read(config, catalog, state, emitter);
  }
}

/**
 * `work`, or the first failure that escapes every await while it runs (a rejection nobody
 * listens to, a throw in a timer). Without this such a failure kills the process with a stack on
 * stderr and no TRACE; with it, it ends in the caller's one TRACE ERROR (or FAILED for check)
 * after everything emitted before it.
 */
async function guarded<T>(work: Promise<T>): Promise<T> {
  let onEscape!: (error: unknown) => void;
  const escaped = new Promise<never>((_, reject) => {
    onEscape = reject;
  });
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  try {
    return await Promise.race([work, escaped]);
  } finally {
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
  }
}

/** `check` answers every problem, a bad config included, with FAILED and exit 0. */
async function check<Config>(source: Source<Config>, inv: Invocation, emitter: Emitter): Promise<number> {
  let message: string;
  try {
    const config = await prepareConfig(source, required(inv.config, 'config'), emitter);
    const status = await guarded(source.check(config, emitter));
    await emitter.emit({ type: 'CONNECTION_STATUS', connectionStatus: status });
    return 0;
  } catch (error) {
    message = error instanceof ConnectorError ? error.message : `Unexpected error: ${describe(error)}`;
    if (!(error instanceof ConnectorError) && error instanceof Error) emitter.error(message, error.stack);
  }
  await emitter.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message } });
  return 0;
}

async function prepareConfig<Config>(source: Source<Config>, path: string, emitter: Emitter): Promise<Config> {
  const raw = await loadConfig(path, source.spec(), (secret) => emitter.redactor.add(secret), {
    hidden: source.hiddenConfigKeys ?? [],
    warn: (message) => emitter.warn(message),
  });
  const config = source.parseConfig(raw);
  for (const secret of source.secrets(config)) emitter.redactor.add(secret);
  return config;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new ConfigError(`Missing required option --${name}.`);
  return value;
}

function writeText(out: Writable, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Exit code of a command line that cannot run: the usage was printed instead (as getopt-style tools do). */
export const USAGE_EXIT_CODE = 2;

/**
 * The command line, parsed: an invocation to run, or text for stderr with the exit code (the help
 * asked for, exit 0; or the usage and what is wrong, exit 2).
 */
type ParsedArguments = { kind: 'run'; invocation: Invocation } | { kind: 'usage'; text: string; code: number };

async function parseArguments(argv: string[], scriptName: string): Promise<ParsedArguments> {
  const parser = yargs(argv)
    .scriptName(scriptName)
    .usage(`Usage: ${scriptName} <command> [options]`)
    .command('spec', 'Print the connector specification', (y) =>
      y.option('pretty', {
        type: 'boolean',
        default: false,
        describe: 'Print the config fields as a table for a person, not as a SPEC message',
      }),
    )
    .command('check', 'Check the connection', (y) =>
      y.option('config', { type: 'string', demandOption: true, describe: 'Config JSON file' }),
    )
    .command('discover', 'Print the catalog', (y) =>
      y.option('config', { type: 'string', demandOption: true, describe: 'Config JSON file' }),
    )
    .command('read', 'Read records', (y) =>
      y
        .option('config', { type: 'string', demandOption: true, describe: 'Config JSON file' })
        .option('catalog', { type: 'string', demandOption: true, describe: 'Configured catalog JSON file' })
        .option('state', { type: 'string', describe: 'State JSON file (an array of state messages)' }),
    )
    .option('log-level', {
      choices: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
      default: 'INFO',
      describe: 'The lowest level of LOG messages printed',
    })
    .demandCommand(1, 1, 'A command is required: spec, check, discover or read.', 'Only one command at a time.')
    .strict()
    .exitProcess(false)
    .wrap(100);
  const { args, output, failure } = await new Promise<{
    args: Record<string, unknown>;
    output: string;
    failure?: Error;
  }>((resolve) => {
    void parser.parse(argv, {}, (err: Error | undefined, parsed: Record<string, unknown>, out: string) => {
      resolve({ args: parsed, output: out, failure: err ?? undefined });
    });
  });
  // On a failure yargs gives the usage with the reason at its end; without one, `output` is the
  // help or version that was asked for.
  if (failure) return { kind: 'usage', text: output || failure.message, code: USAGE_EXIT_CODE };
  if (output) return { kind: 'usage', text: output, code: 0 };
  const command = (args['_'] as unknown[])[0];
  if (command !== 'spec' && command !== 'check' && command !== 'discover' && command !== 'read') {
    return {
      kind: 'usage',
      text: `Unknown command '${String(command)}': use spec, check, discover or read.`,
      code: USAGE_EXIT_CODE,
    };
  }
  return {
    kind: 'run',
    invocation: {
      command,
      config: args['config'] as string | undefined,
      catalog: args['catalog'] as string | undefined,
      state: args['state'] as string | undefined,
      logLevel: args['logLevel'] as LogLevel,
      pretty: args['pretty'] === true,
    },
  };
}
