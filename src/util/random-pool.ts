import { randomBytes, randomInt } from 'node:crypto';

// randomBytes() and randomInt() are a trip into the native layer each time: a `trigger --count 5000` spent
// ~100 ms in them for ids alone, so ids are cut from one pooled buffer instead (ids need to be unique, not secret).
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** `size` fresh random bytes (at most 4 KiB), a view into a shared pool: use them before asking again. */
function randomChunk(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}

/**
 * `length` characters drawn uniformly from `alphabet` (at most 256 symbols). A byte at or above the largest
 * multiple of the alphabet's size would bias the modulo, so that rare byte is replaced by a randomInt() draw.
 */
export function randomString(alphabet: string, length: number): string {
  const unbiasedLimit = 256 - (256 % alphabet.length);
  let text = '';
  for (const byte of randomChunk(length)) text += alphabet[byte < unbiasedLimit ? byte % alphabet.length : randomInt(alphabet.length)];
  return text;
}
