/**
 * Issue 25 §8: every stream schema discover declares leaves `additionalProperties` true or absent at
 * every level, as Airbyte's acceptance test test_additional_properties_is_true requires: `false`
 * turns any field Feishu adds into a breaking change. The check runs over discover's whole
 * catalog through the CLI, so streams added later are held to it too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeFiles } from '../harness/index.js';
import { runCli } from './helpers/connector.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { emulatorForSuite } from './helpers/suite-emulator.js';

/** Every value of the key `additionalProperties` anywhere in `node`, with its path (CAT's find_all_values_for_key_in_schema). */
function additionalPropertiesValues(node: unknown, path = '$'): { path: string; value: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => additionalPropertiesValues(item, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === 'additionalProperties' ? [{ path: `${path}.${key}`, value }] : []),
    ...additionalPropertiesValues(value, `${path}.${key}`),
  ]);
}

describe('stream schemas stay open', () => {
  const emulator = emulatorForSuite({ seed: 83, codeCount: 2, instancesPerCode: 5 });

  it('the finder sees every level: nested objects, array items, lists of schemas', () => {
    const schema = {
      additionalProperties: true,
      properties: {
        a: { type: 'object', additionalProperties: false },
        b: {
          type: 'array',
          items: { type: 'object', properties: { c: { additionalProperties: { type: 'string' } } } },
        },
        d: { anyOf: [{ additionalProperties: false }, { type: 'null' }] },
      },
    };
    assert.deepEqual(
      additionalPropertiesValues(schema)
        .filter(({ value }) => value !== true)
        .map(({ path }) => path),
      [
        '$.properties.a.additionalProperties',
        '$.properties.b.items.properties.c.additionalProperties',
        '$.properties.d.anyOf[0].additionalProperties',
      ],
    );
  });

  it("every stream of discover's catalog: additionalProperties true or absent at every level", async () => {
    const files = writeFiles({ 'config.json': emulatorConfig(emulator()) });
    const run = await runCli(['discover', '--config', files['config.json']!]);
    assert.equal(run.code, 0);
    const found = run.messages.find((m) => m.type === 'CATALOG');
    assert.ok(found?.type === 'CATALOG');
    assert.ok(found.catalog.streams.length >= 6, 'the whole catalog');
    const closed = found.catalog.streams.flatMap((stream) =>
      additionalPropertiesValues(stream.json_schema)
        .filter(({ value }) => value !== true)
        .map(({ path, value }) => `${stream.name} ${path} = ${JSON.stringify(value)}`),
    );
    assert.deepEqual(closed, []);
  });
});
