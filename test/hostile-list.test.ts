/**
 * Issue 17 through the real CLI: a list API that answers with the wrong shape, or pages on
 * forever, ends in one TRACE ERROR naming endpoint, approval code, window (and Feishu's log id
 * when the answer was malformed), within bounded time; the cursor never passes a window whose
 * pages were not all read, so a resume with the server healed delivers every instance.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostileOptions } from '../emulator/index.js';
import { assertResumeDeliversAll, readWhile, theErrorTrace } from './helpers/hostile.js';
import { unlimitedEmulatorForSuite } from './helpers/suite-emulator.js';

const WINDOW = /window \d{4}-\d\d-\d\dT[\d:.]+Z \.\. \d{4}-\d\d-\d\dT[\d:.]+Z/;

describe('a list API answering the wrong shape is retried, then one TRACE; a resume delivers all', () => {
  const emulator = unlimitedEmulatorForSuite(17, 20);

  const malformed: [string, Partial<HostileOptions>, RegExp][] = [
    ['code 0 without data', { hostileListNoData: true }, /without a data object/],
    [
      'a null instance_code_list',
      { hostileListNullCodes: true },
      /data\.instance_code_list is null, expected an array/,
    ],
    [
      'has_more as a string',
      { hostileListHasMoreString: true },
      /data\.has_more is the string "(true|false)", expected a boolean/,
    ],
    [
      'a number among the codes',
      { hostileListNonStringCode: true },
      /data\.instance_code_list\[\d+\] is the number \d+, expected an instance code/,
    ],
    [
      'has_more without page_token',
      { hostileListNoPageToken: true },
      /data\.page_token is missing although data\.has_more is true/,
    ],
  ];
  for (const [what, hostile, cause] of malformed) {
    it(what, async () => {
      // page_size 1: every window has more than one page, so has_more/page_token are exercised.
      const config = { page_size: 1 };
      const first = await readWhile(emulator(), hostile, { config });
      const error = theErrorTrace(first);
      assert.equal(error.failure_type, 'transient_error');
      assert.match(error.message, /GET \/open-apis\/approval\/v4\/instances \(approval code '[0-9A-F-]+', window /);
      assert.match(error.message, WINDOW);
      assert.match(error.message, cause);
      assert.match(error.message, /log id \w+/, "Feishu's log id");
      assert.ok(first.codes.length < emulator().truth().length, 'the broken answers were not read as data');
      await assertResumeDeliversAll(emulator(), first, { config });
    });
  }
});

describe('pagination ends: a window whose pages never end stops with one TRACE', () => {
  const emulator = unlimitedEmulatorForSuite(18, 20);

  it('every page says has_more with a fresh token (empty pages past the end)', async () => {
    const first = await readWhile(emulator(), { hostileListEndless: true });
    const error = theErrorTrace(first);
    assert.equal(error.failure_type, 'transient_error');
    assert.match(error.message, /would not stop paging approval code '[0-9A-F-]+'/);
    assert.match(error.message, WINDOW);
    assert.match(error.message, /\d+ pages in a row listed no instance yet said has_more=true/);
    await assertResumeDeliversAll(emulator(), first);
  });

  it('page tokens that cycle A, B, C, A', async () => {
    const first = await readWhile(emulator(), { hostileListTokenCycle: 3 });
    const error = theErrorTrace(first);
    assert.match(
      error.message,
      /handed out a page_token already followed in this window \(the tokens repeat or cycle\)/,
    );
    assert.match(error.message, WINDOW);
    await assertResumeDeliversAll(emulator(), first);
  });

  it('a token that repeats itself at once (a cycle of one)', async () => {
    const first = await readWhile(emulator(), { hostileListTokenCycle: 1 });
    assert.match(theErrorTrace(first).message, /tokens repeat or cycle/);
    await assertResumeDeliversAll(emulator(), first);
  });
});
