import type { VerifyResult } from '../signature/index.js';
import type { ShapeVerdict } from '../events/known-events.js';
import type { ForwardResult } from './forward.js';
import type { PolicyReason } from './respond-policy.js';
import type { Rejection } from './server.js';

/** Everything `listen` has to say, as data: the CLI renders it as lines or JSON, tests read it as is. */
export type ListenReport = ReadyReport | DeliveryReport | RejectedReport | ProbeReport | ErrorReport;

export interface ReadyReport {
  type: 'ready';
  url: string;
  host: string;
  port: number;
}

export type BodyProblem = { reason: 'empty-body' | 'invalid-utf8' | 'invalid-json' | 'not-an-object'; message: string };

/** One request handled as a webhook delivery, reported once its answer has gone out. */
export interface DeliveryReport {
  type: 'delivery';
  /** ISO time the request arrived. */
  receivedAt: string;
  method: string;
  path: string;
  /** The svix-id (or webhook-id) header. */
  messageId?: string;
  /** 1 the first time this svix-id arrives, then 2, 3… */
  attempt: number;
  /** A repeated svix-id: `retry` after a failure was answered, `duplicate` after a success (or while in flight). */
  repeat?: 'retry' | 'duplicate';
  eventType?: string;
  eventId?: string;
  /** Absent with skip-verify. */
  verification?: VerifyResult;
  /** A verified delivery whose body is not a JSON event: answered 400. */
  problem?: BodyProblem;
  /**
   * A verified JSON event checked against the union Scan Documents is known to send: `ok: false` names the first
   * field that departs from it (the vendor may have changed the event). It never changes the answer. Absent when
   * not checked (unverified, filtered out, or not a JSON event).
   */
  shape?: ShapeVerdict;
  /** Left out by the events filter: answered 200, not forwarded. */
  filtered: boolean;
  /** The status answered. */
  status: number;
  /** Set when the respond policy chose the status. */
  policy?: PolicyReason;
  /** The deliberate delay applied before answering (delayMs). */
  delayMs: number;
  forward?: ForwardResult;
  /** With a journal: whether the line was written; when not, the delivery was answered 500 (see recordError). */
  recorded?: boolean;
  recordError?: string;
  /** From the request's arrival to the answer being written to the socket. */
  latencyMs: number;
  /** The sender hung up before the answer was complete (for example its timeout passed during a delay). */
  senderGone: boolean;
  headers: Record<string, string>;
  body: Buffer;
}

/** A request refused before it was a delivery: body too large, huge headers, too slow, malformed, aborted. */
export interface RejectedReport extends Omit<Rejection, 'receivedAt'> {
  type: 'rejected';
  receivedAt: string;
}

/** A GET or HEAD without webhook headers (a browser, or a script waiting for the port): answered 200, not counted. */
export interface ProbeReport {
  type: 'probe';
  receivedAt: string;
  method: string;
  path: string;
  status: number;
}

/** Something went wrong inside the listener; it keeps serving. */
export interface ErrorReport {
  type: 'error';
  message: string;
}

export interface ListenSummary {
  /** Requests handled as deliveries. */
  received: number;
  verified: number;
  /** Failed signature verification (answered 401). */
  failed: number;
  /** Accepted without verification (skipVerify). */
  unverified: number;
  filtered: number;
  /** Forwarded and answered by the app (any status). */
  forwarded: number;
  /** Forwarded but not answered: the app was unreachable or timed out. */
  forwardFailed: number;
  /** Requests refused before they were deliveries (413, 431, 408, 400, aborted). */
  rejected: number;
  byType: Record<string, number>;
  byStatus: Record<string, number>;
}
