/**
 * Issue 25 §5: the known config key a mistyped one most likely meant, pure, from a table of cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from '../src/kit/closest-name.js';
import { SPEC_FIELDS } from '../src/source/config/spec-fields.js';

const KNOWN = Object.keys(SPEC_FIELDS);

test('closestName: the key a typo meant, or none when nothing is close', () => {
  const cases: [typed: string, meant: string | undefined][] = [
    ['endDate', 'end_date'],
    ['end-date', 'end_date'],
    ['START_DATE', 'start_date'],
    ['lookback_minute', 'lookback_minutes'],
    ['lookback', undefined],
    ['window_hour', 'window_hours'],
    ['pagesize', 'page_size'],
    ['page_sise', 'page_size'],
    ['approval_code', 'approval_codes'],
    ['appoval_codes', 'approval_codes'],
    ['app_secert', 'app_secret'],
    ['secret', 'app_secret'],
    ['base_uri', 'base_url'],
    ['baseURL', 'base_url'],
    ['max_retry', 'max_retries'],
    ['status_recheck_day', 'status_recheck_days'],
    ['detail_request_per_minute', 'detail_requests_per_minute'],
    ['query_requests_per_sec', 'query_requests_per_second'],
    ['timeout', undefined],
    ['credentials', undefined],
    ['', undefined],
  ];
  for (const [typed, meant] of cases) assert.equal(closestName(typed, KNOWN), meant, typed);
});

test('closestName: a tie goes to the earlier known name', () => {
  assert.equal(closestName('ab', ['ac', 'ad']), 'ac');
  assert.equal(closestName('ab', ['ad', 'ac']), 'ad');
});

test('editDistance: insert, delete, substitute and swap each cost one', () => {
  const cases: [a: string, b: string, distance: number][] = [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abcd', 1],
    ['abcd', 'abc', 1],
    ['abc', 'abd', 1],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, distance] of cases) assert.equal(editDistance(a, b), distance, `${a} -> ${b}`);
});
