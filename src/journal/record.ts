import { isUtf8 } from 'node:buffer';
import type { VerifyResult } from '../signature/index.js';
import type { DeliveryReport } from '../listener/reports.js';
import type { ShapeVerdict } from '../events/known-events.js';

/**
 * One line of a listener's journal (JSON Lines). replay() reads the same shape, so this type is the contract
 * between the two: add fields, never rename or remove them.
 */
export interface JournalRecord {
  type: 'delivery';
  /** ISO time the request was received. */
  receivedAt: string;
  method: string;
  path: string;
  /** Request headers, names lower-cased, as received. */
  headers: Record<string, string>;
  /** The raw body: UTF-8 text when it decodes cleanly, else base64 (see bodyEncoding). */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The svix-id (or webhook-id) header, when present. */
  messageId?: string;
  /** The event's `type` and `id` from the JSON body, when it parses. */
  eventType?: string;
  eventId?: string;
  /** Absent when the listener did not verify signatures. */
  verification?: VerifyResult;
  /** The status the listener answered. */
  status: number;
  /**
   * Milliseconds from the request's arrival to its answer being decided (forward and delay included), taken as
   * this line is written, just before the answer goes out. Absent from lines written before it was recorded.
   */
  latencyMs?: number;
  forward?: { url: string; status?: number; latencyMs: number; error?: string };
  /**
   * A verified event the known union does not hold: which field departs from it (issue 20). Absent for members,
   * and for lines written before it was recorded. Kept here so that reading a journal back (the inspector) needs
   * neither a parse nor a validation of every body.
   */
  shape?: Extract<ShapeVerdict, { ok: false }>;
}

/** The body as the journal stores it: UTF-8 text when it decodes cleanly, else base64, so no byte is lost. */
export function encodeBody(body: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  return isUtf8(body) ? { body: body.toString('utf8'), bodyEncoding: 'utf8' } : { body: body.toString('base64'), bodyEncoding: 'base64' };
}

/** The exact bytes a record holds. */
export function decodeBody(record: Pick<JournalRecord, 'body' | 'bodyEncoding'>): Buffer {
  return Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** The svix-id a recorded delivery came with: the field, else the header (records written before the field). */
export function recordedMessageId(record: JournalRecord): string | undefined {
  return record.messageId ?? record.headers?.['svix-id'] ?? record.headers?.['webhook-id'];
}

/** Whether a record was refused by the listener's signature check (not merely recorded without verification). */
export function failedVerification(record: JournalRecord): boolean {
  return record.verification !== undefined && record.verification !== null && record.verification.ok === false;
}

/**
 * Whether a record's signature was checked and held. A record without a verification was received with
 * verification skipped: its bytes may be anyone's, exactly like those that failed (issue 19 defect 7).
 */
export function passedVerification(record: JournalRecord): boolean {
  return record.verification !== undefined && record.verification !== null && record.verification.ok === true;
}

/**
 * The record of a delivery, as it is about to be answered (its latencyMs is the time taken so far). `text` is the body already decoded when it is UTF-8
 * (the listener decoded it to read the event), so it is not decoded twice.
 */
export function journalRecord(delivery: DeliveryReport, text: string | undefined): JournalRecord {
  const { body, bodyEncoding } = text === undefined ? encodeBody(delivery.body) : { body: text, bodyEncoding: 'utf8' as const };
  const { forward } = delivery;
  return {
    type: 'delivery',
    receivedAt: delivery.receivedAt,
    method: delivery.method,
    path: delivery.path,
    headers: delivery.headers,
    body,
    bodyEncoding,
    messageId: delivery.messageId,
    eventType: delivery.eventType,
    eventId: delivery.eventId,
    verification: delivery.verification,
    status: delivery.status,
    latencyMs: delivery.latencyMs,
    forward: forward && { url: forward.url, status: forward.status, latencyMs: forward.latencyMs, error: forward.error },
    shape: delivery.shape?.ok === false ? delivery.shape : undefined,
  };
}
