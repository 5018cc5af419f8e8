import type { DeliveryReport } from '../listener/reports.js';
import { readJournalRecordAt, readJournalRecords, type JournalRef } from './journal-history.js';
import {
  detailOfRecord,
  detailOfReport,
  summarizeRecord,
  summarizeReport,
  type DeliveryDetail,
  type DeliverySummary,
} from './model.js';

/** Without a journal: the last 1,000 deliveries, in memory. */
export const MEMORY_CAPACITY = 1_000;
/** With a journal: the last 100,000 deliveries are listed; their details are read back from the file on demand. */
export const JOURNAL_CAPACITY = 100_000;
/** Whichever comes first bounds the deliveries whose full details (headers, bodies) are held in memory. */
export const DETAIL_WINDOW = 1_000;
export const DETAIL_BYTES = 64 * 1024 * 1024;

export interface HistoryFilter {
  type?: string;
  /** `2xx`, `4xx`, `5xx` or one status such as `401`. */
  status?: string;
  verification?: 'verified' | 'failed' | 'unverified';
  /** Case-insensitive text searched in the body. */
  text?: string;
}

export interface HistoryPage {
  items: DeliverySummary[];
  /** Whether older matching deliveries remain (ask again with `before` = the last seq). */
  more: boolean;
}

interface Slot {
  summary?: DeliverySummary;
  /** Held while the delivery is in the detail window. */
  report?: DeliveryReport;
  detail?: DeliveryDetail;
  /** Where its journal line is, for deliveries read from the journal (or found in it later). */
  ref?: JournalRef;
  seq: number;
  bytes: number;
}

export interface HistoryOptions {
  /** The listener's `--record` journal: past deliveries are listed at start, and details outlive the window. */
  journalPath?: string;
  capacity?: number;
  detailWindow?: number;
  detailBytes?: number;
}

/**
 * The deliveries the page can show, newest last, bounded in count and in the bytes of detail held. Adding is a
 * push and a counter (this runs on every delivery, page open or not); summaries and details are built when
 * asked for.
 */
export class History {
  readonly capacity: number;
  readonly journalPath: string | undefined;
  private readonly slots: Array<Slot | undefined>;
  private readonly detailWindow: number;
  private readonly detailBytes: number;
  private last = 0;
  private oldestHeld = 1;
  private held = 0;
  private heldBytes = 0;
  /** Journal lines written since start, scanned lazily to find details that left the window. */
  private liveScan: { from: number; refs: Map<string, JournalRef[]> } | undefined;
  readonly loadedFromJournal: number;

  constructor(options: HistoryOptions = {}) {
    this.journalPath = options.journalPath;
    this.capacity = options.capacity ?? (options.journalPath ? JOURNAL_CAPACITY : MEMORY_CAPACITY);
    this.detailWindow = options.detailWindow ?? DETAIL_WINDOW;
    this.detailBytes = options.detailBytes ?? DETAIL_BYTES;
    this.slots = new Array(this.capacity);
    this.loadedFromJournal = options.journalPath ? this.loadJournal(options.journalPath) : 0;
  }

  /** Newest seq so far (0 when empty). */
  get lastSeq(): number {
    return this.last;
  }

  get size(): number {
    return Math.min(this.last, this.capacity);
  }

  add(report: DeliveryReport): number {
    const seq = ++this.last;
    this.put({ seq, report, bytes: report.body.length + (report.forward?.body?.length ?? 0) });
    return seq;
  }

  /** A request the inspector sent itself (a replay to another URL), listed like a delivery. */
  addDetail(make: (seq: number) => DeliveryDetail): DeliveryDetail {
    const seq = ++this.last;
    const detail = make(seq);
    this.put({ seq, summary: detail, detail, bytes: detail.body.length });
    return detail;
  }

  summary(seq: number): DeliverySummary | undefined {
    const slot = this.slot(seq);
    if (!slot) return undefined;
    slot.summary ??= summarizeReport(seq, slot.report!);
    return slot.summary;
  }

  detail(seq: number): DeliveryDetail | undefined {
    const slot = this.slot(seq);
    if (!slot) return undefined;
    if (slot.detail) return slot.detail;
    const summary = this.summary(seq)!;
    if (slot.report) return detailOfReport(summary, slot.report);
    if (!this.journalPath) return undefined;
    slot.ref ??= this.findLiveRef(summary);
    const record = slot.ref && readJournalRecordAt(this.journalPath, slot.ref);
    return record && { ...detailOfRecord(summary, record), latencyMs: summary.latencyMs, filtered: summary.filtered };
  }

