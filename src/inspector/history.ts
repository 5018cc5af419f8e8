import { statSync } from 'node:fs';
import { encodeBody, recordedMessageId, type JournalRecord } from '../journal/index.js';
import type { ForwardResult } from '../listener/forward.js';
import { countsAsAttempt, RecentIds, repeatKind, type Sighting } from '../listener/recent-ids.js';
import type { DeliveryReport } from '../listener/reports.js';
import type { VerifyResult, VerifySuccess } from '../signature/index.js';
import { PackedRing } from './packed-ring.js';
import { openJournalReader, readJournalRecords, type JournalRef } from './journal-history.js';
import {
  detailOfRecord,
  forwardDetail,
  detailOfReport,
  summarizeRecord,
  summarizeReport,
  type DeliveryDetail,
  type DeliverySummary,
} from './model.js';

/** Without a journal: the last 1,000 deliveries (as many of them as fit in MEMORY_BYTES), in memory. */
export const MEMORY_CAPACITY = 1_000;
/** With a journal: its last 10,000 deliveries are listed; their details are read back from the file on demand. */
export const JOURNAL_CAPACITY = 10_000;
/** Whichever comes first bounds the deliveries whose full details (headers, bodies) are held in memory. */
export const DETAIL_WINDOW = 1_000;
export const DETAIL_BYTES = 64 * 1024 * 1024;
/**
 * Without a journal, deliveries are packed into a ring of this many bytes (the oldest overwritten first). Every
 * byte of the ring is touched once it has wrapped, so its size is what it adds to RSS: 4 MiB holds 1,000 deliveries
 * of 4 KiB, and a body up to a quarter of it (1 MiB, the default --max-body) is still kept whole.
 */
export const MEMORY_BYTES = 4 * 1024 * 1024;
/** How many damaged journal lines are named (the rest are counted). */
const DAMAGED_LINES_KEPT = 100;
/** A search gives the event loop back after this many bodies read from the journal (a few ms of work). */
const SEARCH_SLICE = 200;

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

/**
 * What a report knows that the journal line does not: kept for the deliveries a page saw arrive. Not the attempt:
 * the journal's lines are numbered in order, which still holds after a restart, when the listener's own count
 * starts again from 1.
 */
interface LiveExtra {
  latencyMs: number;
  filtered: boolean;
  drift?: string;
  detail: Pick<DeliveryDetail, 'policy' | 'delayMs' | 'senderGone' | 'recordError' | 'forward'>;
}

interface Slot {
  seq: number;
  summary: DeliverySummary;
  /** Held for requests the inspector sent itself (a replay to another URL). */
  detail?: DeliveryDetail;
  /** Where its journal line is. */
  ref?: JournalRef;
  extra?: LiveExtra;
  bytes: number;
}

export interface HistoryOptions {
  /** The listener's journal, which then is the history: read at start and as it grows. */
  journalPath?: string;
  capacity?: number;
  detailWindow?: number;
  detailBytes?: number;
  /** The packed ring's size without a journal. */
  memoryBytes?: number;
}

