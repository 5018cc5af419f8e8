import { InputError } from '../errors.js';
import { compileTypePattern, matchesType } from '../events/type-pattern.js';
import { decodeBody, readJournal, recordedMessageId, type JournalRecord } from '../journal/index.js';
import { newMessageId } from '../signature/index.js';
import type { OutgoingMessage } from './deliver.js';
import { resolveSend, sendMessages, type SendOptions, type SendResult } from './send.js';

export interface ReplayFilter {
  /** Keep records whose svix-id or event id is one of these. */
  ids?: readonly string[];
  /** Keep records whose event type matches one of these globs (`task.*`). */
  types?: readonly string[];
  /** Keep records received at or after this time (epoch ms). */
  sinceMs?: number;
}

export interface ReplayOptions extends SendOptions, ReplayFilter {
  /** The journal file a listener recorded. */
  journal: string;
}

/**
 * Sends recorded deliveries again: each keeps its recorded bytes and svix-id, with a fresh timestamp and
 * signature on every attempt. A journal with nothing to replay (empty, or nothing matches) is an InputError.
 */
export async function replay(options: ReplayOptions): Promise<SendResult> {
  const settings = resolveSend(options);
  const records = await readJournal(options.journal);
  const selected = selectRecords(records, options);
  if (selected.length === 0) {
    const { journal } = options;
    throw records.length === 0
      ? new InputError('invalid-journal', `${journal} holds no recorded deliveries: record some with a listener's journal first`, { kind: 'empty', journal })
      : new InputError('invalid-journal', `none of the ${records.length} deliveries in ${journal} match the filters: loosen them`, {
          kind: 'no-match',
          journal,
          recorded: records.length,
        });
  }
  return sendMessages(selected.map(toOutgoingMessage), settings, {
    onReport: options.onReport,
    signal: options.signal,
    total: selected.length,
    recorded: records.length,
  });
}

export function selectRecords(records: readonly JournalRecord[], filter: ReplayFilter): JournalRecord[] {
  const typePatterns = filter.types?.map(compileTypePattern);
  return records.filter(
    (record) =>
      (!filter.ids?.length || filter.ids.includes(recordedMessageId(record) ?? '') || filter.ids.includes(record.eventId ?? '')) &&
      (!typePatterns?.length || matchesType(typePatterns, record.eventType ?? '')) &&
      (filter.sinceMs === undefined || Date.parse(record.receivedAt) >= filter.sinceMs),
  );
}

/**
 * The message to send again: the recorded bytes, exactly, under the recorded svix-id (a fresh one only when the
 * request had none, e.g. recorded without verification). Timestamp and signature are made afresh at each attempt.
 */
export function toOutgoingMessage(record: JournalRecord): OutgoingMessage {
  return { messageId: recordedMessageId(record) ?? newMessageId(), body: decodeBody(record), eventId: record.eventId, eventType: record.eventType };
}
