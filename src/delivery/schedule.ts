import { InputError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import type { AttemptResult } from './attempt.js';

/**
 * Svix's production schedule: the delay before each attempt, counted from the previous failure. Eight attempts
 * spread over about 27.5 hours (docs.svix.com/retries), which is what Scan Documents endpoints live with.
 */
export const PRODUCTION_DELAYS_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** Each production delay varies by up to ±20%, so retries from many messages do not arrive in lockstep. */
export const JITTER = 0.2;
/** After a timeout or a 429, production waits at least this long, whatever the schedule says. */
export const THROTTLED_MIN_DELAY_MS = 60_000;
/**
 * The default compression of the production schedule: ÷10,000 turns its 27h35m of delays into about 10 s of
 * waiting (5 s → 0.5 ms, 2 h → 0.72 s, 10 h → 3.6 s), so a whole failing delivery plays out in seconds.
 */
export const DEFAULT_TIME_SCALE = 10_000;
/** The `fast` schedule: eight attempts in about 2.4 s, the same shape with no long tail, for tight loops. */
export const FAST_WAITS_MS: readonly number[] = [0, 25, 50, 100, 200, 400, 800, 800];
/** A `webhook-delivery: abort-message` response header tells Svix to stop retrying the message. */
export const ABORT_HEADER = 'webhook-delivery';
export const ABORT_VALUE = 'abort-message';

/**
 * How attempts are spaced locally. Attempt N always stands for production's attempt N: production's delay is
 * computed faithfully (jitter, timeout/429 minimum, Retry-After) and the local wait is that delay compressed by
 * `waitsMs[N] / PRODUCTION_DELAYS_MS[N]`, so every rule keeps its proportions at any speed.
 */
export interface Schedule {
  /** 'production ÷10000', 'fast', 'no retries' or the list as given, for reports. */
  label: string;
  /** The local wait before each attempt when production's un-jittered delay applies; starts with 0. */
  waitsMs: readonly number[];
}

export function productionSchedule(timeScale = DEFAULT_TIME_SCALE): Schedule {
  return {
    label: timeScale === 1 ? 'production, real time' : `production ÷${timeScale}`,
    waitsMs: PRODUCTION_DELAYS_MS.map((delay) => delay / timeScale),
  };
}

export const NO_RETRIES: Schedule = { label: 'no retries', waitsMs: [0] };

/** The `fast` schedule: eight attempts in about 2.4 s. */
export const FAST_SCHEDULE: Schedule = { label: 'fast', waitsMs: FAST_WAITS_MS };

/**
 * A schedule of local waits such as `[0, 50, 100]` (ms before each attempt; the first is immediate), at most one
 * per production attempt, so each still stands for a real production offset.
 */
export function customSchedule(waitsMs: readonly number[]): Schedule {
  if (waitsMs[0] !== 0 || waitsMs.some((ms) => !(ms >= 0))) {
    throw new InputError('usage', `schedule [${waitsMs.join(', ')}] must start with 0 (the first attempt is immediate) and hold no negative wait`, { kind: 'first-not-zero' });
  }
  if (waitsMs.length > PRODUCTION_DELAYS_MS.length) {
    throw new InputError('usage', `schedule has ${waitsMs.length} attempts; production makes at most ${PRODUCTION_DELAYS_MS.length}`, { kind: 'too-many' });
  }
  return { label: waitsMs.map((ms) => formatDuration(ms)).join(','), waitsMs };
}

/** How trigger() and replay() take a schedule: a name, local waits in ms, or a Schedule; `retries: false` makes one attempt. */
export interface ScheduleOptions {
  schedule?: 'production' | 'fast' | readonly number[] | Schedule;
  /** Divides production's delays (default 10,000; 1 is real time). Only with the production schedule. */
  timeScale?: number;
  /** false: a single attempt per message. */
  retries?: boolean;
}

export function resolveSchedule(options: ScheduleOptions): Schedule {
  if (options.retries === false) return NO_RETRIES;
  const { schedule = 'production', timeScale } = options;
  if (timeScale !== undefined && !(timeScale >= 1)) throw new InputError('usage', `timeScale ${timeScale} must be a number ≥ 1 (1 is real time)`, { kind: 'time-scale' });
  if (schedule === 'production') return productionSchedule(timeScale);
  if (schedule === 'fast') return FAST_SCHEDULE;
  return Array.isArray(schedule) ? customSchedule(schedule as readonly number[]) : (schedule as Schedule);
}

/** What happens after attempt `attempt` failed. */
export type RetryDecision =
  | { retry: false; reason: 'exhausted' | 'aborted' }
  | {
      retry: true;
      nextAttempt: number;
      /** The delay production would take before the next attempt (jittered, with the rules below applied). */
      productionDelayMs: number;
      /** The compressed wait actually taken locally. */
      waitMs: number;
      /** Set when a timeout or a 429 raised the delay to the 60 s minimum. */
      throttled?: 'timeout' | '429';
      /** The Retry-After the endpoint asked for, when it sent one (the delay honours it within [delay, 2×delay]). */
      retryAfterMs?: number;
      /**
       * With retryAfterMs: how it changed the delay. 'raised' or 'capped' (asked for more than 2×delay), or
       * 'unchanged' when the delay was already longer than asked, so the header changed nothing.
       */
      retryAfterEffect?: 'raised' | 'capped' | 'unchanged';
    };

export interface RetryContext {
  /** The 1-based number of the attempt that just failed. */
  attempt: number;
  result: AttemptResult;
  schedule: Schedule;
  /** Uniform in [0, 1): Math.random in use, fixed in tests. */
  random: () => number;
  /** The clock in ms, for Retry-After given as an HTTP date. */
  now: number;
}

/** Decides whether and when to retry a failed attempt, as Svix does. Pure: randomness and time are injected. */
export function planRetry(context: RetryContext): RetryDecision {
  const { attempt, result, schedule } = context;
  if (result.kind === 'response' && result.headers[ABORT_HEADER]?.trim().toLowerCase() === ABORT_VALUE) {
    return { retry: false, reason: 'aborted' };
  }
  const nextAttempt = attempt + 1;
  if (nextAttempt > schedule.waitsMs.length) return { retry: false, reason: 'exhausted' };

  const baseMs = PRODUCTION_DELAYS_MS[nextAttempt - 1]!;
  let delayMs = baseMs * (1 + JITTER * (2 * context.random() - 1));
  const slowedBy = result.kind === 'error' ? (result.cause === 'timeout' ? 'timeout' : undefined) : result.status === 429 ? '429' : undefined;
  const throttled = slowedBy && delayMs < THROTTLED_MIN_DELAY_MS ? slowedBy : undefined;
  if (throttled) delayMs = THROTTLED_MIN_DELAY_MS;
  const retryAfterMs = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], context.now) : undefined;
  let retryAfterEffect: 'raised' | 'capped' | 'unchanged' | undefined;
  if (retryAfterMs !== undefined) {
    retryAfterEffect = retryAfterMs <= delayMs ? 'unchanged' : retryAfterMs > 2 * delayMs ? 'capped' : 'raised';
    delayMs = Math.min(Math.max(retryAfterMs, delayMs), 2 * delayMs);
  }

  const productionDelayMs = Math.round(delayMs);
  const waitMs = compress(productionDelayMs, nextAttempt, schedule);
  return {
    retry: true,
    nextAttempt,
    productionDelayMs,
    waitMs,
    ...(throttled ? { throttled } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs, retryAfterEffect } : {}),
  };
}

/** The local wait standing for a production delay before attempt `attempt`, in ms (sub-ms precision kept). */
export function compress(productionDelayMs: number, attempt: number, schedule: Schedule): number {
  const baseMs = PRODUCTION_DELAYS_MS[attempt - 1]!;
  const localMs = schedule.waitsMs[attempt - 1]!;
  return Math.round(((productionDelayMs * localMs) / baseMs) * 1000) / 1000;
}

/** `Retry-After: 120` (seconds) or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`, in ms from now; else undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
