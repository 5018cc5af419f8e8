import { InputError } from '../errors.js';

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

/**
 * Formats milliseconds compactly for people: 850ms, 5s, 1m05s, 2h00m, 27h35m. Hours keep counting past a day:
 * production's last retry is at +27h35m, which 1d03h would round to a less exact, less familiar figure.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) {
    const s = abs / 1_000;
    return `${sign}${s < 10 && !Number.isInteger(s) ? s.toFixed(1) : Math.round(s)}s`;
  }
  const totalSeconds = Math.round(abs / 1_000);
  const h = Math.floor(totalSeconds / 3_600);
  const m = Math.floor((totalSeconds % 3_600) / 60);
  const s = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${sign}${h}h${pad(m)}m`;
  return `${sign}${m}m${pad(s)}s`;
}
