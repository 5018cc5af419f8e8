import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { parseJournal, type JournalRecord } from '../journal/index.js';

/** Where one journal line sits in the file, so its details can be read back without holding them. */
export interface JournalRef {
  offset: number;
  length: number;
}

/** Small enough that parsing one chunk's lines stays a short slice of the event loop (a few ms). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Calls `onRecord` for each delivery line of the listener's journal from byte `from`, in order, with its place in
 * the file; resolves with where it stopped (the end of the last whole line). The file is read a chunk at a time
 * without blocking, so a 100,000-line journal never holds up the deliveries the listener is answering meanwhile
 * (issue 23). Each line is read by the journal module; lines that are not delivery records (damaged, or of newer
 * types) are skipped, since the page shows history and must not refuse to start over one bad line. A missing file
 * has no history.
 */
export async function readJournalRecords(path: string, from: number, onRecord: (record: JournalRecord, ref: JournalRef) => void): Promise<number> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch {
    return from;
  }
  try {
    const size = (await file.stat()).size;
    let position = from;
    let carry = Buffer.alloc(0);
    let carryStart = from;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    while (position < size) {
      const { bytesRead: read } = await file.read(chunk, 0, Math.min(CHUNK_BYTES, size - position), position);
      if (read === 0) break;
      position += read;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
        const offset = carryStart + start;
        const record = parseLine(data.subarray(start, newline));
        if (record) onRecord(record, { offset, length: newline - start });
        start = newline + 1;
      }
      carryStart += start;
      // Copied: the chunk buffer is reused by the next read.
      carry = Buffer.from(data.subarray(start));
    }
    return carryStart;
  } finally {
    await file.close();
  }
}

/** Reads back delivery lines by their place in the file; one open file for a run of reads (a search). */
export function openJournalReader(path: string): { read(ref: JournalRef): JournalRecord | undefined; close(): void } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
  } catch {
    fd = undefined;
  }
  return {
    read(ref) {
      if (fd === undefined) return undefined;
      try {
        const line = Buffer.alloc(ref.length);
        readSync(fd, line, 0, ref.length, ref.offset);
        return parseLine(line);
      } catch {
        return undefined;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** One line, read by the journal module (the one owner of the format); a damaged line is skipped, not thrown. */
function parseLine(line: Buffer): JournalRecord | undefined {
  try {
    return parseJournal(line.toString('utf8'), 'the journal')[0];
  } catch {
    return undefined;
  }
}
