import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeishuEmulator } from '../emulator/index.js';
import { NOT_JSON_FORM, UNKNOWN_STATUS } from '../emulator/hostile-detail.js';
import type { JsonObject } from '../src/kit/protocol.js';
import { catalog, logs, records, writeFiles } from '../harness/index.js';
import { truthCodes } from './helpers/sync.js';
import { emulatorConfig } from './helpers/fixtures.js';
import { startListDetailUnlimited } from './helpers/small-emulator.js';
import { runCli } from './helpers/connector.js';

const DETAILS = 'approval_instance_details';
const FIELDS = 'approval_form_fields';
const TASKS = 'approval_tasks';
const TIMELINE = 'approval_timeline';

let emulator: FeishuEmulator | undefined;
after(() => emulator?.stop());

describe('poisoned details (issue 17 §4): null + one WARN per field and sync, the sync goes on', () => {
  it('impossible times, deep or broken forms, unknown statuses and missing fields', async () => {
    emulator = await startListDetailUnlimited({ seed: 51, codeCount: 1, instancesPerCode: 40, pendingRatio: 0 });
    const codes = truthCodes(emulator);
    const [huge, huge2, text, deep, notJson, unknown, missing] = codes;
    emulator.configure({
      hostilePoisonTimeHuge: [huge!, huge2!],
      hostilePoisonTimeText: [text!],
      hostilePoisonDeepForm: [deep!],
      hostilePoisonFormNotJson: [notJson!],
      hostilePoisonUnknownStatus: [unknown!],
      hostilePoisonMissingFields: [missing!],
    });
    const files = writeFiles({
      'config.json': emulatorConfig(emulator, { detail_requests_per_second: 1000 }),
      'catalog.json': catalog('incremental', [DETAILS, FIELDS, TASKS, TIMELINE]),
    });
    const run = await runCli(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(
      run.code,
      0,
      run.stdout
        .split('\n')
        .filter((l) => l.includes('"ERROR"'))
        .join('\n'),
    );

    const details = new Map(records(run.messages, DETAILS).map((r) => [r.data['instance_code'] as string, r.data]));
    assert.equal(details.size, codes.length, 'every instance has its record');
    const d = (code: string): JsonObject => details.get(code)!;
    assert.deepEqual([d(huge!)['start_time'], d(huge2!)['start_time'], d(text!)['start_time']], [null, null, null]);
    assert.equal(d(deep!)['form_parsed'], null);
    assert.deepEqual([d(notJson!)['form'], d(notJson!)['form_parsed']], [NOT_JSON_FORM, null], 'the raw form is kept');
    assert.equal(d(unknown!)['status'], UNKNOWN_STATUS, 'an undocumented status is kept as sent');
    assert.deepEqual([d(missing!)['status'], d(missing!)['start_time'], d(missing!)['form']], [null, null, null]);
    assert.equal(typeof d(codes.at(-1)!)['start_time'], 'string', 'healthy instances are untouched');

    const instancesWith = (stream: string): Set<string> =>
      new Set(records(run.messages, stream).map((r) => r.data['instance_code'] as string));
    for (const code of [deep!, notJson!, missing!])
      assert.ok(!instancesWith(FIELDS).has(code), `no form fields for ${code}`);
    assert.ok(!instancesWith(TASKS).has(missing!) && !instancesWith(TIMELINE).has(missing!));
    assert.equal(instancesWith(FIELDS).size, codes.length - 3);

    const warns = logs(run.messages)
      .filter((l) => l.level === 'WARN')
      .map((l) => l.message);
    const about = (stream: string, field: string): string[] =>
      warns.filter((w) => w.startsWith(`${stream}: `) && w.includes(`: ${field} `));
    // Details are fetched concurrently: the WARN names whichever poisoned instance came first.
    const expected: [string, string, string[]][] = [
      [DETAILS, 'start_time', [huge!, huge2!, text!, missing!]],
      [DETAILS, 'form_parsed', [deep!, notJson!]],
      [DETAILS, 'status', [unknown!, missing!]],
      [FIELDS, 'form', [deep!, notJson!, missing!]],
      [TASKS, 'task_list', [missing!]],
    ];
    for (const [stream, field, poisoned] of expected) {
      const lines = about(stream, field);
      assert.equal(lines.length, 1, `one WARN for ${stream}.${field}: ${lines.join(' | ')}`);
      assert.ok(
        poisoned.some((code) => lines[0]!.includes(`instance ${code}:`)),
        `the WARN names a poisoned instance: ${lines[0]}`,
      );
    }
    const infos = logs(run.messages)
      .filter((l) => l.level === 'INFO')
      .map((l) => l.message);
    assert.ok(
      infos.some((l) => l.startsWith(`${DETAILS}: values that could not be read`) && /start_time 4 /.test(l)),
      'the repeats are counted in one line',
    );
  });
});
