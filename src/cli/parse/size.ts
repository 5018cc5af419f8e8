import { InputError } from '../../errors.js';

// Binary units whatever the spelling, as body-parser and the `bytes` package read them: 1mb = 1 MiB.
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1_024, kib: 1_024, mb: 1_048_576, mib: 1_048_576, gb: 1_073_741_824, gib: 1_073_741_824 };

/** Parses "1mb", "512kb", "2 MiB" or a bare number of bytes (kb and mb are binary: 1kb = 1024 bytes). Returns bytes. */
export function parseSize(text: string, what = 'size'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase() || 'b';
  const factor = UNIT_BYTES[unit];
  if (!match || factor === undefined) {
    throw new InputError('usage', `invalid ${what} "${text}": use a number of bytes or a unit, e.g. 512kb, 1mb, 2MiB`);
  }
  return Math.floor(Number(match[1]) * factor);
}
