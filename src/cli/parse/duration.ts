import { InputError } from '../../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses "500ms", "6s", "5m", "2h", "1d", compound forms such as "1m30s", or a bare number of seconds.
 * Returns milliseconds.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) {
    throw new InputError('invalid-duration', `${what} "${text}" is negative: use a duration of 0 or more, e.g. 500ms, 6s, 5m, 2h, 1m30s`);
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new InputError(
      'invalid-duration',
      `invalid ${what} "${text}": use a number of seconds or a unit, e.g. 500ms, 6s, 5m, 2h, 1m30s`,
    );
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}
