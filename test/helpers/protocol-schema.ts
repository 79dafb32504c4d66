import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { HAVE_SHARED, SHARED_REFERENCE } from '../../harness/index.js';

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
    const doc = parse(readFileSync(join(SHARED_REFERENCE, 'airbyte_protocol.yaml'), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ ...doc, $id: 'airbyte_protocol' });
    validate = ajv.getSchema(`airbyte_protocol#/definitions/${definition}`)!;
    validators.set(definition, validate);
  }
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
