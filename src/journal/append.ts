import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { JournalRecord } from './record.js';

/** An append-only JSON Lines file of deliveries, written by the listener before it answers each one. */
export interface Journal {
  readonly path: string;
  /** Resolves once the line has been written to the file, so a caller can acknowledge only what is stored. */
  append(record: JournalRecord): Promise<void>;
  /** Waits for pending lines, then closes the file. */
  close(): Promise<void>;
  /**
   * Set when the file, as opened, ended in a line cut off by a crash (no newline after it): that line was ended
   * with a newline before anything else was written, so the next delivery is a whole line of its own.
   */
  readonly endedTornLine?: TornLine;
}

/** A last line found without its newline: its number (from 1) and its length in bytes. */
export interface TornLine {
  line: number;
  bytes: number;
}

/** The batch buffer's starting size, and the largest kept between batches. */
const BATCH_BYTES = 64 * 1024;
const MAX_KEPT_BYTES = 1024 * 1024;

/** Opens (creating or appending to) a journal; an unwritable path is an InputError, so the listener stops at start. */
export async function openJournal(path: string): Promise<Journal> {
  let fd: number;
  try {
    // 0600: a journal holds every body and header received, which may be anyone's data. Readable too ('a+'), to
    // look at its last byte.
    fd = openSync(path, 'a+', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new InputError('unwritable-file', `cannot write the journal "${path}": ${why} (choose a writable file, e.g. ./events.jsonl)`, { kind: 'journal', path, why });
  }
  let endedTornLine: TornLine | undefined;
  try {
    endedTornLine = endTornLine(fd);
  } catch (error) {
    closeSync(fd);
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError('unwritable-file', `cannot write the journal "${path}": ending its cut-off last line failed (${why})`, { kind: 'journal', path, why });
  }
  return new BatchedJournal(path, fd, endedTornLine);
}

const NEWLINE = 0x0a;
const SCAN_BYTES = 1024 * 1024;

/**
 * A journal whose last byte is not a newline ends in a line cut off by a crash (kill -9 mid-write). That line was
 * never acknowledged (a delivery is answered once its whole line is written), but appending straight onto it would
 * glue the next acknowledged delivery to it, unreadable (issue 19 defect 3). So the fragment is ended with a
 * newline first: it stays a damaged line of its own, which readers skip with a warning.
 */
function endTornLine(fd: number): TornLine | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return undefined;
  // Its number and length, for the warning: count the newlines before it, reading the file once in chunks.
  let newlines = 0;
  let lastNewline = -1;
  const chunk = Buffer.allocUnsafe(Math.min(SCAN_BYTES, size));
  for (let position = 0; position < size; ) {
    const read = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
    if (read === 0) break;
    for (let at = chunk.indexOf(NEWLINE, 0); at !== -1 && at < read; at = chunk.indexOf(NEWLINE, at + 1)) {
      newlines++;
      lastNewline = position + at;
    }
    position += read;
  }
  writeSync(fd, '\n');
  return { line: newlines + 1, bytes: size - lastNewline - 1 };
}

/**
 * Concurrent deliveries share one write: lines appended during one turn of the event loop go out together at the
 * end of it, and each caller waits for the write holding its own line, so nothing is acknowledged before it is in
 * the file. The write is synchronous on purpose: handing a few kilobytes to the kernel takes microseconds, while
 * an asynchronous write round-trips through libuv's thread pool, which cost more CPU per call than the rest of
 * a delivery's journal work when measured (bench/listen.js). Lines reach the operating system (they survive the listener crashing or being killed) but
 * are not fsynced, which would cap throughput at the disk's flush rate.
 */
class BatchedJournal implements Journal {
  /**
   * The batch's lines, encoded as they are appended into one buffer kept from batch to batch: the bytes wait for
   * the write off the JS heap (joining a batch into one string and encoding it once cost more), and no Buffer
   * or concatenated string is made per line. The write is synchronous, so the buffer is free again once it returns.
   */
  private buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  /** The pending batch's write: one promise every caller of the batch waits on, rather than one per line. */
  private batch: { written: Promise<void>; resolve(): void; reject(error: Error): void } | undefined;
  private closed = false;
  /** The file's size after the last whole write: a failed write is cut back to it. */
  private goodSize: number;
  private startWithNewline = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
    readonly endedTornLine: TornLine | undefined,
  ) {
    this.goodSize = fstatSync(fd).size;
  }

  append(record: JournalRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the journal ${this.path} is closed`));
    const line = JSON.stringify(record);
    // Room for the worst case, 3 bytes of UTF-8 per UTF-16 unit, saves measuring the line first.
    if (this.used + line.length * 3 + 1 > this.buffer.length) this.grow(line.length * 3 + 1);
    this.used += this.buffer.write(line, this.used);
    this.buffer[this.used++] = 0x0a;
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const written = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.batch = { written, resolve, reject };
      setImmediate(() => this.flush());
    }
    return this.batch.written;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }

  private grow(room: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + room));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  private flush(): void {
    const { batch } = this;
    if (!batch) return;
    const lines = [this.buffer.subarray(0, this.used)];
    this.batch = undefined;
    if (this.startWithNewline) lines.unshift(Buffer.from('\n'));
    try {
      this.goodSize += writeAll(this.fd, lines);
      this.startWithNewline = false;
      batch.resolve();
    } catch (error) {
      // A write that failed half-way (a full disk) leaves a fragment the next line would be glued onto, making
      // an acknowledged delivery unreadable: cut the file back to its last whole line. Its callers answer 500.
      this.truncateToGoodSize();
      batch.reject(error as Error);
    } finally {
      this.used = 0;
      // A burst of huge bodies must not keep a huge buffer alive.
      if (this.buffer.length > MAX_KEPT_BYTES) this.buffer = Buffer.allocUnsafe(BATCH_BYTES);
    }
  }

  private truncateToGoodSize(): void {
    try {
      ftruncateSync(this.fd, this.goodSize);
    } catch {
      // Could not cut it back: start the next line on a line of its own, so only the fragment is damaged.
      this.startWithNewline = true;
    }
  }
}

/** One writev for the whole batch; a partial write (a full disk, a signal) continues where it stopped. Returns the bytes written. */
function writeAll(fd: number, lines: Buffer[]): number {
  let total = 0;
  for (const line of lines) total += line.length;
  let pending = lines;
  for (let attempts = 0; pending.length > 0; attempts++) {
    if (attempts > 1_000) throw new Error('the journal write made no progress');
    let written = writevSync(fd, pending);
    let done = 0;
    while (done < pending.length && written >= pending[done]!.length) written -= pending[done++]!.length;
    pending = pending.slice(done);
    if (written > 0) pending[0] = pending[0]!.subarray(written);
  }
  return total;
}
