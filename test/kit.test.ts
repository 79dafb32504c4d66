import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Emitter } from '../src/kit/emitter.js';
import { Redactor } from '../src/kit/redactor.js';
import { RecordLineTemplate } from '../src/kit/record-template.js';
import { ConfigError, TransientError, toErrorTrace } from '../src/kit/errors.js';
import { runConnector } from '../src/kit/runner.js';
import type { Source } from '../src/kit/source.js';
import { writeFiles } from '../harness/index.js';
import { parseProtocolLines } from './helpers/connector.js';

/** A stdout that takes one chunk every few milliseconds and remembers how much was ever queued. */
class SlowStdout extends Writable {
  text = '';
  peakQueued = 0;
  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    this.peakQueued = Math.max(this.peakQueued, this.writableLength);
    setTimeout(done, 2);
  }
}

describe('Emitter', () => {
  it('waits for a slow stdout instead of buffering a whole sync in memory', async () => {
    const out = new SlowStdout();
    const emitter = new Emitter(out);
    const started = Date.now();
    for (let i = 0; i < 20_000; i++) {
      const pending = emitter.record({ stream: 's', data: { i, pad: 'x'.repeat(40) }, emitted_at: started });
      if (pending) await pending;
    }
    await emitter.close();
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines.length, 20_000);
    assert.equal(JSON.parse(lines[19_999]!).record.data.i, 19_999);
    assert.ok(out.peakQueued < 256 * 1024, `at most a few chunks queued (peak ${out.peakQueued} bytes)`);
  });

  it('masks registered secrets in LOG and TRACE messages', async () => {
    const out = new SlowStdout();
    const emitter = new Emitter(out);
    emitter.redactor.add('t-abcdef123456');
    emitter.info('token is t-abcdef123456 here');
    void emitter.errorTrace(toErrorTrace(new Error('failed with t-abcdef123456')));
    await emitter.close();
    assert.ok(!out.text.includes('t-abcdef123456'));
    assert.equal(
      out.text.split('****').length - 1,
      4,
      'the log line, and the trace message, internal message and stack trace',
    );
  });

  it('drops LOG messages below the minimum level', async () => {
    const out = new SlowStdout();
    const emitter = new Emitter(out, { minLevel: 'WARN' });
    emitter.info('quiet');
    emitter.warn('loud');
    await emitter.close();
    assert.deepEqual(
      parseProtocolLines(out.text).map((m) => (m as { log: { message: string } }).log.message),
      ['loud'],
    );
  });
});

describe('RecordLineTemplate', () => {
  it('writes exactly what JSON.stringify of the whole message writes', () => {
    const data = {
      approval_code: 'A"1',
      instance_code: '',
      created_after: '2024-01-01T00:00:00.000Z',
      created_before: '2024-01-01T10:00:00.000Z',
    };
    const template = new RecordLineTemplate('approval_instances', data, 'instance_code');
    for (const value of [
      '7C468A54-8745-2245-9675-08B7C63E7A85',
      'quote " and \\ backslash',
      'ünïcödé 审批',
      'control \u0001 \n',
      '',
    ]) {
      const expected =
        JSON.stringify({
          type: 'RECORD',
          record: { stream: 'approval_instances', data: { ...data, instance_code: value }, emitted_at: 1712345678901 },
        }) + '\n';
      assert.equal(template.line(value, 1712345678901), expected);
    }
  });
});

describe('Redactor', () => {
  it('masks a secret made of digits where it stands as a JSON number, however long, and leaves other numbers', () => {
    const redactor = new Redactor();
    redactor.add('98765432109876543210');
    redactor.add('55667788');
    const line =
      '{"a":98765432109876543210,"b":[-55667788,155667788,"x\\"55667788"],"c":1755667788000,"55667788":55667788.5}\n';
    const out = redactor.redactLine(line);
    assert.deepEqual(JSON.parse(out), {
      a: '****',
      b: ['****', 155667788, 'x"****'],
      c: 1755667788000,
      '****': 55667788.5,
    });
  });
  it('ignores values too short to be secrets', () => {
    const r = new Redactor();
    r.add('ab');
    r.add('longsecret');
    assert.equal(r.redact('ab longsecret'), 'ab ****');
  });
});

describe('toErrorTrace', () => {
  it('keeps the failure type of connector errors and calls anything else a system error', () => {
    assert.equal(toErrorTrace(new ConfigError('fix it')).failure_type, 'config_error');
    assert.equal(toErrorTrace(new TransientError('later')).failure_type, 'transient_error');
    const trace = toErrorTrace(new TypeError('boom'), 'stream_a');
    assert.equal(trace.failure_type, 'system_error');
    assert.match(trace.message, /boom/);
    assert.deepEqual(trace.stream_descriptor, { name: 'stream_a' });
    assert.match(trace.stack_trace!, /TypeError/);
  });
});

describe('runConnector', () => {
  const source: Source<{ token: string }> = {
    spec: () => ({
      connectionSpecification: {
        type: 'object',
        required: ['token'],
        properties: { token: { type: 'string', airbyte_secret: true } },
      },
    }),
    parseConfig: (raw) => ({ token: raw['token'] as string }),
    secrets: (c) => [c.token],
    check: async () => ({ status: 'SUCCEEDED' }),
    discover: async () => ({ streams: [] }),
    read: async (config) => {
      throw new Error(`exploded while holding ${config.token}`);
    },
  };

  async function run(argv: string[]) {
    const out = new SlowStdout();
    const err = new SlowStdout();
    const code = await runConnector(source, argv, { stdout: out, stderr: err });
    return { code, messages: parseProtocolLines(out.text), stderr: err.text };
  }

  it('spec prints the spec; help goes to stderr, never stdout', async () => {
    const spec = await run(['spec']);
    assert.equal(spec.code, 0);
    assert.equal(spec.messages[0]!.type, 'SPEC');
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.equal(help.messages.length, 0);
    assert.match(help.stderr, /Commands:/);
  });

  it('an unexpected error in read becomes one system_error TRACE with the secret masked, exit 1', async () => {
    const files = writeFiles({ 'config.json': { token: 'secret-token-value' }, 'catalog.json': { streams: [] } });
    const result = await run(['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!]);
    assert.equal(result.code, 1);
    assert.equal(result.messages.length, 1);
    const trace = (result.messages[0] as { trace: { error: { failure_type: string; message: string } } }).trace;
    assert.equal(trace.error.failure_type, 'system_error');
    assert.match(trace.error.message, /exploded while holding \*\*\*\*/);
  });

  it('check turns a config that fails the spec into FAILED, exit 0', async () => {
    const files = writeFiles({ 'config.json': { token: 42 } });
    const result = await run(['check', '--config', files['config.json']!]);
    assert.equal(result.code, 0);
    assert.deepEqual(
      result.messages.map((m) => m.type),
      ['CONNECTION_STATUS'],
    );
    assert.match(
      (result.messages[0] as { connectionStatus: { message: string } }).connectionStatus.message,
      /config\.token must be string/,
    );
  });
});
