/**
 * Contract 23 item 3: what happens to a deleted instance, and to one removed before its code could be
 * known, is said in the same words in the spec (status_recheck_days), the README (its text and its
 * config table) and the user docs (their config table and the recheck section).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/index.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
/** Markdown emphasis and code marks do not change the words; line breaks are spaces. */
const words = (text: string): string => text.replace(/[`*]/g, '').replace(/\s+/g, ' ');
const occurrences = (text: string, sentence: string): number => words(text).split(sentence).length - 1;

const spec = JSON.parse(read('spec/spec.json')) as {
  connectionSpecification: { properties: Record<string, { description: string }> };
};
const description = spec.connectionSpecification.properties['status_recheck_days']!.description;
const start = description.indexOf('An instance deleted in Feishu');
const end = description.indexOf('counted in a WARN.', start);

test('the spec says what happens to deleted and vanished instances', () => {
  assert.ok(start >= 0 && end > start, `status_recheck_days description: ${description}`);
  assert.match(description.slice(start, end), /1390003/);
  assert.match(description.slice(start, end), /keeps its rows as last synced/);
});

test('the README and the docs say it in the same words, in the text and in the config table', () => {
  const sentence = words(description.slice(start, end + 'counted in a WARN.'.length));
  assert.equal(occurrences(read('README.md'), sentence), 2, 'README: the intro and the config table');
  assert.equal(
    occurrences(read('docs/integrations/sources/feishu-approval.md'), sentence),
    2,
    'docs: the recheck section and the config table',
  );
});
