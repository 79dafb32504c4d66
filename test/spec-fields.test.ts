import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../src/kit/errors.js';
import { parseConfig } from '../src/source/config/config.js';
import { loadSpec } from '../src/source/spec.js';
import { readSpecConfig, SPEC_FIELDS, type SpecFieldKind } from '../src/source/config/spec-fields.js';

interface PropertySchema {
  type?: string;
  default?: unknown;
  items?: { type?: string };
}

const schema = loadSpec().connectionSpecification as { required: string[]; properties: Record<string, PropertySchema> };

/** The kind SPEC_FIELDS must give a property of spec.json. */
function kindInSpec(field: string, property: PropertySchema): SpecFieldKind | string {
  const optional = !schema.required.includes(field) && property.default === undefined;
  if (property.type === 'array') return `${property.items?.type ?? '?'}[]`;
  return `${property.type}${optional ? '?' : ''}`;
}

const VALID = {
  app_id: 'cli_x',
  app_secret: 's3cret-value',
  approval_codes: [' A '],
  start_date: '2024-01-01',
  base_url: 'https://open.feishu.cn',
  ...Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([, p]) => p.type === 'integer')
      .map(([f, p]) => [f, p.default]),
  ),
};

describe('config type and spec/spec.json', () => {
  it('SPEC_FIELDS lists exactly the properties of the spec', () => {
    assert.deepEqual(Object.keys(SPEC_FIELDS).sort(), Object.keys(schema.properties).sort());
  });

  it("each field's kind is the spec's type, optional only when the spec neither requires nor defaults it", () => {
    const mismatches = Object.entries(schema.properties)
      .map(([field, property]) => ({
        field,
        spec: kindInSpec(field, property),
        declared: SPEC_FIELDS[field as keyof typeof SPEC_FIELDS],
      }))
      .filter((m) => m.spec !== m.declared);
    assert.deepEqual(mismatches, []);
  });

  it('a config with the spec defaults reads into the typed config', () => {
    const config = parseConfig(VALID);
    assert.deepEqual(config.approvalCodes, ['A']);
    assert.equal(config.windowMs, (schema.properties['window_hours']!.default as number) * 3_600_000);
    assert.equal(config.endMs, undefined);
  });

  it('a field of the wrong type is named, and its value is not echoed', () => {
    assert.throws(
      () => readSpecConfig({ ...VALID, app_secret: 42 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /config\.app_secret must be a string; got number/.test(e.message) &&
        !e.message.includes('42'),
    );
    assert.throws(() => readSpecConfig({ ...VALID, page_size: 1.5 }), /config\.page_size must be an integer/);
    assert.throws(
      () => readSpecConfig({ ...VALID, approval_codes: ['A', 7] }),
      /config\.approval_codes must be an array of strings/,
    );
  });
});