  /** Newest first, from just below `before`, the summaries matching the filter. */
  list(filter: HistoryFilter, limit: number, before = Number.POSITIVE_INFINITY): HistoryPage {
    const items: DeliverySummary[] = [];
    const match = matcher(filter);
    const text = filter.text?.trim().toLowerCase();
    for (let seq = Math.min(before - 1, this.last); seq >= this.first(); seq--) {
      const summary = this.summary(seq);
      if (!summary || !match(summary)) continue;
      if (text && !this.bodyText(seq).includes(text)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(summary);
    }
    return { items, more: false };
  }

  /** Summaries after `seq`, oldest first: what a page that reconnects missed. */
  since(seq: number): DeliverySummary[] {
    const out: DeliverySummary[] = [];
    for (let s = Math.max(seq + 1, this.first()); s <= this.last; s++) {
      const summary = this.summary(s);
      if (summary) out.push(summary);
    }
    return out;
  }

  /** Every attempt of one message held, oldest first. */
  attemptsOf(messageId: string): DeliverySummary[] {
    const out: DeliverySummary[] = [];
    for (let s = this.first(); s <= this.last; s++) {
      const summary = this.summary(s);
      if (summary?.messageId === messageId) out.push(summary);
    }
    return out;
  }

  types(): string[] {
    const types = new Set<string>();
    for (let s = this.first(); s <= this.last; s++) {
      const type = this.summary(s)?.eventType;
      if (type) types.add(type);
    }
    return [...types].sort();
  }

  private first(): number {
    return Math.max(1, this.last - this.capacity + 1);
  }

  private slot(seq: number): Slot | undefined {
    if (!Number.isInteger(seq) || seq < this.first() || seq > this.last) return undefined;
    return this.slots[(seq - 1) % this.capacity];
  }

  private put(slot: Slot): void {
    const index = (slot.seq - 1) % this.capacity;
    const replaced = this.slots[index];
    if (replaced && (replaced.report || replaced.detail)) this.release(replaced);
    this.slots[index] = slot;
    if (slot.report || slot.detail) {
      this.held++;
      this.heldBytes += slot.bytes;
    }
    // Details leave memory oldest first once the window is full; the summary (and the journal) keep the rest.
    while ((this.held > this.detailWindow || this.heldBytes > this.detailBytes) && this.oldestHeld < slot.seq) {
      const old = this.slot(this.oldestHeld++);
      if (old && (old.report || old.detail)) {
        old.summary ??= summarizeReport(old.seq, old.report!);
        this.release(old);
      }
    }
  }

  private release(slot: Slot): void {
    slot.report = undefined;
    slot.detail = undefined;
    this.held--;
    this.heldBytes -= slot.bytes;
  }

  private bodyText(seq: number): string {
    const slot = this.slot(seq);
    if (slot?.report) return slot.report.body.toString('utf8').toLowerCase();
    const detail = this.detail(seq);
    return detail && detail.bodyEncoding === 'utf8' ? detail.body.toLowerCase() : '';
  }

  /** Reads the journal's past deliveries: summaries and where each line is, never their bodies. */
  private loadJournal(path: string): number {
    const seen = new Map<string, number>();
    let count = 0;
    const end = readJournalRecords(path, 0, (record, ref) => {
      const id = record.messageId;
      const previous = id === undefined ? undefined : seen.get(id);
      const attempt = id === undefined ? 1 : (seen.get(`#${id}`) ?? 0) + 1;
      if (id !== undefined) {
        seen.set(`#${id}`, attempt);
        seen.set(id, record.status);
      }
      const repeat = attempt === 1 ? undefined : previous !== undefined && (previous < 200 || previous > 299) ? 'retry' : 'duplicate';
      const seq = ++this.last;
      this.slots[(seq - 1) % this.capacity] = { seq, summary: summarizeRecord(seq, record, attempt, repeat), ref, bytes: 0 };
      count++;
    });
    this.oldestHeld = this.last + 1;
    this.liveScan = { from: end, refs: new Map() };
    return Math.min(count, this.capacity);
  }

  /** Finds a live delivery that left the detail window in the lines the listener has appended since start. */
  private findLiveRef(summary: DeliverySummary): JournalRef | undefined {
    const scan = this.liveScan;
    if (!scan || !this.journalPath || summary.source !== 'live') return undefined;
    const key = (receivedAt: string, messageId: string | undefined) => `${receivedAt} ${messageId ?? ''}`;
    scan.from = readJournalRecords(this.journalPath, scan.from, (record, ref) => {
      const k = key(record.receivedAt, record.messageId);
      const refs = scan.refs.get(k);
      if (refs) refs.push(ref);
      else scan.refs.set(k, [ref]);
    });
    const refs = scan.refs.get(key(summary.receivedAt, summary.messageId));
    const ref = refs?.shift();
    if (refs && refs.length === 0) scan.refs.delete(key(summary.receivedAt, summary.messageId));
    return ref;
  }
}

function matcher(filter: HistoryFilter): (s: DeliverySummary) => boolean {
  const status = filter.status?.trim().toLowerCase();
  const statusTest = !status
    ? () => true
    : /^[1-5]xx$/.test(status)
      ? (s: DeliverySummary) => Math.floor(s.status / 100) === Number(status[0])
      : (s: DeliverySummary) => String(s.status) === status;
  return (s) =>
    (!filter.type || s.eventType === filter.type) &&
    statusTest(s) &&
    (!filter.verification ||
      (filter.verification === 'verified' ? s.verified === true : filter.verification === 'failed' ? s.verified === false : s.verified === null));
}
