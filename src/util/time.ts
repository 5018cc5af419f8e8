import { InputError } from '../errors.js';

/** Parses unix seconds ("1732800000") or an ISO date ("2026-11-28T12:00:00Z") into unix seconds. */
export function parseUnixTime(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const ms = Date.parse(trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && Number.isFinite(ms)) return Math.floor(ms / 1000);
  throw new InputError('usage', `${flag} "${text}" is not a time: use unix seconds (1732800000) or an ISO date (2026-11-28T12:00:00Z)`);
}

/** Whole unix seconds from unix seconds or a Date; anything that is not a time is misuse, so it throws. */
export function toUnixSeconds(value: number | Date): number {
  const seconds = Math.floor(value instanceof Date ? value.getTime() / 1000 : value);
  if (!Number.isFinite(seconds)) throw new TypeError('a timestamp must be unix seconds or a valid Date');
  return seconds;
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';
/**
 * `new Date(ms).toISOString()`, for times read from the clock on every request: toISOString costs ~0.7 µs, so
 * the part up to the second is formatted once a second and the milliseconds are appended.
 */
export function isoTime(epochMs: number): string {
  const ms = Math.floor(epochMs);
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return `${cachedPrefix}.${String(ms - second * 1000).padStart(3, '0')}Z`;
}
