import { randomInt } from 'node:crypto';
import { randomChunk } from '../util/random-pool.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 16;
/** 252, the largest multiple of 36 a byte holds: below it, `byte % 36` gives every symbol the same chance. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** A fresh event id shaped like Scan Documents' own: `event_` + 16 lowercase alphanumerics. */
export function newEventId(): string {
  let suffix = '';
  // Pooled random bytes rather than 16 randomInt() calls (a native call each); the rare byte that would bias the
  // modulo (252–255, 1 in 64) is replaced by a randomInt() draw instead.
  for (const byte of randomChunk(ID_LENGTH)) suffix += ALPHABET[byte < UNBIASED_LIMIT ? byte % ALPHABET.length : randomInt(ALPHABET.length)];
  return `event_${suffix}`;
}
