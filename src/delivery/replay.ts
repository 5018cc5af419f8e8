import { InputError } from '../errors.js';
import { compileTypePattern, matchesType } from '../events/type-pattern.js';
import { decodeBody, failedVerification, loadJournal, passedVerification, recordedMessageId, type JournalRecord } from '../journal/index.js';
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
  /**
   * Also send the deliveries the listener refused for failing verification, and those it recorded without verifying
   * them (verification skipped). Off by default: such a request may be anyone's forgery, and re-signing it with the
   * real secret would make the app trust it.
   */
  includeUnverified?: boolean;
}

/** What replay() resolves with: the run's results, and what it left out of the journal. */
export interface ReplayResult extends SendResult {
  /** Deliveries the journal holds. */
  recorded: number;
  /** Matching deliveries not sent because they had failed verification or were never verified (see includeUnverified). */
  skippedUnverified: number;
  /** Of those, the ones recorded without verification (the listener skipped it): never checked, so never trusted. */
  skippedNeverVerified: number;
  /** The number of a torn last line that was skipped (it was never answered 2xx). */
  tornLastLine?: number;
}

/**
 * Sends recorded deliveries again: each keeps its recorded bytes and svix-id, with a fresh timestamp and
 * signature on every attempt. A journal with nothing to replay (empty, or nothing matches) is an InputError.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const settings = resolveSend(options);
  const { journal } = options;
  const { records, tornLastLine } = await loadJournal(journal);
  const matching = selectRecords(records, options);
  // Re-signed afresh, a delivery the listener never verified would become one the app trusts (issue 19 defect 7).
  const refused = options.includeUnverified ? [] : matching.filter((record) => !passedVerification(record));
  const neverVerified = refused.filter((record) => !failedVerification(record)).length;
  const selected = refused.length > 0 ? matching.filter(passedVerification) : matching;
  if (selected.length === 0) {
    const details = { journal, recorded: records.length, tornLastLine };
    throw refused.length > 0
      ? new InputError('invalid-journal', `all ${refused.length} matching deliveries in ${journal} ${whyRefused(refused.length - neverVerified, neverVerified)}: pass includeUnverified to send them anyway`, {
          ...details,
          kind: 'all-unverified',
          refused: refused.length,
          neverVerified,
        })
      : records.length === 0
        ? new InputError('invalid-journal', `${journal} holds no recorded deliveries: record some with a listener's journal first`, { ...details, kind: 'empty' })
        : new InputError('invalid-journal', `none of the ${records.length} deliveries in ${journal} match the filters: loosen them`, { ...details, kind: 'no-match' });
  }
  // What the journal held and what was left out: told at the start and returned with the results.
  const left = { recorded: records.length, skippedUnverified: refused.length, skippedNeverVerified: neverVerified, ...(tornLastLine === undefined ? {} : { tornLastLine }) };
  const run = await sendMessages(selected.map(toOutgoingMessage), settings, {
    onReport: options.onReport,
    signal: options.signal,
    total: selected.length,
    replay: left,
  });
  return { ...run, ...left };
}

/** Why deliveries were left out: they failed verification, were never verified, or some of each. */
export function whyRefused(failed: number, neverVerified: number): string {
  if (neverVerified === 0) return 'failed signature verification when received';
  if (failed === 0) return `${neverVerified === 1 ? 'was' : 'were'} recorded without signature verification`;
  return `failed signature verification when received (${failed}) or were recorded without it (${neverVerified})`;
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
