import { startEmulator, type EmulatorClock, type EmulatorOptions, type FeishuEmulator } from '../../emulator/index.js';

/** An emulator with one approval code and ten instances, for client tests; `options` set what they exercise. */
export function startTenInstances(seed: number, options: Partial<EmulatorOptions> = {}): Promise<FeishuEmulator> {
  return startEmulator({ seed, codeCount: 1, instancesPerCode: 10, ...options });
}

/** An emulator whose instances were created from `fromAgoMs` until `toAgoMs` before `now`. */
export function startSpanAgo(
  now: number,
  fromAgoMs: number,
  toAgoMs: number,
  options: Partial<EmulatorOptions>,
): Promise<FeishuEmulator> {
  return startEmulator({ ...options, spanStartMs: now - fromAgoMs, spanEndMs: now - toAgoMs });
}

/** An emulator with the list and detail rate limits off (the other limits as documented). */
export function startListDetailUnlimited(options: Partial<EmulatorOptions>): Promise<FeishuEmulator> {
  return startEmulator({ ...options, listRateLimit: null, detailRateLimit: null });
}

/** Starts an emulator with `options` (on `clock` when given), runs `body` against it, and stops it whatever happens. */
export async function withStartedEmulator<T>(
  options: Partial<EmulatorOptions>,
  body: (emu: FeishuEmulator) => Promise<T>,
  clock?: EmulatorClock,
): Promise<T> {
  const emu = await startEmulator(options, 0, clock ? { clock } : {});
  try {
    return await body(emu);
  } finally {
    await emu.stop();
  }
}