/**
 * The deliveries the page can show, bounded in count and in the bytes of detail held in memory.
 *
 * Without a journal, each report is packed into a ring of bytes (PackedRing, Scalars) and summarized when asked for.
 * With one, the journal is the history: its lines are listed (read from the file as it grows, when a page or a
 * script asks), and the listener's reports are not even looked at unless a page is open, when their extras
 * (latency, the rule that chose the answer, the app's answer) are kept for the window.
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
  /** Journal mode: how far the file has been read, where the listener's own lines start, attempts per svix-id. */
  private scanned = 0;
  /** The journal read in progress (sync), which the next one waits for. */
  private reading: Promise<unknown> = Promise.resolve();
  /** Lines from this offset on were written by this listener; those before it are the journal's past. */
  private readonly liveFrom: number;
  private past = 0;
  /** Journal mode: attempts per svix-id, counted over the lines in order as the listener counts them live. */
  private readonly attempts: RecentIds | undefined;
  /** Journal mode: lines read so far, and the numbers of the first lines that were not JSON (skipped). */
  private linesScanned = 0;
  private readonly damaged: number[] = [];
  private damagedCount = 0;
  private readonly extras = new Map<string, LiveExtra>();
  /** Without a journal: the size of the ring the deliveries are packed into. */
  readonly memoryBytes: number | undefined;
  /** Without a journal: the deliveries themselves, packed. */
  private readonly ring: PackedRing | undefined;
  /** Without a journal: each packed delivery's numbers and flags. */
  private readonly scalars: Scalars | undefined;

  constructor(options: HistoryOptions = {}) {
    this.journalPath = options.journalPath;
    this.capacity = options.capacity ?? (options.journalPath ? JOURNAL_CAPACITY : MEMORY_CAPACITY);
    this.detailWindow = options.detailWindow ?? DETAIL_WINDOW;
    this.detailBytes = options.detailBytes ?? DETAIL_BYTES;
    this.slots = new Array(this.capacity);
    if (!this.journalPath) {
      this.memoryBytes = options.memoryBytes ?? MEMORY_BYTES;
      this.ring = new PackedRing(this.capacity, this.memoryBytes);
      this.scalars = new Scalars(this.capacity);
    }
    // Nothing is read yet: the journal's past is listed when a page or a script first asks, so a long journal
    // does not delay the listener's start.
    this.liveFrom = this.journalPath ? fileSize(this.journalPath) : 0;
    this.attempts = this.journalPath ? new RecentIds() : undefined;
  }

  /** How many of the journal's past deliveries (written before this listener started) are listed. */
  get loadedFromJournal(): number {
    return Math.min(this.past, this.capacity);
  }

  /** Journal mode: the lines skipped because they are not JSON (the first DAMAGED_LINES_KEPT of them), and how many in all. */
  get damagedLines(): { lines: readonly number[]; count: number } {
    return { lines: this.damaged, count: this.damagedCount };
  }

  /** Newest seq so far (0 when empty). */
  get lastSeq(): number {
    return this.last;
  }

  get size(): number {
    return Math.min(this.last, this.capacity);
  }

  /**
   * Hands over a delivery report. Without a journal it is listed now (its seq is returned); with one, it is
   * listed once `sync` reads its line, and only what the line lacks is kept.
   */
  add(report: DeliveryReport): number | undefined {
    if (this.journalPath) {
      this.extras.set(keyOf(report.receivedAt, report.messageId), extraOf(report));
      if (this.extras.size > this.detailWindow) this.extras.delete(this.extras.keys().next().value!);
      return undefined;
    }
    // Packed as JSON and bytes at once: no object is kept per delivery (see PackedRing).
    const seq = ++this.last;
    const index = (seq - 1) % this.capacity;
    // A replay listed in this place is overwritten: its detail stops counting against the window.
    const replaced = this.slots[index];
    if (replaced && isHeld(replaced)) this.release(replaced);
    this.slots[index] = undefined;
    this.ring!.put(index, this.scalars!.pack(index, report), report.body, report.forward?.body);
    return seq;
  }

  /** A request the inspector sent itself (a replay to another URL), listed like a delivery. */
  addDetail(make: (seq: number) => DeliveryDetail): DeliveryDetail {
    const seq = ++this.last;
    const detail = make(seq);
    this.ring?.clear((seq - 1) % this.capacity);
    this.put({ seq, summary: detail, detail, bytes: detail.body.length });
    return detail;
  }

  /**
   * With a journal: lists the lines written since the last call, and resolves with their summaries. The file is
   * read without blocking the listener; calls run one after another, so each line is listed (and returned) once.
   */
  sync(): Promise<DeliverySummary[]> {
    if (!this.journalPath) return Promise.resolve([]);
    const run = this.reading.then(() => this.readMore(this.journalPath!));
    this.reading = run.catch(() => undefined);
    return run;
  }

  private async readMore(journalPath: string): Promise<DeliverySummary[]> {
    const added: DeliverySummary[] = [];
    const firstLine = this.linesScanned;
    const read = await readJournalRecords(journalPath, this.scanned, (record, ref) => {
      const seq = ++this.last;
      const key = keyOf(record.receivedAt, record.messageId);
      const extra = this.extras.get(key);
      if (extra) this.extras.delete(key);
      const summary = this.summarizeLine(seq, record, ref, extra);
      this.put({ seq, summary, ref, extra, bytes: extra?.detail.forward?.body?.length ?? 0 });
      added.push(summary);
    }, (line) => {
      // Skipped, and named for the page (issue 19 defect 3): a crash's fragment, or damage by hand.
      this.damagedCount++;
      if (this.damaged.length < DAMAGED_LINES_KEPT) this.damaged.push(firstLine + line);
    });
    this.scanned = read.end;
    this.linesScanned += read.lines;
    return added.length > this.capacity ? added.slice(-this.capacity) : added;
  }

  summary(seq: number): DeliverySummary | undefined {
    const slot = this.slot(seq);
    if (!slot) {
      const packed = this.unpack(seq);
      return packed && summaryOfPacked(seq, packed);
    }
    return slot.summary;
  }

  detail(seq: number, reader?: ReturnType<typeof openJournalReader>): DeliveryDetail | undefined {
    const slot = this.slot(seq);
    if (!slot) {
      const packed = this.unpack(seq);
      return packed && detailOfReport(summaryOfPacked(seq, packed), packed.report);
    }
    if (slot.detail) return slot.detail;
    if (!slot.ref || !this.journalPath) return undefined;
    const own = reader ?? openJournalReader(this.journalPath);
    try {
      const record = own.read(slot.ref);
      return record && { ...detailOfRecord(slot.summary, record), ...slot.extra?.detail };
    } finally {
      if (!reader) own.close();
    }
  }

  /** The details of many deliveries (an export), oldest first as given; the journal is opened once for all. */
  details(seqs: readonly number[]): DeliveryDetail[] {
    const reader = this.journalPath ? openJournalReader(this.journalPath) : undefined;
    try {
      const out: DeliveryDetail[] = [];
      for (const seq of seqs) {
        const detail = this.detail(seq, reader);
        if (detail) out.push(detail);
      }
      return out;
    } finally {
      reader?.close();
    }
  }

  /** Newest first, from just below `before`, the summaries matching the filter. */
  list(filter: HistoryFilter, limit: number, before = Number.POSITIVE_INFINITY): HistoryPage {
    const walk = this.walk(filter, limit, before);
    for (;;) {
      const step = walk.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `list`, giving the event loop back every SEARCH_SLICE bodies read from the journal: a search over 10,000 of
   * them must not hold up the deliveries the listener is answering meanwhile (issue 23).
   */
  async search(filter: HistoryFilter, limit: number, before = Number.POSITIVE_INFINITY): Promise<HistoryPage> {
    const walk = this.walk(filter, limit, before);
    for (;;) {
      const step = walk.next();
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The list's walk, newest first; it pauses (yields) every SEARCH_SLICE bodies read back from the journal. */
  private *walk(filter: HistoryFilter, limit: number, before: number): Generator<void, HistoryPage> {
    const items: DeliverySummary[] = [];
    const match = matcher(filter);
    const text = filter.text?.trim().toLowerCase();
    const reader = text && this.journalPath ? openJournalReader(this.journalPath) : undefined;
    let read = 0;
    try {
      for (let seq = Math.min(before - 1, this.last); seq >= this.first(); seq--) {
        // A packed delivery is unpacked once, for its summary and (a text search) its body.
        const slot = this.slot(seq);
        const packed = slot ? undefined : this.unpack(seq);
        const summary = slot ? slot.summary : packed && summaryOfPacked(seq, packed);
        if (!summary || !match(summary)) continue;
        if (text && !(packed ? textOf(encodeBody(packed.report.body)) : this.bodyText(seq, reader)).includes(text)) {
          if (reader && ++read % SEARCH_SLICE === 0) yield;
          continue;
        }
        if (items.length === limit) return { items, more: true };
        items.push(summary);
      }
      return { items, more: false };
    } finally {
      reader?.close();
    }
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
    const slot = this.slots[(seq - 1) % this.capacity];
    return slot?.seq === seq ? slot : undefined;
  }

  private put(slot: Slot): void {
    const index = (slot.seq - 1) % this.capacity;
    const replaced = this.slots[index];
    if (replaced && isHeld(replaced)) this.release(replaced);
    this.slots[index] = slot;
    if (isHeld(slot)) {
      this.held++;
      this.heldBytes += slot.bytes;
    }
    // Details leave memory oldest first once the window is full; the summary (and the journal) keep the rest.
    while ((this.held > this.detailWindow || this.heldBytes > this.detailBytes) && this.oldestHeld < slot.seq) {
      const old = this.slot(this.oldestHeld++);
      if (old && isHeld(old)) this.release(old);
    }
  }

  private release(slot: Slot): void {
    slot.detail = undefined;
    slot.extra = undefined;
    this.held--;
    this.heldBytes -= slot.bytes;
  }

  /**
   * A packed delivery as the report it was, and whether its body was kept: a body too large for the ring reads as
   * empty in the report, which must then never be taken for the original (see summaryOfPacked).
   */
  private unpack(seq: number): Packed | undefined {
    if (!this.ring || !Number.isInteger(seq) || seq < this.first() || seq > this.last) return undefined;
    const index = (seq - 1) % this.capacity;
    const packed = this.ring.get(index);
    if (!packed) return undefined;
    const report = this.scalars!.unpack(index, packed.meta, packed.body ?? Buffer.alloc(0), packed.extra);
    return { report, bodyBytes: packed.bodyBytes, bodyKept: packed.body !== undefined };
  }

  private bodyText(seq: number, reader: ReturnType<typeof openJournalReader> | undefined): string {
    const detail = this.detail(seq, reader);
    return detail ? textOf(detail) : '';
  }

  /**
   * A journal line as a row; attempts are counted per svix-id in the order the lines were written, by the
   * listener's own rules (RecentIds, countsAsAttempt, repeatKind), so a line reads the same live and read back.
   */
  private summarizeLine(seq: number, record: JournalRecord, ref: JournalRef, extra: LiveExtra | undefined): DeliverySummary {
    const messageId = recordedMessageId(record);
    let sighting: Sighting = { attempt: 1 };
    if (countsAsAttempt({ messageId, verification: record.verification })) {
      sighting = this.attempts!.see(messageId!);
      this.attempts!.answered(messageId!, record.status);
    }
    const summary = summarizeRecord(seq, record, sighting.attempt, repeatKind(sighting));
    // Issue 20: without the live report (no page was open, or the line is from an earlier run), the drift mark is
    // the one the listener wrote in the line (lines of versions before it have none).
    if (!extra && record.shape) summary.drift = record.shape.message;
    if (ref.offset >= this.liveFrom) summary.source = 'live';
    else this.past++;
    if (extra) {
      summary.source = 'live';
      // The journal's figure when the line has one, so a row reads the same once the page is reloaded.
      summary.latencyMs ??= extra.latencyMs;
      summary.filtered = extra.filtered;
      if (extra.drift !== undefined) summary.drift = extra.drift;
    }
    return summary;
  }
}

/**
 * A report as one JSON array, body aside: Scalars' fallback when one of its strings holds a NUL (its separator).
 * An array of the fields in a fixed order costs about 4 µs to encode, the object form about 6 µs.
 */
function packReport(r: DeliveryReport): string {
  const f = r.forward;
  return JSON.stringify([
    r.receivedAt,
    r.method,
    r.path,
    r.messageId,
    r.attempt,
    r.repeat,
    r.eventType,
    r.eventId,
    r.verification,
    r.problem,
    r.filtered,
    r.status,
    r.policy,
    r.delayMs,
    f && [f.url, f.status, f.latencyMs, f.error, f.errorKind, f.contentType, f.headers],
    r.recorded,
    r.recordError,
    r.latencyMs,
    r.senderGone,
    r.headers,
    r.shape?.ok === false ? r.shape : null,
  ]);
}

function unpackReport(meta: string, body: Buffer, forwardBody: Buffer | undefined): DeliveryReport {
  const [receivedAt, method, path, messageId, attempt, repeat, eventType, eventId, verification, problem, filtered, status, policy, delayMs, f, recorded, recordError, latencyMs, senderGone, headers, shape] =
    JSON.parse(meta) as unknown[];
  const forward = f as [string, number?, number?, string?, ForwardResult['errorKind']?, string?, Array<[string, string]>?] | null;
  return {
    type: 'delivery',
    receivedAt: receivedAt as string,
    method: method as string,
    path: path as string,
    messageId: (messageId ?? undefined) as string | undefined,
    attempt: attempt as number,
    repeat: (repeat ?? undefined) as DeliveryReport['repeat'],
    eventType: (eventType ?? undefined) as string | undefined,
    eventId: (eventId ?? undefined) as string | undefined,
    verification: (verification ?? undefined) as DeliveryReport['verification'],
    problem: (problem ?? undefined) as DeliveryReport['problem'],
    shape: (shape ?? undefined) as DeliveryReport['shape'],
    filtered: filtered as boolean,
    status: status as number,
    policy: (policy ?? undefined) as DeliveryReport['policy'],
    delayMs: delayMs as number,
    forward: forward
      ? {
          url: forward[0],
          status: forward[1] ?? undefined,
          latencyMs: forward[2] ?? 0,
          error: forward[3] ?? undefined,
          errorKind: forward[4] ?? undefined,
          contentType: forward[5] ?? undefined,
          headers: forward[6] ?? undefined,
          body: forwardBody && forwardBody.length > 0 ? forwardBody : undefined,
        }
      : undefined,
    recorded: (recorded ?? undefined) as boolean | undefined,
    recordError: (recordError ?? undefined) as string | undefined,
    latencyMs: latencyMs as number,
    senderGone: senderGone as boolean,
    headers: headers as Record<string, string>,
    body,
  } as DeliveryReport;
}

// Flags of a packed delivery (Scalars.flags).
const HAS_MESSAGE_ID = 1;
const HAS_EVENT_TYPE = 2;
const HAS_EVENT_ID = 4;
const FILTERED = 8;
const SENDER_GONE = 16;
const RETRY = 32;
const DUPLICATE = 64;
const HAS_RECORDED = 128;
const RECORDED = 256;
const VERIFIED = 512;
/** A string held a NUL, the separator of the fast form: this delivery was packed as one JSON array instead. */
const AS_JSON = 1024;

/**
 * The cheap form of a packed delivery. JSON.stringify of the whole report (headers object included) was the
 * inspector's main cost per delivery without a journal (~+6% CPU in bench/listen.js); here the numbers go into
 * typed arrays, the strings (a success's verification and the headers included) are joined with NUL, and only the rare parts (a failed verification,
 * a body problem, a policy, a forward, a record error) are JSON-encoded, when present.
 */
class Scalars {
  private readonly flags: Uint16Array;
  private readonly attempt: Uint32Array;
  private readonly status: Uint16Array;
  private readonly delayMs: Float64Array;
  private readonly latencyMs: Float64Array;

  constructor(slots: number) {
    this.flags = new Uint16Array(slots);
    this.attempt = new Uint32Array(slots);
    this.status = new Uint16Array(slots);
    this.delayMs = new Float64Array(slots);
    this.latencyMs = new Float64Array(slots);
  }

  /** Stores the numbers of `r` in slot `index` and returns the text to put in the ring. */
  pack(index: number, r: DeliveryReport): string {
    const v = r.verification;
    const verified = v !== undefined && v.ok;
    const rare =
      (v && !v.ok) || r.problem || r.policy || r.forward || r.recordError !== undefined || (r.shape && !r.shape.ok)
        ? JSON.stringify([verified ? null : v, r.problem, r.policy, r.forward && { ...r.forward, body: undefined }, r.recordError, r.shape?.ok === false ? r.shape : null])
        : '';
    let text = `${r.receivedAt}\0${r.method}\0${r.path}\0${r.messageId ?? ''}\0${r.eventType ?? ''}\0${r.eventId ?? ''}\0${rare}`;
    if (verified) text += `\0${v.id}\0${v.timestamp}\0${v.family}\0${v.signature}\0${v.secretIndex}`;
    const headers = r.headers;
    for (const name in headers) text += `\0${name}\0${headers[name]}`;
    // Node's HTTP parser answers 400 to a NUL in the path or a header, so only the body's strings can hold one.
    const asJson = (r.eventType?.includes('\0') ?? false) || (r.eventId?.includes('\0') ?? false);
    this.flags[index] =
      (r.messageId !== undefined ? HAS_MESSAGE_ID : 0) |
      (r.eventType !== undefined ? HAS_EVENT_TYPE : 0) |
      (r.eventId !== undefined ? HAS_EVENT_ID : 0) |
      (r.filtered ? FILTERED : 0) |
      (r.senderGone ? SENDER_GONE : 0) |
      (r.repeat === 'retry' ? RETRY : r.repeat === 'duplicate' ? DUPLICATE : 0) |
      (r.recorded !== undefined ? HAS_RECORDED : 0) |
      (r.recorded ? RECORDED : 0) |
      (verified ? VERIFIED : 0) |
      (asJson ? AS_JSON : 0);
    this.attempt[index] = r.attempt;
    this.status[index] = r.status;
    this.delayMs[index] = r.delayMs;
    this.latencyMs[index] = r.latencyMs;
    return asJson ? packReport(r) : text;
  }

  unpack(index: number, text: string, body: Buffer, forwardBody: Buffer | undefined): DeliveryReport {
    const flags = this.flags[index]!;
    if (flags & AS_JSON) return unpackReport(text, body, forwardBody);
    const parts = text.split('\0');
    const [receivedAt, method, path, messageId, eventType, eventId, rare] = parts as [string, string, string, string, string, string, string];
    const [failure, problem, policy, forward, recordError, drift] = rare
      ? (JSON.parse(rare) as [VerifyResult | null, DeliveryReport['problem'] | null, DeliveryReport['policy'] | null, ForwardResult | null, string | null, DeliveryReport['shape'] | null])
      : [];
    let at = 7;
    let verification: VerifyResult | undefined = failure ?? undefined;
    if (flags & VERIFIED) {
      verification = {
        ok: true,
        id: parts[7]!,
        timestamp: Number(parts[8]),
        family: parts[9] as VerifySuccess['family'],
        signature: parts[10]!,
        secretIndex: Number(parts[11]),
      };
      at = 12;
    }
    // Null prototype, as Node's own request headers: a header named __proto__ stays a header.
    const headers = Object.create(null) as Record<string, string>;
    for (; at < parts.length; at += 2) headers[parts[at]!] = parts[at + 1]!;
    return {
      type: 'delivery',
      receivedAt,
      method,
      path,
      messageId: flags & HAS_MESSAGE_ID ? messageId : undefined,
      attempt: this.attempt[index]!,
      repeat: flags & RETRY ? 'retry' : flags & DUPLICATE ? 'duplicate' : undefined,
      eventType: flags & HAS_EVENT_TYPE ? eventType : undefined,
      eventId: flags & HAS_EVENT_ID ? eventId : undefined,
      verification,
      problem: problem ?? undefined,
      // Only a departure from the known union is kept: the rows show a mark for it, nothing for a member.
      shape: drift ?? undefined,
      filtered: (flags & FILTERED) !== 0,
      status: this.status[index]!,
      policy: policy ?? undefined,
      delayMs: this.delayMs[index]!,
      forward: forward ? { ...forward, body: forwardBody && forwardBody.length > 0 ? forwardBody : undefined } : undefined,
      recorded: flags & HAS_RECORDED ? (flags & RECORDED) !== 0 : undefined,
      recordError: recordError ?? undefined,
      latencyMs: this.latencyMs[index]!,
      senderGone: (flags & SENDER_GONE) !== 0,
      headers,
      body,
    };
  }
}

/** A delivery read back from the ring: its report (with an empty body when the body was not kept). */
interface Packed {
  report: DeliveryReport;
  bodyBytes: number;
  bodyKept: boolean;
}

/** The row of a packed delivery: its real size, and `bodyKept: false` when the body was left out of the ring. */
function summaryOfPacked(seq: number, { report, bodyBytes, bodyKept }: Packed): DeliverySummary {
  const summary = summarizeReport(seq, report);
  summary.bodyBytes = bodyBytes;
  if (!bodyKept) summary.bodyKept = false;
  return summary;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What a text search looks in: the body lower-cased, when it is UTF-8. */
function textOf(body: { body: string; bodyEncoding: 'utf8' | 'base64' }): string {
  return body.bodyEncoding === 'utf8' ? body.body.toLowerCase() : '';
}

function isHeld(slot: Slot): boolean {
  return slot.detail !== undefined || slot.extra !== undefined;
}

function keyOf(receivedAt: string, messageId: string | undefined): string {
  return `${receivedAt} ${messageId ?? ''}`;
}

function extraOf(r: DeliveryReport): LiveExtra {
  return {
    latencyMs: r.latencyMs,
    filtered: r.filtered,
    drift: r.shape && !r.shape.ok ? r.shape.message : undefined,
    detail: {
      policy: r.policy,
      delayMs: r.delayMs,
      senderGone: r.senderGone,
      recordError: r.recordError,
      forward: r.forward && forwardDetail(r.forward),
    },
  };
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
