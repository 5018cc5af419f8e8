import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh event id shaped like Scan Documents' own: `event_` + 16 lowercase alphanumerics. */
export function newEventId(): string {
  let suffix = '';
  // randomInt avoids the modulo bias of mapping random bytes onto 36 symbols.
  for (let i = 0; i < 16; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `event_${suffix}`;
}
