import type { ForwardResult } from '../listener/forward.js';
import { encodeBody, recordedMessageId, type JournalRecord } from '../journal/index.js';
import type { BodyProblem, DeliveryReport } from '../listener/reports.js';
import type { PolicyReason } from '../listener/respond-policy.js';
import type { VerifyResult } from '../signature/index.js';

/** Where an entry of the inspector's history came from. */
export type EntrySource = 'live' | 'journal' | 'replay';

/** One row of the list: small, so thousands fit in memory and in one page of the API. */
export interface DeliverySummary {
  seq: number;
  source: EntrySource;
  receivedAt: string;
  method: string;
  path: string;
  eventType?: string;
  eventId?: string;
  messageId?: string;
  /** 1 the first time a svix-id arrives, then 2, 3… */
  attempt: number;
  repeat?: 'retry' | 'duplicate';
  /** true verified, false failed, null not checked (verification skipped, or a request the inspector sent elsewhere). */
  verified: boolean | null;
  reason?: string;
  status: number;
  /** Unknown only for deliveries read back from a journal written before it recorded latencies. */
  latencyMs?: number;
  forwardStatus?: number;
  forwardError?: string;
  filtered: boolean;
  bodyBytes: number;
  /**
   * false when the body was too large for the in-memory history to keep (the detail's `body` is then empty, not
   * the original): such a delivery cannot be replayed, exported or saved from the inspector (issue 19 defect 5).
   */
  bodyKept?: false;
  /** Issue 20: a verified event outside the known union: the first field that departs from it, in a sentence. */
  drift?: string;
  /** For replays the inspector sent somewhere else than the listener: where to. */
  sentTo?: string;
}

/** Everything the page shows about one delivery. Request-derived strings are untrusted: the page renders them as text. */
export interface DeliveryDetail extends DeliverySummary {
  headers: Record<string, string>;
  /** The raw body: UTF-8 text when it decodes cleanly, else base64. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  verification?: VerifyResult;
  problem?: BodyProblem;
  policy?: PolicyReason;
  delayMs?: number;
  senderGone?: boolean;
  recordError?: string;
  forward?: {
    url: string;
    status?: number;
    latencyMs: number;
    error?: string;
    errorKind?: string;
    contentType?: string;
    headers?: Array<[string, string]>;
    body?: string;
    bodyEncoding?: 'utf8' | 'base64';
  };
}

export function summarizeReport(seq: number, r: DeliveryReport, source: EntrySource = 'live'): DeliverySummary {
  return {
    seq,
    source,
    receivedAt: r.receivedAt,
    method: r.method,
    path: r.path,
    eventType: r.eventType,
    eventId: r.eventId,
    messageId: r.messageId,
    attempt: r.attempt,
    repeat: r.repeat,
    verified: r.verification ? r.verification.ok : null,
    reason: r.verification && !r.verification.ok ? r.verification.reason : r.problem?.reason,
    status: r.status,
    latencyMs: r.latencyMs,
    forwardStatus: r.forward?.status,
    forwardError: r.forward?.error,
    filtered: r.filtered,
    bodyBytes: r.body.length,
    drift: r.shape && !r.shape.ok ? r.shape.message : undefined,
  };
}

export function detailOfReport(summary: DeliverySummary, r: DeliveryReport): DeliveryDetail {
  const f = r.forward;
  return {
    ...summary,
    headers: r.headers,
    ...encodeBody(r.body),
    verification: r.verification,
    problem: r.problem,
    policy: r.policy,
    delayMs: r.delayMs,
    senderGone: r.senderGone,
    recordError: r.recordError,
    forward: f && forwardDetail(f),
  };
}

export function forwardDetail(f: ForwardResult): NonNullable<DeliveryDetail['forward']> {
  return {
    url: f.url,
    status: f.status,
    latencyMs: f.latencyMs,
    error: f.error,
    errorKind: f.errorKind,
    contentType: f.contentType,
    headers: f.headers,
    ...(f.body && encodeBody(f.body)),
  };
}

/** A journal line as a summary; `attempt` and `repeat` are worked out by the caller, who sees the lines in order. */
export function summarizeRecord(seq: number, record: JournalRecord, attempt: number, repeat: DeliverySummary['repeat']): DeliverySummary {
  const v = record.verification;
  return {
    seq,
    source: 'journal',
    receivedAt: record.receivedAt,
    method: record.method,
    path: record.path,
    eventType: record.eventType,
    eventId: record.eventId,
    messageId: recordedMessageId(record),
    attempt,
    repeat,
    verified: v ? v.ok : null,
    reason: v && !v.ok ? v.reason : undefined,
    status: record.status,
    latencyMs: record.latencyMs,
    forwardStatus: record.forward?.status,
    forwardError: record.forward?.error,
    filtered: false,
    bodyBytes: record.bodyEncoding === 'base64' ? Buffer.byteLength(record.body, 'base64') : Buffer.byteLength(record.body),
  };
}

export function detailOfRecord(summary: DeliverySummary, record: JournalRecord): DeliveryDetail {
  return {
    ...summary,
    headers: record.headers ?? {},
    body: record.body,
    bodyEncoding: record.bodyEncoding,
    verification: record.verification,
    forward: record.forward,
  };
}

/** The journal's shape for a delivery the inspector shows, so an export is something `replay` reads. */
export function toJournalRecord(d: DeliveryDetail): JournalRecord {
  return {
    type: 'delivery',
    receivedAt: d.receivedAt,
    method: d.method,
    path: d.path,
    headers: d.headers,
    body: d.body,
    bodyEncoding: d.bodyEncoding,
    messageId: d.messageId,
    eventType: d.eventType,
    eventId: d.eventId,
    verification: d.verification,
    status: d.status,
    latencyMs: d.latencyMs,
    forward: d.forward && { url: d.forward.url, status: d.forward.status, latencyMs: d.forward.latencyMs, error: d.forward.error },
  };
}
