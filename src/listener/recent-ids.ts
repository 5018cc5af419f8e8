/**
 * Only a delivery that verified (or every one, without verification) counts as an attempt of its svix-id: a
 * stranger reusing a real id must not advance its respond sequence or its retry marks (issue 11). The inspector
 * numbers a journal's lines by the same rule (issue 23).
 */
export function countsAsAttempt(d: { messageId?: string; verification?: { ok: boolean } | null }): boolean {
  return d.messageId !== undefined && (!d.verification || d.verification.ok);
}

/**
 * A repeated svix-id is a duplicate when the previous attempt had been delivered (2xx), else a retry: it was
 * refused, or it is still held (the sender gave up waiting for it and tried again).
 */
export function repeatKind(sighting: Sighting): 'retry' | 'duplicate' | undefined {
  if (sighting.attempt === 1) return undefined;
  return sighting.previousStatus !== undefined && sighting.previousStatus >= 200 && sighting.previousStatus <= 299 ? 'duplicate' : 'retry';
}

/** What the listener remembers about one svix-id. */
export interface Sighting {
  /** 1 the first time the id is seen, then 2, 3… */
  attempt: number;
  /** The status answered to the previous attempt, when there was one and it has been answered. */
  previousStatus?: number;
}

/**
 * Remembers the `limit` most recently seen svix-ids (least recently seen forgotten first), to spot retries and
 * duplicates with memory that stays flat however many deliveries arrive.
 *
 * Why typed arrays instead of a Map of id strings: every remembered string outlives V8's young generation, and
 * V8 grows the young generation by the bytes that survive it, so a Map of 10,000 recent ids made the listener's
 * RSS climb past the memory target over 100,000 deliveries (bench/listen.js --memory) though nothing leaked. Here each id is reduced
 * to a 64-bit hash in a fixed open-addressing table allocated once; two different ids share a hash with
 * probability ~2⁻⁶⁴, far below anything a local test run could meet.
 */
export class RecentIds {
  private readonly mask: number;
  private readonly hashHigh: Uint32Array;
  private readonly hashLow: Uint32Array;
  private readonly used: Uint8Array;
  private readonly count: Uint32Array;
  private readonly status: Uint16Array;
  /** The sequence number of each id's latest sighting, to know whether a ring entry is still its latest. */
  private readonly lastSeen: Float64Array;
  /** Sightings in order (hash and sequence number); the oldest is dropped when the ring is full. */
  private readonly ringHigh: Uint32Array;
  private readonly ringLow: Uint32Array;
  private readonly ringSeq: Float64Array;
  private ringStart = 0;
  private ringLength = 0;
  private sequence = 0;
  private stored = 0;

  constructor(private readonly limit = 10_000) {
    // At most `limit` ids live in a table at least twice that size, so probe runs stay short.
    const slots = 2 ** Math.ceil(Math.log2(Math.max(limit, 1) * 2));
    this.mask = slots - 1;
    this.hashHigh = new Uint32Array(slots);
    this.hashLow = new Uint32Array(slots);
    this.used = new Uint8Array(slots);
    this.count = new Uint32Array(slots);
    this.status = new Uint16Array(slots);
    this.lastSeen = new Float64Array(slots);
    this.ringHigh = new Uint32Array(limit);
    this.ringLow = new Uint32Array(limit);
    this.ringSeq = new Float64Array(limit);
  }

  /** Counts one more request with this id and says which attempt it is. */
  see(id: string): Sighting {
    const [high, low] = hash64(id);
    let slot = this.find(high, low);
    let sighting: Sighting;
    if (slot >= 0) {
      const previous = this.status[slot]!;
      this.count[slot]!++;
      this.status[slot] = 0;
      sighting = { attempt: this.count[slot]!, previousStatus: previous === 0 ? undefined : previous };
    } else {
      slot = this.insert(high, low);
      sighting = { attempt: 1 };
    }
    const seq = ++this.sequence;
    this.lastSeen[slot] = seq;
    this.pushSighting(high, low, seq);
    return sighting;
  }

  /** Remembers the status answered, to tell a retry (after a failure) from a duplicate (after a success). */
  answered(id: string, status: number): void {
    const [high, low] = hash64(id);
    const slot = this.find(high, low);
    if (slot >= 0) this.status[slot] = status;
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.stored;
  }

  private pushSighting(high: number, low: number, seq: number): void {
    if (this.ringLength === this.limit) {
      const oldest = this.ringStart;
      const slot = this.find(this.ringHigh[oldest]!, this.ringLow[oldest]!);
      // Forget the id only if this was its latest sighting; a later one is further along the ring.
      if (slot >= 0 && this.lastSeen[slot] === this.ringSeq[oldest]) this.remove(slot);
      this.ringStart = (this.ringStart + 1) % this.limit;
      this.ringLength--;
    }
    const at = (this.ringStart + this.ringLength) % this.limit;
    this.ringHigh[at] = high;
    this.ringLow[at] = low;
    this.ringSeq[at] = seq;
    this.ringLength++;
  }

  private find(high: number, low: number): number {
    for (let slot = low & this.mask, probes = 0; probes <= this.mask; slot = (slot + 1) & this.mask, probes++) {
      if (this.used[slot] === 0) return -1;
      if (this.hashLow[slot] === low && this.hashHigh[slot] === high) return slot;
    }
    return -1;
  }

  private insert(high: number, low: number): number {
    let slot = low & this.mask;
    while (this.used[slot] === 1) slot = (slot + 1) & this.mask;
    this.used[slot] = 1;
    this.hashHigh[slot] = high;
    this.hashLow[slot] = low;
    this.count[slot] = 1;
    this.status[slot] = 0;
    this.stored++;
    return slot;
  }

  /** Linear-probing deletion by backward shift: later entries of the run move up, so no tombstones pile up. */
  private remove(slot: number): void {
    let hole = slot;
    for (let next = (hole + 1) & this.mask; this.used[next] === 1; next = (next + 1) & this.mask) {
      const home = this.hashLow[next]! & this.mask;
      // The entry at `next` may fill the hole only if its home is not cyclically within (hole, next].
      const movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
      if (!movable) continue;
      this.hashHigh[hole] = this.hashHigh[next]!;
      this.hashLow[hole] = this.hashLow[next]!;
      this.count[hole] = this.count[next]!;
      this.status[hole] = this.status[next]!;
      this.lastSeen[hole] = this.lastSeen[next]!;
      hole = next;
    }
    this.used[hole] = 0;
    this.stored--;
  }
}

/** A 64-bit string hash (two 32-bit lanes with a final avalanche, after bryc's public-domain cyrb53). */
function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h2 >>> 0, h1 >>> 0];
}
