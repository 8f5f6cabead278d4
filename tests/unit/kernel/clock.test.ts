import { describe, expect, it, vi } from 'vitest';
import { SimClock } from '../../../electron/core/kernel/clock';

function fakeReal(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SimClock', () => {
  it('follows real time by default and runs faster when asked', () => {
    const real = fakeReal();
    const clock = new SimClock({ simAnchor: 5_000 }, real.now);
    real.advance(1000);
    expect(clock.now()).toBe(6_000);
    clock.setSpeed(10);
    real.advance(1000);
    expect(clock.now()).toBe(16_000);
    clock.dispose();
  });

  it('stands still when paused and jumps ahead on advance, firing due timers in order', () => {
    const real = fakeReal();
    const clock = new SimClock({ simAnchor: 0 }, real.now);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@2000'), 2000);
    clock.setTimeout(() => fired.push('a@1000'), 1000);
    clock.setTimeout(() => fired.push('c@9000'), 9000);
    clock.pause();
    real.advance(60_000);
    expect(clock.now()).toBe(0);
    clock.advance(5000);
    expect(fired).toEqual(['a@1000', 'b@2000']);
    expect(clock.now()).toBe(5000);
    clock.dispose();
  });

  it('fires timers on simulated time, scaled by speed', async () => {
    vi.useFakeTimers();
    try {
      const clock = new SimClock({}, () => Date.now());
      clock.setSpeed(100);
      const fn = vi.fn();
      clock.setTimeout(fn, 10_000); // 10 simulated seconds = 100 real ms at 100×
      vi.advanceTimersByTime(99);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(2);
      expect(fn).toHaveBeenCalledOnce();
      clock.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects nonsense speeds and negative advances', () => {
    const clock = new SimClock();
    expect(() => clock.setSpeed(0)).toThrow(RangeError);
    expect(() => clock.setSpeed(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    clock.dispose();
  });
});
