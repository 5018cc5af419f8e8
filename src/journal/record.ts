import type { VerifyResult } from '../signature/index.js';

/**
 * One line of a `listen --record` journal (JSON Lines). `replay` reads the same shape, so this type is the
 * contract between the two: add fields, never rename or remove them.
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
  /** Absent with --skip-verify. */
  verification?: VerifyResult;
  /** The status the listener answered. */
  status: number;
  forward?: { url: string; status?: number; latencyMs: number; error?: string };
}
