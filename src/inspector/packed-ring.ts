/**
 * Deliveries packed as bytes into one fixed ring buffer, indexed by typed arrays: holding them creates no object
 * per delivery for the garbage collector to carry from one young generation to the next (holding the reports
 * themselves cost the listener ~15% more CPU per delivery in bench/listen.js). The oldest are overwritten first.
 */
export class PackedRing {
  private readonly buffer: Buffer;
  /** Total bytes ever written; a record is still whole while it starts within the last `buffer.length` of them. */
  private written = 0;
  private readonly start: Float64Array;
  private readonly metaLength: Uint32Array;
  private readonly bodyLength: Int32Array;
  private readonly extraLength: Int32Array;

  constructor(slots: number, bytes: number) {
    this.buffer = Buffer.allocUnsafe(bytes);
    this.start = new Float64Array(slots).fill(-1);
    this.metaLength = new Uint32Array(slots);
    this.bodyLength = new Int32Array(slots);
    this.extraLength = new Int32Array(slots);
  }

  /**
   * Stores `meta` (text) and two byte strings in slot `index`. Each part is kept when it is at most a quarter of the
   * ring by itself (meta, body and extra then fit three quarters of it whatever their sum): a body of exactly a
   * quarter is kept however long its headers, where measuring it with the meta lost one just under the limit
   * (issue 19 defect 5). A part left out is recorded as such, with its length (see get).
   */
  put(index: number, meta: string, body: Buffer, extra: Buffer | undefined): void {
    const size = this.buffer.length;
    const quarter = size / 4;
    const metaBytes = Buffer.byteLength(meta);
    if (metaBytes > quarter) return this.clear(index);
    const keepBody = body.length <= quarter;
    const keepExtra = extra !== undefined && extra.length <= quarter;
    const total = metaBytes + (keepBody ? body.length : 0) + (keepExtra ? extra!.length : 0);
    let at = this.written % size;
    // A record is never split across the end: the rest of the ring is skipped.
    if (at + total > size) {
      this.written += size - at;
      at = 0;
    }
    this.start[index] = this.written;
    this.buffer.write(meta, at, 'utf8');
    if (keepBody) body.copy(this.buffer, at + metaBytes);
    if (keepExtra) extra!.copy(this.buffer, at + metaBytes + (keepBody ? body.length : 0));
    this.metaLength[index] = metaBytes;
    // Not kept: minus its length, minus one (so an empty part left out still reads as left out).
    this.bodyLength[index] = keepBody ? body.length : -body.length - 1;
    this.extraLength[index] = keepExtra ? extra!.length : extra === undefined ? 0 : -1;
    this.written += total;
  }

  clear(index: number): void {
    this.start[index] = -1;
  }

  private has(index: number): boolean {
    const start = this.start[index]!;
    return start >= 0 && start >= this.written - this.buffer.length;
  }

  /**
   * The record in slot `index`, copied out, or undefined once overwritten. Body or extra undefined: not kept;
   * `bodyBytes` is the body's length either way.
   */
  get(index: number): { meta: string; body?: Buffer; bodyBytes: number; extra?: Buffer } | undefined {
    if (!this.has(index)) return undefined;
    const at = this.start[index]! % this.buffer.length;
    const metaLength = this.metaLength[index]!;
    const bodyLength = this.bodyLength[index]!;
    const extraLength = this.extraLength[index]!;
    const bodyAt = at + metaLength;
    const extraAt = bodyAt + Math.max(bodyLength, 0);
    return {
      meta: this.buffer.toString('utf8', at, bodyAt),
      body: bodyLength < 0 ? undefined : Buffer.from(this.buffer.subarray(bodyAt, bodyAt + bodyLength)),
      bodyBytes: bodyLength < 0 ? -bodyLength - 1 : bodyLength,
      extra: extraLength < 0 ? undefined : extraLength === 0 ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(extraAt, extraAt + extraLength)),
    };
  }
}
