import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/util/time.js';

describe('isoTime', () => {
  it('matches Date#toISOString across milliseconds, seconds, days and years, in any order', () => {
    const times = [
      Date.UTC(2026, 10, 28, 23, 59, 59, 999),
      Date.UTC(2026, 10, 29, 0, 0, 0, 0),
      Date.UTC(2026, 10, 29, 0, 0, 0, 7),
      Date.UTC(2026, 10, 29, 0, 0, 0, 70),
      Date.UTC(2026, 10, 28, 23, 59, 59, 998),
      Date.UTC(2027, 0, 1, 0, 0, 0, 1),
      0,
      1_795_909_152_123,
    ];
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('drops a fraction of a millisecond, as Date does', () => {
    expect(isoTime(1_795_909_152_123.9)).toBe(new Date(1_795_909_152_123.9).toISOString());
  });
});
