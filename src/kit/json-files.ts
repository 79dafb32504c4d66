import { readFile } from 'node:fs/promises';
import { ConfigError, describe } from './errors.js';

/**
 * Reads a JSON file the platform hands us (config, catalog, state). Every
 * failure is a ConfigError naming the role of the file and its path, never the
 * content (a config holds secrets).
 */
export async function readJsonFile(path: string, role: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? describe(error)})`;
    throw new ConfigError(`The ${role} file '${path}' ${why}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // JSON.parse messages quote a little of the input; keep only the position.
    const position = /position \d+/.exec(describe(error))?.[0];
    throw new ConfigError(`The ${role} file '${path}' is not valid JSON${position ? ` (at ${position})` : ''}.`);
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
