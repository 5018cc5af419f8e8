import { describe, expect, it } from 'vitest';
import type { AttemptResult } from '../../src/delivery/attempt.js';
import {
  DEFAULT_TIME_SCALE,
  NO_RETRIES,
  PRODUCTION_DELAYS_MS,
  compress,
  parseRetryAfter,
  planRetry,
  productionSchedule,
  type Schedule,
} from '../../src/delivery/schedule.js';
import { parseSchedule } from '../../src/cli/delivery/schedule-flags.js';
import { InputError } from '../../src/errors.js';

const response = (status: number, headers: Record<string, string> = {}): AttemptResult => ({
  kind: 'response',
  ok: status >= 200 && status < 300,
  status,
  headers,
  body: '',
  latencyMs: 1,
});
const timeout: AttemptResult = { kind: 'error', ok: false, cause: 'timeout', message: 'no complete response within 5000 ms', latencyMs: 5000 };
const refused: AttemptResult = { kind: 'error', ok: false, cause: 'refused', message: 'connect ECONNREFUSED', latencyMs: 1 };
const NOW = Date.parse('2026-11-28T12:00:00Z');
/** random() = 0.5 is the middle of the jitter range: no jitter at all. */
const noJitter = () => 0.5;

function plan(attempt: number, result: AttemptResult, schedule: Schedule = productionSchedule(), random = noJitter) {
  return planRetry({ attempt, result, schedule, random, now: NOW });
}

describe('the production schedule', () => {
  it('PRODUCTION_DELAYS_MS is 0, 5s, 5m, 30m, 2h, 5h, 10h, 10h: 27h35m05s in all', () => {
    expect(PRODUCTION_DELAYS_MS).toEqual([0, 5e3, 300e3, 1800e3, 7200e3, 18000e3, 36000e3, 36000e3]);
    expect(PRODUCTION_DELAYS_MS.reduce((a, b) => a + b)).toBe(((27 * 60 + 35) * 60 + 5) * 1000);
  });

  it('productionSchedule() at the default scale waits about 10 s over a whole failing delivery', () => {
    const schedule = productionSchedule();
    expect(DEFAULT_TIME_SCALE).toBe(10_000);
    expect(schedule.waitsMs.reduce((a, b) => a + b)).toBeCloseTo(9930.5, 5);
    expect(schedule.label).toBe('production ÷10000');
  });
});

