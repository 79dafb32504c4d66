import type { AirbyteStateMessage, ConfiguredAirbyteCatalog, ConnectorSpecification } from './protocol.js';
import { ConfigError } from './errors.js';
import { closestName } from './closest-name.js';
import { isJsonObject, readJsonFile } from './json-files.js';
import { compiledValidator, describeSchemaErrors } from './schema.js';

/**
 * Reads the config and checks it against the connector's own spec; fills in
 * defaults. Values of properties marked `airbyte_secret` are handed to
 * `onSecret` before anything is validated, so no error can echo them. Keys
 * the spec does not know (but `hidden` ones) get one warning, or join the
 * error when the config fails the spec.
 */
export async function loadConfig(
  path: string,
  spec: ConnectorSpecification,
  onSecret: (secret: string) => void = () => {},
  unknownKeys: { hidden?: readonly string[]; warn?: (message: string) => void } = {},
): Promise<Record<string, unknown>> {
  const raw = await readJsonFile(path, 'config');
  if (isJsonObject(raw)) for (const secret of secretValues(raw, spec)) onSecret(secret);
  const unknown = isJsonObject(raw) ? unknownKeysWarning(raw, spec, unknownKeys.hidden) : undefined;
  let config: Record<string, unknown>;
  try {
    config = validateConfig(raw, spec, `config file '${path}'`);
  } catch (error) {
    // A required field "missing" is often one typed under another name (startDate): say which.
    if (unknown && error instanceof ConfigError) throw new ConfigError(`${error.message} ${unknown}`);
    throw error;
  }
  if (unknown) unknownKeys.warn?.(unknown);
  return config;
}

/**
 * One warning naming every top-level key of `raw` that the spec does not know, each with the
 * known key it most likely meant; undefined when there is none. The spec allows other keys (the
 * platform may add its own), so they are ignored, but a mistyped optional field would otherwise
 * fall back to its default without a word. `hidden` keys are known but never named: they are
 * not in the spec, so a user is not meant to learn of them.
 */
export function unknownKeysWarning(
  raw: Record<string, unknown>,
  spec: ConnectorSpecification,
  hidden: readonly string[] = [],
): string | undefined {
  const properties = spec.connectionSpecification['properties'];
  const known = isJsonObject(properties) ? Object.keys(properties) : [];
  const unknown = Object.keys(raw).filter((key) => !known.includes(key) && !hidden.includes(key));
  if (unknown.length === 0) return undefined;
  const described = unknown.map((key) => {
    const meant = closestName(key, known);
    return meant === undefined ? `'${key}'` : `'${key}' (did you mean '${meant}'?)`;
  });
  return `The config has ${unknown.length === 1 ? 'a key' : 'keys'} the connector does not know, ignored: ${described.join(', ')}.`;
}

function secretValues(raw: Record<string, unknown>, spec: ConnectorSpecification): string[] {
  const properties = spec.connectionSpecification['properties'];
  if (!isJsonObject(properties)) return [];
  return Object.entries(properties)
    .filter(
      ([key, schema]) => isJsonObject(schema) && schema['airbyte_secret'] === true && typeof raw[key] === 'string',
    )
    .map(([key]) => raw[key] as string);
}

export function validateConfig(raw: unknown, spec: ConnectorSpecification, where = 'config'): Record<string, unknown> {
  if (!isJsonObject(raw)) throw new ConfigError(`The ${where} must hold a JSON object.`);
  const config = structuredClone(raw);
  const validate = compiledValidator(spec.connectionSpecification, { useDefaults: true });
  if (!validate(config)) {
    throw new ConfigError(
      `The ${where} does not match the connector's spec: ${describeSchemaErrors(validate.errors, 'config')}.`,
    );
  }
  return config;
}

/**
 * A hand-written minimum of ConfiguredAirbyteCatalog: what the runner itself
 * relies on. It is lenient where the platform is: other keys (generation_id,
 * sync_id, ...) pass, and the Java platform serialises unset fields as null.
 * Stream names and sync modes are checked against discover's streams later
 * (catalog.ts); the full protocol schema is checked in tests, not at run time.
 */
const CATALOG_SCHEMA = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stream', 'sync_mode'],
        properties: {
          stream: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string', minLength: 1 }, namespace: { type: ['string', 'null'] } },
          },
          sync_mode: { type: 'string' },
          cursor_field: { type: ['array', 'null'], items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export async function loadCatalog(path: string): Promise<ConfiguredAirbyteCatalog> {
  const raw = await readJsonFile(path, 'catalog');
  const validate = compiledValidator<ConfiguredAirbyteCatalog>(CATALOG_SCHEMA);
  if (!validate(raw)) {
    throw new ConfigError(
      `The catalog file '${path}' is not a configured catalog: ${describeSchemaErrors(validate.errors, 'catalog')}.`,
    );
  }
  return raw;
}

/**
 * The platform passes state as a JSON array of state messages. An empty
 * object or array (and `null`) means "no state"; a lone message object is
 * accepted too, for hand-written files.
 */
export async function loadState(path: string | undefined): Promise<AirbyteStateMessage[]> {
  if (path === undefined) return [];
  const raw = await readJsonFile(path, 'state');
  if (raw === null) return [];
  const list = Array.isArray(raw) ? raw : isJsonObject(raw) && Object.keys(raw).length === 0 ? [] : [raw];
  list.forEach((message, i) => {
    if (
      !isJsonObject(message) ||
      !(isJsonObject(message['stream']) || isJsonObject(message['global']) || isJsonObject(message['data']))
    ) {
      throw new ConfigError(
        `The state file '${path}' is malformed: entry ${i} is not an Airbyte state message (it needs a 'stream' object).`,
      );
    }
  });
  return list as AirbyteStateMessage[];
}
