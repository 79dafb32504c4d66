import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDepth,
  jsonTextDepth,
  parseDate,
  parseJsonText,
  parseMsTimestamp,
  parseNumber,
  valueDepth,
  type Parsed,
} from '../src/source/values/safe-parse.js';

const shown = (p: Parsed<unknown>): unknown => ('problem' in p ? `problem: ${p.problem}` : p.value);

describe('safe parsers answer a value or a problem, never throw', () => {
  const table: { name: string; run: () => Parsed<unknown>; expected: unknown }[] = [
    { name: 'ms string', run: () => parseMsTimestamp('1704067200000'), expected: '2024-01-01T00:00:00.000Z' },
    { name: 'ms number', run: () => parseMsTimestamp(1704067200000), expected: '2024-01-01T00:00:00.000Z' },
    { name: '"0" is open', run: () => parseMsTimestamp('0'), expected: null },
    { name: 'absent', run: () => parseMsTimestamp(undefined), expected: null },
    {
      name: 'beyond any Date',
      run: () => parseMsTimestamp('99999999999999999'),
      expected: 'problem: is outside the range of dates',
    },
    { name: 'negative', run: () => parseMsTimestamp('-5'), expected: 'problem: is outside the range of dates' },
    { name: 'text', run: () => parseMsTimestamp('abc'), expected: 'problem: is not a Unix time in milliseconds' },
    {
      name: 'ISO text is not ms',
      run: () => parseMsTimestamp('2024-01-01'),
      expected: 'problem: is not a Unix time in milliseconds',
    },
    {
      name: 'RFC 3339 with offset',
      run: () => parseDate('2024-01-01T08:00:00+08:00'),
      expected: '2024-01-01T00:00:00.000Z',
    },
    { name: 'date only', run: () => parseDate('2024-01-01'), expected: '2024-01-01T00:00:00.000Z' },
    { name: 'month 13', run: () => parseDate('2024-13-01T00:00:00Z'), expected: 'problem: is not a date' },
    { name: 'date as object', run: () => parseDate({}), expected: 'problem: is not a date' },
    { name: 'number', run: () => parseNumber(3.5), expected: 3.5 },
    { name: 'numeric string with separators', run: () => parseNumber('1,000.25'), expected: 1000.25 },
    { name: 'not a number', run: () => parseNumber('12abc'), expected: 'problem: is not a number' },
    { name: 'Infinity', run: () => parseNumber('Infinity'), expected: 'problem: is not a number' },
    { name: 'boolean', run: () => parseNumber(true), expected: 'problem: is not a number' },
    { name: 'JSON', run: () => parseJsonText('[{"a":"[[[["}]'), expected: [{ a: '[[[[' }] },
    { name: 'JSON empty', run: () => parseJsonText(''), expected: null },
    { name: 'not JSON', run: () => parseJsonText('{nope'), expected: 'problem: is not valid JSON' },
    {
      name: 'JSON too deep',
      run: () => parseJsonText('['.repeat(33) + ']'.repeat(33)),
      expected: 'problem: nests deeper than 32 levels',
    },
    {
      name: 'JSON at the limit',
      run: () => parseJsonText('['.repeat(32) + ']'.repeat(32), 32),
      expected: JSON.parse('['.repeat(32) + ']'.repeat(32)),
    },
    {
      name: 'parsed value too deep',
      run: () => checkDepth(JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown),
      expected: 'problem: nests deeper than 32 levels',
    },
  ];
  for (const row of table) it(row.name, () => assert.deepEqual(shown(row.run()), row.expected));

  it('depth counters ignore brackets in strings and stop early on hostile input', () => {
    assert.equal(jsonTextDepth('{"a":"{{{{\\"{{"}', 10), 1);
    assert.equal(jsonTextDepth('['.repeat(1_000_000), 5), 6);
    assert.equal(valueDepth({ a: [1, { b: 2 }] }, 10), 3);
    assert.equal(valueDepth('flat', 10), 0);
  });
});
