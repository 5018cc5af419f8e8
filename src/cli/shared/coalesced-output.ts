/** Lines for one stream, written together: at most one write per interval however fast they come. */
export interface CoalescedOutput {
  /** Queues one line; the newline is added. */
  line(text: string): void;
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

  return {
    line(text) {
      // Room for the worst case, 3 bytes of UTF-8 per UTF-16 unit, saves measuring the line's bytes first.
      const room = text.length * 3 + 1;
      if (used + room > buffer.length) flush();
      if (room > buffer.length) {
        write(Buffer.from(`${text}\n`));
        return;
      }
      used += buffer.write(text, used);
      buffer[used++] = 0x0a;
      // Unref'd: a pending write must not keep the process alive; every way out calls flush().
      timer ??= setTimeout(flush, Math.max(0, lastWrite + intervalMs - now())).unref();
    },
    flush,
  };
}
