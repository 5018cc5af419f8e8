import { randomBytes } from 'node:crypto';

// randomBytes() and randomInt() are a trip into the native layer each time: a `trigger --count 5000` spent
// ~100 ms in them for ids alone, so ids are cut from one pooled buffer instead (ids need to be unique, not secret).
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** `size` fresh random bytes (at most 4 KiB), a view into a shared pool: use them before asking again. */
export function randomChunk(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}
