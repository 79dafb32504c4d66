/**
 * Runs connector code on node:test's mocked clock (Date, setTimeout, setInterval), so a check or a
 * read that would wait half a minute for rate budgets and retry backoffs takes a second, and every
 * wait lasts exactly as long as the code asked, however busy the machine. Time moves only while no
 * HTTP request is out: undici announces each request it starts and ends (diagnostics channels), and
 * a request's trip to the emulator (in this process, on the same mocked Date) takes no time at all.
 * The emulator must read Date (its default wall clock) for its own windows to follow.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { MockTimers } from 'node:test';

/** The real timer, taken before any test mocks timers: it waits for real I/O. */
const realSetTimeout = globalThis.setTimeout;
const realWait = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The mocked timers a virtual-clock run needs; call in the test before starting the emulator. */
export function enableVirtualClock(timers: MockTimers, nowMs: number = Date.now()): void {
  timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: nowMs });
}

/**
 * Awaits `work`, moving the mocked clock on `stepMs` at a time whenever every request is answered
 * (10 ms: the rate limiter lets a request leave up to 10 ms early, so its pace never drifts)
 * and the code has settled on its timers. Resolves with its value and the virtual time from its first
 * HTTP request to its end (the files read before it take real I/O, which would move the clock too).
 */
export async function onVirtualClock<T>(
  timers: MockTimers,
  work: () => Promise<T>,
  stepMs = 10,
): Promise<{ value: T; elapsedMs: number }> {
  const out = new Set<object>();
  let firstRequestMs: number | undefined;
  const started = ({ request }: { request: object }): void => {
    firstRequestMs ??= Date.now();
    out.add(request);
  };
  const ended = ({ request }: { request: object }): void => void out.delete(request);
  const channels = {
    'undici:request:create': started,
    'undici:request:trailers': ended,
    'undici:request:error': ended,
  } as Record<string, (message: unknown) => void>;
  for (const [name, handler] of Object.entries(channels)) diagnosticsChannel.subscribe(name, handler);
  let finished = false;
  const running = work().finally(() => {
    finished = true;
  });
  running.catch(() => {});
  try {
    while (!finished) {
      for (let i = 0; i < 4 && !finished; i++) await settle();
      if (finished) break;
      if (out.size > 0) await realWait(1);
      else timers.tick(stepMs);
    }
    const value = await running;
    return { value, elapsedMs: firstRequestMs === undefined ? 0 : Date.now() - firstRequestMs };
  } finally {
    for (const [name, handler] of Object.entries(channels)) diagnosticsChannel.unsubscribe(name, handler);
  }
}
