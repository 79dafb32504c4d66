import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** RFC 3339 full-date, optionally followed by a time and an offset. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * A real calendar date, with or without a time (Date.parse rolls 2024-02-31
 * over to March; a real date must survive the round trip). Config values may
 * be either; the `date-time` format below, like the Airbyte server's, needs the time.
 */
export function isRealDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (m[4] && (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59)) return false;
  return !Number.isNaN(Date.parse(m[4] ? value : `${value}T00:00:00Z`));
}

/** JSON Schema's `date-time` (RFC 3339 date-time): a date alone is not one. */
export function isRfc3339DateTime(value: string): boolean {
  return /T/i.test(value) && isRealDateTime(value);
}

/** JSON Schema's `date` (RFC 3339 full-date). */
export function isRfc3339Date(value: string): boolean {
  return !/T/i.test(value) && isRealDateTime(value);
}

/**
 * One ajv instance for the connector. `strict: false` because Airbyte specs
 * carry UI keywords (airbyte_secret, order, airbyte_hidden) that are not JSON
 * Schema; `useDefaults` fills the spec's defaults into the config object.
 */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv {
  // verbose: each error carries its schema and value, so a message can say what to type (pattern_descriptor).
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, useDefaults: options.useDefaults ?? false });
  // As strict as the Airbyte server, which validates configs with format assertion.
  ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
  ajv.addFormat('date', { type: 'string', validate: isRfc3339Date });
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
  return ajv;
}

/** Validators by options and schema text (compiledValidator). */
const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for `schema`, compiled once per process for each schema text: a fresh ajv and its
 * compile cost tens of ms, paid on every config and catalog read otherwise (many reads in one
 * process under tests and tools). Same options, same schema text: the same validator.
 */
export function compiledValidator<T = unknown>(
  schema: object,
  options: { useDefaults?: boolean } = {},
): ValidateFunction<T> {
  const key = `${options.useDefaults === true ? 'defaults' : 'plain'}:${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = createAjv(options).compile(schema);
    compiled.set(key, validate);
  }
  return validate as ValidateFunction<T>;
}

/** Turns ajv's errors into one sentence that names each field at fault. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined, root: string): string {
  if (!errors || errors.length === 0) return `${root} is invalid`;
  const parts = new Set<string>();
  for (const error of errors) {
    // ajv reports each branch of a failed `if`; the concrete errors follow anyway.
    if (error.keyword === 'if') continue;
    const field = root + error.instancePath.replace(/\//g, '.');
    if (error.keyword === 'required') {
      parts.add(`${field}.${String(error.params['missingProperty'])} is required`);
    } else if (error.keyword === 'additionalProperties') {
      parts.add(`${field} has an unknown property '${String(error.params['additionalProperty'])}'`);
    } else if (error.keyword === 'pattern' && typeof error.parentSchema?.['pattern_descriptor'] === 'string') {
      parts.add(describePatternError(field, error));
    } else if (error.keyword === 'enum') {
      parts.add(`${field} must be one of ${JSON.stringify(error.params['allowedValues'])}`);
    } else {
      parts.add(`${field} ${error.message ?? 'is invalid'}`);
    }
  }
  return [...parts].join('; ');
}

/**
 * A value that does not match its field's pattern, said as the form to type (Airbyte's
 * `pattern_descriptor`) and an example, never as the regular expression. The value is shown
 * unless the field is a secret.
 */
function describePatternError(field: string, error: ErrorObject): string {
  const schema = error.parentSchema ?? {};
  const examples: unknown = schema['examples'];
  const example = Array.isArray(examples) && typeof examples[0] === 'string' ? ` (e.g. ${examples[0]})` : '';
  const shown = schema['airbyte_secret'] !== true && typeof error.data === 'string' ? ` '${error.data}'` : '';
  return `${field}${shown} must be written as ${String(schema['pattern_descriptor'])}${example}`;
}

export type { ValidateFunction };
