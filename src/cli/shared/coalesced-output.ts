import { jsonStringRoom, stringifyJson, writeJsonString } from '../../util/json-string.js';

/** Lines for one stream, written together: at most one write per interval however fast they come. */
export interface CoalescedOutput {
  /** Queues one line; the newline is added. */
  line(text: string): void;
  /**
   * Queues the strings in `before`, then the UTF-8 text in `bytes` as a JSON string, then `after` and the newline:
   * the bytes are escaped straight into the buffer (see writeJsonString), never made a string, and `before` is a
   * list rather than one string so that a slice of a larger string is written as it is, not copied into a joined
   * one. The bytes must be valid UTF-8.
   */
  jsonLine(before: readonly string[], bytes: Uint8Array, after: string): void;
  /** Writes whatever is queued, now. */
  flush(): void;
}

export interface CoalescedOutputOptions {
  /** The shortest time between two writes; a line queued when the last write is older goes out at once. */
  intervalMs?: number;
  /** Bytes held before a write is forced early. */
  capacity?: number;
  now?(): number;
}

/**
 * Gathers lines into one fixed buffer and writes them at most once per `intervalMs` (20 ms by default, below
 * what an eye notices).
 *
 * Why: `listen` prints a line per delivery and `trigger` one per attempt, and node writes to terminals, files and
 * pipes synchronously: in a terminal, one write per turn of the event loop cost the listener markedly more than
 * one per 20 ms (`node bench/listen.js --terminal` measures it); into a file the two are alike. The lines are
 * encoded into a buffer allocated once rather than kept as strings, because strings that outlive V8's young
 * generation make it grow: holding 20 ms of lines as strings broke the bench's RSS target (RSS after 100,000
 * deliveries at most 1.25x of after 1,000).
 */
export function createCoalescedOutput(write: (bytes: Buffer) => void, options: CoalescedOutputOptions = {}): CoalescedOutput {
  const intervalMs = options.intervalMs ?? 20;
  const now = options.now ?? Date.now;
  const buffer = Buffer.allocUnsafe(options.capacity ?? 64 * 1024);
  let used = 0;
  let lastWrite = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (used === 0) return;
    lastWrite = now();
    // A copy: on some platforms (pipes on macOS) a stream write completes later, and the buffer is reused.
    const bytes = Buffer.from(buffer.subarray(0, used));
    used = 0;
    write(bytes);
  };

  /** Makes room for `room` bytes; false when they could never fit (the caller writes them by themselves). */
  const reserve = (room: number): boolean => {
    if (used + room > buffer.length) flush();
    return room <= buffer.length;
  };
  // Unref'd: a pending write must not keep the process alive; every way out calls flush().
  const schedule = () => {
    timer ??= setTimeout(flush, Math.max(0, lastWrite + intervalMs - now())).unref();
  };

  return {
    line(text) {
      // Room for the worst case, 3 bytes of UTF-8 per UTF-16 unit, saves measuring the line's bytes first.
      if (!reserve(text.length * 3 + 1)) {
        write(Buffer.from(`${text}\n`));
        return;
      }
      used += buffer.write(text, used);
      buffer[used++] = 0x0a;
      schedule();
    },
    jsonLine(before, bytes, after) {
      let textLength = after.length;
      for (const text of before) textLength += text.length;
      if (!reserve(textLength * 3 + jsonStringRoom(bytes.length) + 1)) {
        // A view of the bytes, not Buffer.from(bytes), which would copy the body (a line this long is one of a big body).
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        write(Buffer.from(`${before.join('')}${stringifyJson(text)}${after}\n`));
        return;
      }
      for (const text of before) used += buffer.write(text, used);
      used = writeJsonString(bytes, buffer, used);
      used += buffer.write(after, used);
      buffer[used++] = 0x0a;
      schedule();
    },
    flush,
  };
}
