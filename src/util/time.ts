/** Whole unix seconds from unix seconds or a Date; anything that is not a time is misuse, so it throws. */
export function toUnixSeconds(value: number | Date): number {
  const seconds = Math.floor(value instanceof Date ? value.getTime() / 1000 : value);
  if (!Number.isFinite(seconds)) throw new TypeError('a timestamp must be unix seconds or a valid Date');
  return seconds;
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';
/**
 * `new Date(ms).toISOString()`, for times read from the clock on every request: toISOString is costly at that rate, so
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
