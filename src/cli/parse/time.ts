import { InputError } from '../../errors.js';

/** Parses unix seconds ("1732800000") or an ISO date ("2026-11-28T12:00:00Z") into unix seconds. */
export function parseUnixTime(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const ms = Date.parse(trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && Number.isFinite(ms)) return Math.floor(ms / 1000);
  throw new InputError('usage', `${flag} "${text}" is not a time: use unix seconds (1732800000) or an ISO date (2026-11-28T12:00:00Z)`);
}
