/**
 * Socket-level hostile behaviour: a body that trickles out one byte at a time. Headers (with the
 * true Content-Length) leave at once, so only a whole-request deadline — not a per-chunk body
 * timeout, which every byte restarts — can stop a client from waiting.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Writes `text` one byte every `intervalMs`. Stops quietly when the client goes away or `signal`
 * (the emulator's shutdown) aborts; never rejects.
 */
export async function writeSlowly(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  text: string,
  intervalMs: number,
  signal: AbortSignal,
): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const stop = AbortSignal.any([signal, gone.signal]);
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  res.flushHeaders();
  try {
    for (let i = 0; i < bytes.length; i++) {
      await sleep(intervalMs, undefined, { signal: stop });
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + 1));
    }
    res.end();
  } catch {
    // Aborted: the socket is closing or closed, there is nobody left to write to.
    if (!res.destroyed) res.destroy();
  }
}
