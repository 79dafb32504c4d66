/**
 * The emulator's notion of "now". Everything the emulator decides by time reads it: the status
 * model (PENDING → final), token expiry, rate-limit windows, page-token TTLs, late indexing and
 * the bulk query's lag. The wall clock by default; a test passes a ManualClock (time stands still)
 * or a ShiftedClock (time flows) and moves it on itself (`advance`) instead of sleeping, so a timed
 * assertion holds however loaded the machine. Stats keep real arrival times: they measure the client.
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

/**
 * The wall clock shifted by an offset the test moves: time flows (rate-limit windows slide as the
 * client paces itself) and `advance` jumps it ahead. Started behind the wall clock (a negative
 * offset), the emulator can later be advanced to it without ever running ahead of its client.
 */
export class ShiftedClock implements EmulatorClock {
  constructor(private offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!(ms >= 0)) throw new Error(`ShiftedClock.advance needs ms >= 0, got ${ms}`);
    this.offsetMs += ms;
    return this.now();
  }
}
