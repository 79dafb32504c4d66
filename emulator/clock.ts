/**
 * The emulator's notion of "now". Everything the emulator decides by time reads it: the status
 * model (PENDING → final), token expiry, rate-limit windows, page-token TTLs, late indexing and
 * the bulk query's lag. The wall clock by default; a test passes a ManualClock to move time
 * itself (`advance`) instead of sleeping, so a timed assertion holds however loaded the machine.
 * Latency and trickled answers stay in real time: they are what the client waits for.
 */
export interface EmulatorClock {
  now(): number;
}

export const wallClock: EmulatorClock = { now: () => Date.now() };

/** Stands still at `startMs` until the test advances it. */
export class ManualClock implements EmulatorClock {
  private ms: number;

  constructor(startMs: number = Date.now()) {
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  /** Moves time forward by `ms` (never back: the emulator's histories are in time order). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance needs ms >= 0, got ${ms}`);
    this.ms += ms;
    return this.ms;
  }
}
