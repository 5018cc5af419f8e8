import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { checkedSecret } from '../signature/signing-secret.js';
import { httpUrl } from '../util/http-url.js';
import type { AttemptErrorCause } from './attempt.js';
import type { BatchSummary } from './batch.js';
import type { DeliveryReport, MessageRef, OutgoingMessage } from './deliver.js';
import { resolveSchedule, type Schedule, type ScheduleOptions } from './schedule.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
/** Svix names itself in `user-agent`; so do we, so an endpoint's logs show where a test delivery came from. */
export const USER_AGENT = `scandocs-webhooks/${version}`;
/** Svix's limit, which Scan Documents asks endpoints to meet: a 2xx later than this is a failed attempt. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 5_000;

/** Where and how trigger() and replay() send: the endpoint, the secret, the timeout and the retry schedule. */
export interface SendOptions extends ScheduleOptions {
  url: string | URL;
  /** `whsec_…` (or a `whsk_…` signing key); default: the built-in test secret, which listen() verifies with. */
  secret?: string;
  /** Headers that add to or override the ones computed (names compared case-insensitively). */
  headers?: Record<string, string>;
  /** An attempt succeeds only with a 2xx within this time (default 5 s). */
  timeoutMs?: number;
  /** Messages in flight at once (default 1). */
  concurrency?: number;
  /** Every step as it happens: the same reports `--json` prints. */
  onReport?: (report: SendReport) => void;
  /** Stops the run: no new attempt starts, a retry wait ends at once, and the promise rejects with the reason. */
  signal?: AbortSignal;
}

/** The first report of a run, before anything is sent. */
export interface SendStartReport {
  type: 'start';
  url: string;
  /** How many sends the run makes (a duplicated message counts twice). */
  total: number;
  schedule: Schedule;
  timeoutMs: number;
  concurrency: number;
  /** replay(): what the journal holds and what was left out of the run. */
  replay?: { recorded: number; skippedUnverified: number; skippedNeverVerified: number; tornLastLine?: number };
}

/** Everything trigger() and replay() report, in order. */
export type SendReport = SendStartReport | DeliveryReport;

/** One attempt of a message, as the run's result keeps it. */
export interface AttemptOutcome {
  attempt: number;
  ok: boolean;
  /** The HTTP status, or null when no answer came (see cause). */
  status: number | null;
  cause?: AttemptErrorCause;
  latencyMs: number;
  /** Where this attempt falls in production, from the first attempt. */
  productionOffsetMs: number;
  /** The compressed wait taken before it. */
  waitedMs: number;
}

/** What became of one message: delivered or not, after which attempts. */
export interface DeliveryResult extends MessageRef {
  delivered: boolean;
  /** Why it was given up on: the schedule ran out, or the endpoint answered `webhook-delivery: abort-message`. */
  reason?: 'exhausted' | 'aborted';
  attempts: AttemptOutcome[];
}

/** What trigger() and replay() resolve with: the totals, and each message's result in the order they finished. */
export interface SendResult extends BatchSummary {
  deliveries: DeliveryResult[];
}

/** The options every run shares, checked before anything is sent. */
export interface ResolvedSend {
  url: string;
  secret: string;
  headers: Record<string, string>;
  timeoutMs: number;
  schedule: Schedule;
  concurrency: number;
}

export function resolveSend(options: SendOptions): ResolvedSend {
  // Checked, then kept as given: results and reports show the URL the caller passed.
  httpUrl(options.url, 'url', 'http://127.0.0.1:3000/webhooks');
  const url = String(options.url);
  const secret = checkedSecret(options.secret, 'sign');
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new InputError('invalid-duration', `timeoutMs must be more than 0 (got ${timeoutMs})`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError('usage', `concurrency must be a whole number ≥ 1 (got ${concurrency})`);
  // Lower-cased, so a given `Svix-Signature` overrides the computed header rather than being sent twice.
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return { url, secret, headers, timeoutMs, schedule: resolveSchedule(options), concurrency };
}

/**
 * Sends the messages with one keep-alive pool for the whole run, reports every step, and resolves with each
 * message's result. A delivery that finally fails is a result, not an exception.
 */
export async function sendMessages(
  messages: Iterable<OutgoingMessage>,
  settings: ResolvedSend,
  options: Pick<SendOptions, 'onReport' | 'signal'> & Pick<SendStartReport, 'total' | 'replay'>,
): Promise<SendResult> {
  const [{ createDeliveryAgent }, { deliverBatch }] = await Promise.all([import('./attempt.js'), import('./batch.js')]);
  const onReport = options.onReport ?? (() => {});
  const { url, schedule, timeoutMs, concurrency } = settings;
  onReport({ type: 'start', url, total: options.total, schedule, timeoutMs, concurrency, ...(options.replay ? { replay: options.replay } : {}) });

  const deliveries: DeliveryResult[] = [];
  const pending = new Map<MessageRef, DeliveryResult>();
  // Field by field, no object spread: this runs three times per message, and V8's spread costs microseconds each.
  const collect = (report: DeliveryReport) => {
    if (report.type === 'response') {
      const { message, result: answer } = report;
      let result = pending.get(message);
      if (!result) {
        result = { messageId: message.messageId, eventId: message.eventId, eventType: message.eventType, delivered: false, attempts: [] };
        if (message.copy !== undefined) result.copy = message.copy;
        if (message.scenario !== undefined) [result.scenario, result.step] = [message.scenario, message.step];
        pending.set(message, result);
      }
      const outcome: AttemptOutcome = {
        attempt: report.attempt,
        ok: answer.ok,
        status: answer.kind === 'response' ? answer.status : null,
        latencyMs: answer.latencyMs,
        productionOffsetMs: report.productionOffsetMs,
        waitedMs: report.waitedMs,
      };
      if (answer.kind === 'error') outcome.cause = answer.cause;
      result.attempts.push(outcome);
    } else if (report.type === 'delivered' || report.type === 'gave-up') {
      const result = pending.get(report.message)!;
      pending.delete(report.message);
      result.delivered = report.type === 'delivered';
      if (report.type === 'gave-up') result.reason = report.reason;
      deliveries.push(result);
    }
    onReport(report);
  };

  const agent = createDeliveryAgent();
  // A stop must not wait out an attempt in flight (up to the timeout): its connection is cut at once.
  const cut = () => void agent.destroy(new Error('stopped')).catch(() => {});
  options.signal?.addEventListener('abort', cut, { once: true });
  try {
    const summary = await deliverBatch(messages, {
      ...settings,
      userAgent: USER_AGENT,
      dispatcher: agent,
      onReport: collect,
      signal: options.signal,
    });
    return { ...summary, deliveries };
  } finally {
    options.signal?.removeEventListener('abort', cut);
    if (!options.signal?.aborted) await agent.close();
  }
}