describe('planRetry', () => {
  it('planRetry() after attempt 1 waits production 5 s, compressed by the time scale', () => {
    expect(plan(1, response(500))).toEqual({ retry: true, nextAttempt: 2, productionDelayMs: 5000, waitMs: 0.5 });
    expect(plan(3, response(503), productionSchedule(1000))).toEqual({ retry: true, nextAttempt: 4, productionDelayMs: 1_800_000, waitMs: 1800 });
  });

  it('planRetry() jitters each production delay within ±20%, from the injected random', () => {
    expect(plan(2, response(500), productionSchedule(), () => 0)).toMatchObject({ productionDelayMs: 240_000, waitMs: 24 });
    expect(plan(2, response(500), productionSchedule(), () => 0.999999)).toMatchObject({ productionDelayMs: 360_000 });
    expect(plan(2, response(500), productionSchedule(), () => 0.75)).toMatchObject({ productionDelayMs: 330_000, waitMs: 33 });
  });

  it('planRetry() waits at least 60 s after a timeout or a 429, but not after a 500 or a refused connection', () => {
    expect(plan(1, timeout)).toMatchObject({ productionDelayMs: 60_000, waitMs: 6, throttled: 'timeout' });
    expect(plan(1, response(429))).toMatchObject({ productionDelayMs: 60_000, waitMs: 6, throttled: '429' });
    expect(plan(1, refused)).toMatchObject({ productionDelayMs: 5000 });
    expect(plan(1, refused)).not.toHaveProperty('throttled');
    // The minimum is a floor: a longer scheduled delay stands, and is not reported as throttled.
    expect(plan(3, response(429))).toEqual({ retry: true, nextAttempt: 4, productionDelayMs: 1_800_000, waitMs: 180 });
  });

  it('planRetry() honours Retry-After within [delay, 2×delay]', () => {
    expect(plan(1, response(503, { 'retry-after': '8' }))).toMatchObject({ productionDelayMs: 8000, retryAfterMs: 8000 });
    expect(plan(1, response(503, { 'retry-after': '3600' }))).toMatchObject({ productionDelayMs: 10_000, retryAfterMs: 3_600_000 });
    expect(plan(1, response(503, { 'retry-after': '1' }))).toMatchObject({ productionDelayMs: 5000, retryAfterMs: 1000 });
    // A 429's 60 s minimum comes first; Retry-After then moves within [60 s, 120 s].
    expect(plan(1, response(429, { 'retry-after': '90' }))).toMatchObject({ productionDelayMs: 90_000, throttled: '429' });
    const date = new Date(NOW + 7000).toUTCString();
    expect(plan(1, response(503, { 'retry-after': date }))).toMatchObject({ productionDelayMs: 7000, retryAfterMs: 7000 });
  });

  it('planRetry() stops on a webhook-delivery: abort-message header, whatever the status', () => {
    expect(plan(1, response(500, { 'webhook-delivery': 'abort-message' }))).toEqual({ retry: false, reason: 'aborted' });
    expect(plan(1, response(410, { 'webhook-delivery': ' Abort-Message ' }))).toEqual({ retry: false, reason: 'aborted' });
    expect(plan(1, response(500, { 'webhook-delivery': 'retry' }))).toMatchObject({ retry: true });
  });

  it('planRetry() gives up after the last attempt of the schedule', () => {
    expect(plan(8, response(500))).toEqual({ retry: false, reason: 'exhausted' });
    expect(plan(7, response(500))).toMatchObject({ retry: true, nextAttempt: 8, productionDelayMs: 36_000_000 });
    expect(plan(1, response(500), NO_RETRIES)).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('planRetry() on a list schedule scales every production rule by that attempt\'s compression', () => {
    const list = parseSchedule({ schedule: '0,50ms,100ms' });
    expect(plan(1, response(500), list)).toMatchObject({ productionDelayMs: 5000, waitMs: 50 });
    expect(plan(1, response(500), list, () => 0)).toMatchObject({ productionDelayMs: 4000, waitMs: 40 });
    expect(plan(1, response(429), list)).toMatchObject({ productionDelayMs: 60_000, waitMs: 600 });
    expect(plan(2, response(500, { 'retry-after': '600' }), list)).toMatchObject({ productionDelayMs: 600_000, waitMs: 200 });
    expect(plan(3, response(500), list)).toEqual({ retry: false, reason: 'exhausted' });
  });
});

describe('compress and parseRetryAfter', () => {
  it('compress() maps a production delay to the local wait of the same attempt', () => {
    expect(compress(300_000, 3, productionSchedule(100))).toBe(3000);
    expect(compress(5000, 2, { label: 'x', waitsMs: [0, 0] })).toBe(0);
  });

  it('parseRetryAfter() reads seconds or an HTTP date and ignores anything else', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('parseSchedule', () => {
  it('parseSchedule() defaults to production at the default time scale', () => {
    expect(parseSchedule({})).toEqual(productionSchedule(DEFAULT_TIME_SCALE));
    expect(parseSchedule({ schedule: 'production', timeScale: '1' })).toEqual({ label: 'production, real time', waitsMs: PRODUCTION_DELAYS_MS });
    expect(parseSchedule({ timeScale: '100' }).waitsMs[2]).toBe(3000);
  });

  it('parseSchedule() reads fast, a list of durations, and --no-retries', () => {
    expect(parseSchedule({ schedule: 'fast' }).waitsMs).toHaveLength(8);
    expect(parseSchedule({ schedule: '0,1s,2s,4s' })).toEqual({ label: '0ms,1s,2s,4s', waitsMs: [0, 1000, 2000, 4000] });
    expect(parseSchedule({ retries: false })).toBe(NO_RETRIES);
  });

  it('parseSchedule() rejects malformed schedules with one line that says how to fix them', () => {
    const fails = (options: Parameters<typeof parseSchedule>[0], message: RegExp) => {
      expect(() => parseSchedule(options)).toThrow(InputError);
      expect(() => parseSchedule(options)).toThrow(message);
    };
    fails({ schedule: '1s,2s' }, /the first attempt is immediate, so the list starts with 0/);
    fails({ schedule: '0,1s,,2s' }, /has an empty entry/);
    fails({ schedule: '0,soon' }, /invalid --schedule entry "soon"/);
    fails({ schedule: '0,1,2,3,4,5,6,7,8' }, /has 9 attempts; production makes at most 8/);
    fails({ schedule: 'fast', timeScale: '100' }, /--time-scale compresses the production schedule/);
    fails({ timeScale: '0' }, /--time-scale "0" is not a number ≥ 1/);
    fails({ timeScale: 'fast' }, /--time-scale "fast" is not a number/);
    fails({ retries: false, schedule: 'fast' }, /--no-retries makes a single attempt/);
  });
});
