/**
 * The Emitter's output promises (issue 13 §1, issue 12 point 6): a lone message reaches a pipe
 * within the flush delay, a STATE is written at once, records stream in batches, and every line
 * that leaves passes the redactor.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Emitter } from '../src/kit/emitter.js';
import { RecordLineTemplate } from '../src/kit/record-template.js';
import { parseProtocolLines } from './helpers/connector.js';

const EMITTER_MODULE = fileURLToPath(new URL('../src/kit/emitter.js', import.meta.url));

/** A stdout that records each write it gets, synchronously. */
class Recorder extends Writable {
  writes: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.writes.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.writes.join('');
  }
}

describe('Emitter: live output', () => {
  it('a lone record reaches a pipe soon, with nothing after it and long before the process ends', async (t) => {
    // The child emits one record, then keeps running for 3 s without writing anything else.
    const script = `
      import { Emitter } from ${JSON.stringify(EMITTER_MODULE)};
      const emitter = new Emitter(process.stdout);
      emitter.record({ stream: 's', data: { n: 1 }, emitted_at: Date.now() });
      setTimeout(() => {}, 3000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const arrival = new Promise<{ atMs: number; line: string }>((resolve) =>
      child.stdout.setEncoding('utf8').once('data', (line: string) => resolve({ atMs: Date.now(), line })),
    );
    let exitedAtMs = 0;
    const exited = new Promise<void>((resolve) => child.on('exit', () => ((exitedAtMs = Date.now()), resolve())));
    const { atMs, line } = await arrival;
    await exited;
    const [message] = parseProtocolLines(line);
    const latencyMs = atMs - (message as { record: { emitted_at: number } }).record.emitted_at;
    t.diagnostic(`a lone record reached the pipe ${latencyMs} ms after it was produced`);
    assert.ok(latencyMs < 1_000, `arrived ${latencyMs} ms after it was produced`);
    assert.ok(atMs < exitedAtMs - 1_000, 'arrived while the process was still running');
  });

  it('writes a STATE at once, and whatever records wait before it', () => {
    const out = new Recorder();
    const emitter = new Emitter(out);
    void emitter.record({ stream: 's', data: { n: 1 }, emitted_at: 1 });
    assert.equal(out.writes.length, 0, 'a record alone waits a little for company');
    void emitter.state({ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { c: 1 } } });
    assert.equal(out.writes.length, 1, 'one write, at once');
    assert.deepEqual(
      parseProtocolLines(out.text).map((m) => m.type),
      ['RECORD', 'STATE'],
    );
  });

  it('batches records that stream fast into few writes', async () => {
    const out = new Recorder();
    const emitter = new Emitter(out);
    const template = new RecordLineTemplate('s', { code: '' }, 'code');
    for (let i = 0; i < 5_000; i++) void emitter.recordLine(template, `code-${i}`, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(parseProtocolLines(out.text).length, 5_000, 'all written by the timer, without close()');
    const chunks = Math.ceil(out.text.length / (64 * 1024));
    assert.ok(
      out.writes.length <= chunks + 1,
      `${out.writes.length} writes for 5,000 records (${chunks} chunks of 64 KiB)`,
    );
    await emitter.close();
  });
});

describe('Emitter: every message passes the redactor', () => {
  const secret = 'sec"ret\\-0123';
  it('masks a secret in records, template records, states, statuses, logs and traces, and keeps the JSON valid', async () => {
    const out = new Recorder();
    const emitter = new Emitter(out);
    const template = new RecordLineTemplate('s', { code: '', note: `fixed ${secret}` }, 'code');
    emitter.redactor.add('another-secret');
    void emitter.recordLine(template, 'plain'); // the template is found clean of the secrets known so far
    void emitter.flush();
    emitter.redactor.add(secret);
    void emitter.recordLine(template, `value ${secret}`);
    void emitter.record({ stream: 's', data: { nested: [{ text: `x${secret}y` }] }, emitted_at: 1 });
    void emitter.state({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 's' }, stream_state: { echoed: secret } },
    });
    void emitter.emit({
      type: 'CONNECTION_STATUS',
      connectionStatus: { status: 'FAILED', message: `server said: bad secret ${secret}` },
    });
    emitter.warn(`log ${secret}`);
    void emitter.errorTrace({
      message: `trace ${secret}`,
      internal_message: secret,
      stack_trace: secret,
      failure_type: 'system_error',
    });
    await emitter.close();
    const afterSecret = out.writes.slice(1).join('');
    assert.ok(!afterSecret.includes('sec"ret') && !afterSecret.includes('sec\\"ret'), afterSecret);
    const messages = parseProtocolLines(afterSecret);
    assert.equal(messages.length, 6);
    // A new secret makes the template's fixed text be checked again.
    assert.equal(afterSecret.split('****').length - 1, 9, afterSecret);
    assert.deepEqual((messages[0] as { record: { data: Record<string, string> } }).record.data, {
      code: 'value ****',
      note: 'fixed ****',
    });
  });
});
