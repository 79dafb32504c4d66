import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { HAVE_SHARED, REPO_ROOT, SHARED_REFERENCE } from '../../harness/index.js';

const require = createRequire(import.meta.url);
/** The ajv options of every protocol validator; part of the cache key. */
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;
/** Compiled validators kept as code between test processes (each test file is a process of its own). */
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'source-feishu-approval');

let validators: Map<string, ValidateFunction> | undefined;
let warned = false;

/**
 * Validates a value against a definition of ../shared/reference/airbyte_protocol.yaml.
 * Without ../shared the check is skipped, and a note says so once.
 */
export function protocolErrors(value: unknown, definition = 'AirbyteMessage'): string[] {
  if (!HAVE_SHARED) {
    if (!warned) {
      warned = true;
      console.log(
        '# note: ../shared/reference/airbyte_protocol.yaml is absent; protocol schema assertions are skipped',
      );
    }
    return [];
  }
  validators ??= new Map();
  let validate = validators.get(definition);
  if (!validate) {
    validate = loadValidator(definition);
    validators.set(definition, validate);
  }
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/**
 * The validator of `definition`: parsing the YAML and compiling it costs about 0.35 s of CPU, paid
 * by some forty test files otherwise. The first process compiles it and writes ajv's standalone
 * code, keyed by the schema text, ajv's version and the options; the others load that code. Same
 * schema, same options: the same validation and the same errors.
 */
function loadValidator(definition: string): ValidateFunction {
  const text = readFileSync(join(SHARED_REFERENCE, 'airbyte_protocol.yaml'), 'utf8');
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([text, ajvVersion, AJV_OPTIONS, definition]))
    .digest('hex')
    .slice(0, 24);
  const file = join(CACHE_DIR, `protocol-${key}.cjs`);
  try {
    return require(file) as ValidateFunction;
  } catch {
    // Not cached yet (or unreadable): compile below.
  }
  const { parse } = require('yaml') as typeof import('yaml');
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: StandaloneCode }).default;
  const doc = parse(text) as Record<string, unknown>;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  ajv.addSchema({ ...doc, $id: 'airbyte_protocol' });
  const validate = ajv.getSchema(`airbyte_protocol#/definitions/${definition}`)!;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole then renamed: a file running beside this one never loads half of it.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, standaloneCode(ajv, validate));
    renameSync(tmp, file);
  } catch {
    // A read-only tree only loses the cache.
  }
  return validate;
}

type StandaloneCode = (ajv: AjvClass, refsOrFunc?: ValidateFunction) => string;
