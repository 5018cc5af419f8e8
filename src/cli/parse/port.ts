import { InputError } from '../../errors.js';

/** Parses the TCP port given to `flag`: 0 (any free port) to 65535. */
export function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new InputError('usage', `${flag} "${text}" is not a port: use a number from 1 to 65535, or 0 for any free port`);
  }
  return port;
}
