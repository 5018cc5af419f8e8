import { InputError } from '../errors.js';
import type { JournalRecord } from '../journal/record.js';
import { newMessageId } from '../signature/index.js';
import type { OutgoingMessage } from './deliver.js';

/**
 * Reads a `listen --record` journal (JSON Lines). A line that is not JSON, or a delivery without its body, stops
 * the replay with the line number: resending part of a damaged journal would silently skip deliveries. Records of
 * other `type`s are skipped, so journals written by newer versions still replay.
 */
export function parseJournal(text: string, name: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `${name} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError('invalid-journal', `${where} is not JSON (${(error as Error).message}): fix or delete that line, then replay again`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError('invalid-journal', `${where} is not a journal record (expected one JSON object per line, as listen --record writes)`);
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
  return records;
}

export interface ReplayFilter {
  /** Keep records whose svix-id or event id is one of these. */
  ids?: string[];
  /** Keep records whose event type matches one of these; `*` matches any run of characters. */
  types?: string[];
  /** Keep records received at or after this time (ms). */
  sinceMs?: number;
}

export function selectRecords(records: readonly JournalRecord[], filter: ReplayFilter): JournalRecord[] {
  const typePatterns = filter.types?.map(globToRegExp);
  return records.filter(
    (record) =>
      (!filter.ids?.length || filter.ids.includes(messageIdOf(record) ?? '') || filter.ids.includes(record.eventId ?? '')) &&
      (!typePatterns?.length || typePatterns.some((pattern) => pattern.test(record.eventType ?? ''))) &&
      (filter.sinceMs === undefined || Date.parse(record.receivedAt) >= filter.sinceMs),
  );
}

/**
 * The message to send again: the recorded bytes, exactly, under the recorded svix-id (a fresh one only when the
 * request had none, e.g. recorded with --skip-verify). Timestamp and signature are made afresh at each attempt.
 */
export function toOutgoingMessage(record: JournalRecord): OutgoingMessage {
  return {
    messageId: messageIdOf(record) ?? newMessageId(),
    body: Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
    eventId: record.eventId,
    eventType: record.eventType,
  };
}

function messageIdOf(record: JournalRecord): string | undefined {
  return record.messageId ?? record.headers?.['svix-id'] ?? record.headers?.['webhook-id'];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
