/** The clocks a test hands the emulator (emulator/clock.ts): one that stands still, one that flows; both only move forward. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, ShiftedClock, wallClock } from '../emulator/index.js';

describe('emulator clocks', () => {
  it('ManualClock stands still until advanced, by exactly what it is told', () => {
    const clock = new ManualClock(1_000);
    assert.equal(clock.now(), 1_000);
    assert.equal(clock.now(), 1_000, 'no time passes by itself');
    assert.equal(clock.advance(999), 1_999);
    assert.equal(clock.advance(0), 1_999);
    assert.equal(clock.now(), 1_999);
  });

  it('ShiftedClock flows with the wall clock, offset by what it was started and advanced with', () => {
    const behind = new ShiftedClock(-5_000);
    const wall = wallClock.now();
    const shifted = behind.now();
    assert.ok(shifted <= wallClock.now() - 5_000 && shifted >= wall - 5_000, `${wall} - 5000 <= ${shifted}`);
    const advanced = behind.advance(5_000);
    assert.ok(advanced >= wall && advanced <= wallClock.now(), 'advanced to the wall clock');
  });

  it('neither goes back, nor takes a non-number', () => {
    for (const clock of [new ManualClock(0), new ShiftedClock()]) {
      for (const ms of [-1, Number.NaN]) assert.throws(() => clock.advance(ms), /advance needs ms >= 0/);
    }
  });
});
