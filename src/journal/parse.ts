import { InputError } from '../errors.js';
import type { JournalRecord } from './record.js';

/**
 * Reads a listener's journal (JSON Lines). A line that is not JSON, or a delivery without its body, stops
 * the replay with the line number: resending part of a damaged journal would silently skip deliveries. Records of
 * other `type`s are skipped, so journals written by newer versions still replay.
 */
export function parseJournal(text: string, name: string): JournalRecord[] {
  return readJournal(text, name).records;
}

export interface JournalContents {
  records: JournalRecord[];
  /**
   * The number of a last line that was cut off (no final newline, not JSON), skipped: the listener writes a line
   * whole before answering, so a torn last line was never acknowledged (a crash or a full disk mid-write).
   */
  tornLastLine?: number;
}

/** parseJournal, and whether a torn last line was skipped. */
export function readJournal(text: string, name: string): JournalContents {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  let tornLastLine: number | undefined;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `${name} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // Only the very last line, with no newline after it, can be torn: a damaged line anywhere else still stops.
      if (index === lines.length - 1) {
        tornLastLine = index + 1;
        continue;
      }
      throw new InputError('invalid-journal', `${where} is not JSON (${(error as Error).message}): fix or delete that line, then replay again`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError('invalid-journal', `${where} is not a journal record (expected one JSON object per line, as the listener's journal holds)`);
    }
    const record = value as Partial<JournalRecord>;
    if (record.type !== 'delivery') continue;
    const problem =
      typeof record.body !== 'string'
        ? 'has no "body" string'
        : record.bodyEncoding !== 'utf8' && record.bodyEncoding !== 'base64'
          ? `has bodyEncoding ${JSON.stringify(record.bodyEncoding)}, not "utf8" or "base64"`
          : typeof record.receivedAt !== 'string' || !Number.isFinite(Date.parse(record.receivedAt))
            ? 'has no valid "receivedAt" time'
            : undefined;
    if (problem) throw new InputError('invalid-journal', `${where}: the delivery record ${problem}: fix or delete that line, then replay again`);
    records.push(record as JournalRecord);
  }
  return { records, tornLastLine };
}
