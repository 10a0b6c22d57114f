import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetOf, toMillis } from '../primitives/time.ts';

// Simulated times are parsed from their fields (faster than Date.parse); they must give exactly
// what Date.parse gives, for real dates and odd ones (day 31 of June, hour 24, second 60).
describe('simulated time parsing', () => {
  it('toMillis agrees with Date.parse on random ISO times, valid or not', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const time = fc
      .tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.option(fc.integer({ min: 0, max: 61 })), fc.constantFrom('Z', '-05:00', '+05:30', '+14:00', '-12:00'))
      .map(([y, mo, d, h, mi, se, off]) => `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}${se === null ? '' : ':' + two(se)}${off}`);
    fc.assert(
      fc.property(time, (t) => {
        const want = Date.parse(t);
        if (Number.isNaN(want)) expect(() => toMillis(t)).toThrow(/not a time/);
        else expect(toMillis(t)).toBe(want);
      }),
      { numRuns: 20_000, seed: 3 },
    );
  });

  it('reads the offset a time is written in, and refuses a time without one', () => {
    expect(offsetOf('2025-06-11T16:53:00-05:00')).toBe(-300);
    expect(offsetOf('2025-06-11T16:53Z')).toBe(0);
    expect(offsetOf('2025-06-11T16:53:00+05:30')).toBe(330);
    expect(toMillis('2025-06-11')).toBe(Date.parse('2025-06-11'));
    expect(() => offsetOf('2025-06-11')).toThrow(/not an ISO time with offset/);
  });
});
