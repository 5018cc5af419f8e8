import { formatSize } from '../../util/size.js';

/** What a long-running command lets wait for a reader on one stream before it drops lines (issue 19 defect 8). */
export const OUTPUT_QUEUE_LIMIT_BYTES = 8 * 1024 * 1024;

export interface BoundedWrite {
  (bytes: Buffer): void;
  /** Lines dropped so far, in all. */
  dropped(): number;
}

export interface BoundedWriteOptions {
  /** Bytes the stream may hold unwritten before whole writes are dropped. */
  limitBytes?: number;
  /** Told once when dropping starts, and once when the stream takes output again (with the count dropped). */
  onDropping(limitBytes: number): void;
  onResumed(dropped: number): void;
}

/**
 * A write to `stream` that never lets more than `limitBytes` wait in memory: node queues whatever a pipe cannot
 * take at once, so a reader that stops reading (a harness that reads `listen --json`'s ready line and no more) would
 * make the process grow without bound. Past the limit, whole writes (whole lines) are dropped and counted; the
 * caller says so once. Files and terminals are written synchronously, so they never reach the limit.
 */
export function boundedWrite(stream: Pick<NodeJS.WritableStream, 'write'> & { writableLength: number }, options: BoundedWriteOptions): BoundedWrite {
  const limit = options.limitBytes ?? OUTPUT_QUEUE_LIMIT_BYTES;
  let dropped = 0;
  // Lines dropped since the stream stopped taking output; undefined while it takes it.
  let episode: number | undefined;
  const write = (bytes: Buffer) => {
    if (stream.writableLength + bytes.length > limit) {
      if (episode === undefined) options.onDropping(limit);
      const lines = countLines(bytes);
      episode = (episode ?? 0) + lines;
      dropped += lines;
      return;
    }
    if (episode !== undefined) {
      // Taken up again only once the reader has drained half of what waited: a small write that happens to fit
      // under the limit is not a reader that came back.
      if (stream.writableLength > limit / 2) {
        const lines = countLines(bytes);
        episode += lines;
        dropped += lines;
        return;
      }
      options.onResumed(episode);
      episode = undefined;
    }
    stream.write(bytes);
  };
  write.dropped = () => dropped;
  return write;
}

/** The warning `boundedWrite` asks for, in one place for every stream. */
export function droppingWarning(streamName: string, limitBytes: number, journal: boolean): string {
  const kept = journal ? '; the journal still records every delivery' : '';
  return `warning: ${streamName} is not being read: ${formatSize(limitBytes)} of output is waiting, so lines are dropped until it is read again${kept}`;
}

export function resumedWarning(streamName: string, dropped: number): string {
  return `warning: ${streamName} is read again; ${dropped} line${dropped === 1 ? ' was' : 's were'} dropped while it was not`;
}

function countLines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
