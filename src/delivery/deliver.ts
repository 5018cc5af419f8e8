import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { sign } from '../signature/index.js';
import { attemptDelivery, type AttemptRequest, type AttemptResult } from './attempt.js';
import { planRetry, type Schedule } from './schedule.js';

/** One message to deliver: the raw body is sent byte for byte, under the same svix-id on every attempt. */
export interface OutgoingMessage {
  /** The svix-id; kept across retries, and shared by the two copies of a duplicated message. */
  messageId: string;
  body: Uint8Array;
  /** The event's `id` and `type`, for reports, when the body is an event. */
  eventId?: string;
  eventType?: string;
  /** 2 for the second send of a duplicated message. */
  copy?: number;
  /** With a scenario: its name and the step this event is (`convert`, `task.completed`). */
  scenario?: string;
  step?: string;
}

export interface DeliveryOptions {
  url: string;
  /** `whsec_…` (v1) or `whsk_…` (v1a): every attempt is signed afresh with it. */
  secret: string;
  timeoutMs: number;
  schedule: Schedule;
  /** Sent as `user-agent`, as Svix names itself. */
  userAgent: string;
  /** Headers that add to or override the ones computed (names are compared case-insensitively). */
  headers?: Record<string, string>;
  /** An undici Agent: one keep-alive pool per origin, shared by every message of a batch. */
  dispatcher?: Dispatcher;
  onReport: (report: DeliveryReport) => void;
  /** Seams for tests. */
  attempt?: (request: AttemptRequest, dispatcher?: Dispatcher) => Promise<AttemptResult>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops the retry loop: a wait in progress ends at once, and the loop rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The clock in ms (timestamps, Retry-After dates). */
  now?: () => number;
  random?: () => number;
}

/** Everything a renderer needs to know which message a report is about. */
export type MessageRef = Omit<OutgoingMessage, 'body'>;

export type DeliveryReport =
  | {
      type: 'attempt';
      message: MessageRef;
      attempt: number;
      /** Where this attempt falls in production: the sum of production's delays so far. */
      productionOffsetMs: number;
      /** The compressed wait taken before it (0 for the first). */
      waitedMs: number;
      request: AttemptRequest;
    }
  | { type: 'response'; message: MessageRef; attempt: number; productionOffsetMs: number; waitedMs: number; result: AttemptResult }
  | {
      type: 'retry-scheduled';
      message: MessageRef;
      nextAttempt: number;
      waitMs: number;
      productionDelayMs: number;
      productionOffsetMs: number;
      throttled?: 'timeout' | '429';
      retryAfterMs?: number;
    }
  | { type: 'delivered'; message: MessageRef; attempts: number; productionOffsetMs: number; result: AttemptResult }
  | { type: 'gave-up'; message: MessageRef; attempts: number; productionOffsetMs: number; reason: 'exhausted' | 'aborted'; result: AttemptResult };

export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
}

/**
 * Delivers one message as Svix does: attempt, and on failure wait out the (compressed) schedule and try again,
 * with the same svix-id and a fresh timestamp and signature each time, until a 2xx, an abort header, or the end of
 * the schedule. Reports every step; never throws for a failed delivery.
 */
export async function deliverMessage(message: OutgoingMessage, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const attempt = options.attempt ?? attemptDelivery;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const { signal } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { body } = message;
  const ref = messageRef(message);
  const overrides = Object.entries(options.headers ?? {});

  let productionOffsetMs = 0;
  let waitedMs = 0;
  for (let number = 1; number <= options.schedule.waitsMs.length; number++) {
    signal?.throwIfAborted();
    const signed = sign({ payload: body, secret: options.secret, id: message.messageId, timestamp: new Date(now()) });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': options.userAgent };
    for (const name in signed.headers) headers[name] = signed.headers[name]!;
    for (const [name, value] of overrides) headers[name.toLowerCase()] = value;
    const request: AttemptRequest = { url: options.url, headers, body, timeoutMs: options.timeoutMs };
    options.onReport({ type: 'attempt', message: ref, attempt: number, productionOffsetMs, waitedMs, request });
    const result = await attempt(request, options.dispatcher);
    // Stopped while the attempt was out (its connection cut): that answer is the stop, not the endpoint's.
    signal?.throwIfAborted();
    options.onReport({ type: 'response', message: ref, attempt: number, productionOffsetMs, waitedMs, result });
    if (result.ok) {
      options.onReport({ type: 'delivered', message: ref, attempts: number, productionOffsetMs, result });
      return { delivered: true, attempts: number };
    }
    const decision = planRetry({ attempt: number, result, schedule: options.schedule, random, now: now() });
    if (!decision.retry) {
      options.onReport({ type: 'gave-up', message: ref, attempts: number, productionOffsetMs, reason: decision.reason, result });
      return { delivered: false, attempts: number };
    }
    productionOffsetMs += decision.productionDelayMs;
    waitedMs = decision.waitMs;
    const { retry: _retry, ...plan } = decision;
    options.onReport({ type: 'retry-scheduled', message: ref, ...plan, productionOffsetMs });
    if (decision.waitMs > 0) await sleep(decision.waitMs, signal);
  }
  // planRetry reports 'exhausted' at the end of the schedule, so the loop always returns above.
  throw new Error('deliverMessage(): the schedule ended without a decision');
}

/**
 * The message without its body, field by field: object spread and rest cost microseconds each in V8, and a run of
 * 50,000 messages pays them on every report (measured with bench/trigger.js).
 */
function messageRef(message: OutgoingMessage): MessageRef {
  const ref: MessageRef = { messageId: message.messageId, eventId: message.eventId, eventType: message.eventType };
  if (message.copy !== undefined) ref.copy = message.copy;
  if (message.scenario !== undefined) [ref.scenario, ref.step] = [message.scenario, message.step];
  return ref;
}
