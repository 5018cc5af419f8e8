import { InputError } from '../errors.js';
import type { JournalRecord } from './record.js';

/**
 * Reads a listener's journal (JSON Lines). A line that is not JSON is skipped and named (see JournalContents), or
 * with `strict` stops the read with its line number. A delivery without its body stops it either way: that line is
 * JSON, written by something else than a listener. Records of other `type`s are skipped, so journals written by
 * newer versions still replay.
 */
export function parseJournal(text: string, name: string, options: JournalReadOptions = {}): JournalRecord[] {
  return readJournal(text, name, options).records;
}

export interface JournalReadOptions {
  /** Refuse a journal holding a line that is not JSON (other than a torn last line), rather than skip it. */
  strict?: boolean;
}

export interface JournalContents {
  records: JournalRecord[];
  /**
   * The number of a last line that was cut off (no final newline, not JSON), skipped: the listener writes a line
   * whole before answering, so a torn last line was never acknowledged (a crash or a full disk mid-write).
   */
  tornLastLine?: number;
  /**
   * The numbers of the other lines that are not JSON, skipped (issue 19 defect 3): a line torn by a crash that a
   * restarted listener ended, or damage by hand. Empty when there is none.
   */
  damagedLines: number[];
}

/** parseJournal, and which lines were skipped as damaged. */
export function readJournal(text: string, name: string, options: JournalReadOptions = {}): JournalContents {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  let tornLastLine: number | undefined;
  const damagedLines: number[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `${name} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // The very last line, with no newline after it, is torn: never acknowledged, so skipped even when strict.
      if (index === lines.length - 1) {
        tornLastLine = index + 1;
        continue;
      }
      if (options.strict) {
        throw new InputError('invalid-journal', `${where} is not JSON (${(error as Error).message}): fix or delete that line, then replay again`, {
          kind: 'damaged-line',
          line: index + 1,
        });
      }
      damagedLines.push(index + 1);
      continue;
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
  return { records, tornLastLine, damagedLines };
}
