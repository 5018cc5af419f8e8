import { isUtf8 } from 'node:buffer';
import { createVerifier, readLowerCaseWebhookHeaders, type VerifyResult } from '../signature/index.js';
import { isoTime } from '../util/time.js';
import { createForwarder, probeForwardTarget, type Forwarder, type ForwardResult } from './forward.js';
import { journalRecord, openJournal } from '../journal/index.js';
import { peekEventLabels } from './event-labels.js';
import { countsAsAttempt, RecentIds, repeatKind } from './recent-ids.js';
import type { BodyProblem, DeliveryReport, ListenReport, ListenSummary } from './reports.js';
import type { ShapeVerdict } from '../events/known-events.js';
import { decideResponse, NO_POLICY, type PolicyReason, type RespondPolicy, type ResponseDecision } from './respond-policy.js';
import { matchesType, type TypePattern } from '../events/type-pattern.js';
import { loadShapeChecker } from '../events/shape-loader.js';
import { pickRoute, type ForwardRoute } from './route.js';
import { startHttpServer, type Answer, type ReceivedRequest, type RunningServer } from './server.js';

/** Any free port, so two listeners (two test files) never collide; the CLI's own default is 4000. */
export const DEFAULT_PORT = 0;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;
/** How long Ctrl-C waits for deliveries in flight before dropping their connections. */
const CLOSE_GRACE_MS = 1_000;

export interface ListenerOptions {
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** Secrets to verify with (several during rotation). Required unless skipVerify. */
  secrets: readonly string[];
  /** Secrets that cannot make a delivery pass but explain a failure ("signed with the test secret"). */
  diagnosticSecrets?: ReadonlyArray<{ label: string; secret: string }>;
  skipVerify?: boolean;
  maxBodyBytes?: number;
  /** Only these types are shown in full and forwarded; others are answered 200. */
  events?: readonly TypePattern[];
  policy?: RespondPolicy;
  forwardTo?: readonly ForwardRoute[];
  /** 0 waits for the app forever. */
  forwardTimeoutMs?: number;
  /** Append every delivery to this journal (JSON Lines) before answering it. */
  journalPath?: string;
  onReport(report: ListenReport): void;
  /** Seams for tests. */
  now?(): number;
  random?(): number;
  sleep?(ms: number): Promise<void>;
  recentIdsLimit?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
}

export interface Listener {
  url: string;
  host: string;
  port: number;
  summary(): ListenSummary;
  /** Stops receiving, finishes or drops what is in flight, flushes the journal, and returns the summary. */
  close(): Promise<ListenSummary>;
}

/**
 * Starts the local webhook endpoint: each request is read whole, verified, answered by the respond policy or by
 * the app it is forwarded to, recorded, and reported. Start-up problems (port in use, unwritable journal,
 * unreachable app) are InputErrors; once ready it keeps serving whatever arrives.
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  if (!options.skipVerify && options.secrets.length === 0) throw new TypeError('startListener(): pass secrets, or skipVerify');
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const held = new HeldDeliveries();
  const sleep: (ms: number) => Promise<boolean | void> = options.sleep ?? ((ms: number) => held.sleep(ms));
  const policy = options.policy ?? NO_POLICY;
  const routes = options.forwardTo ?? [];
  const recent = new RecentIds(options.recentIdsLimit);
  const verify = options.skipVerify ? undefined : createVerifier({ secret: options.secrets, diagnosticSecrets: options.diagnosticSecrets, suggestAt: false });
  const summary = emptySummary();
  const report = safeReporter(options.onReport);
  // Drift marks (issue 20) are for verified deliveries. The checker loads zod, which takes longer than the rest of
  // the start-up, so it loads in the background rather than delay Ready: a request that arrives before it has loaded
  // is handled once it has (in arrival order). A checker that fails to load leaves deliveries unmarked.
  let checkShape: ((event: unknown) => ShapeVerdict) | undefined;
  let shapeLoading: Promise<void> | undefined = options.skipVerify
    ? undefined
    : loadShapeChecker().then(
        (module) => void (checkShape = module.checkShape),
        () => undefined,
      );
  void shapeLoading?.then(() => (shapeLoading = undefined));

  // Each distinct target once, however many types route to it.
  for (const url of new Map(routes.map((r) => [r.url.href, r.url])).values()) await probeForwardTarget(url);
  const journal = options.journalPath === undefined ? undefined : await openJournal(options.journalPath);
  let forwarder: Forwarder | undefined;
  try {
    forwarder = routes.length > 0 ? await createForwarder({ timeoutMs: options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS }) : undefined;
  } catch (error) {
    await journal?.close();
    throw error;
  }

  /**
   * Verifies, decides, records and answers one request. The delivery's report is built here once and completed as
   * the request goes (decision, journal, answer). Plain deliveries (no forwarding, no delay) take no detour
   * through the promise queue but the journal's write: this runs for every request (bench/listen.js).
   */
  function handle(request: ReceivedRequest): Answer | Promise<Answer> {
    if (shapeLoading) return held.track(shapeLoading.then(() => handle(request)));
    const receivedAt = isoTime(request.receivedAt);
    const webhookHeaders = readLowerCaseWebhookHeaders(request.headers);
    if ((request.method === 'GET' || request.method === 'HEAD') && !webhookHeaders.family && request.body.length === 0) {
      return {
        status: 200,
        body: 'scandocs-webhooks listen is running: POST signed Scan Documents webhooks to any path here\n',
        onSent: () => report({ type: 'probe', receivedAt, method: request.method, path: request.path, status: 200 }),
      };
    }

    const messageId = webhookHeaders.id;
    const verification: VerifyResult | undefined = verify?.({ payload: request.body, webhookHeaders });
    const sighting = countsAsAttempt({ messageId, verification }) ? recent.see(messageId!) : { attempt: 1 };
    const refused = verification !== undefined && !verification.ok;
    // Parsed only once it verified (or verification is off): a stranger's body must not buy a JSON parse of any
    // shape it likes (issue 19 defect 4). A refused delivery's line still names its type and id, read by a scan.
    const { text, eventType, eventId, problem, event } = refused
      ? { ...bodyText(request.body), ...peekEventLabels(request.body), problem: undefined, event: undefined }
      : inspectBody(request.body);
    // Every field in the order the JSON output shows them; the answer's fields are filled in as they are decided.
    const delivery: DeliveryReport = {
      type: 'delivery',
      receivedAt,
      method: request.method,
      path: request.path,
      messageId,
      attempt: sighting.attempt,
      repeat: repeatKind(sighting),
      eventType,
      eventId,
      verification,
      problem: refused ? undefined : problem,
      shape: undefined,
      filtered: false,
      status: 0,
      policy: undefined,
      delayMs: 0,
      delayCutShort: undefined,
      forward: undefined,
      recorded: undefined,
      recordError: undefined,
      latencyMs: 0,
      senderGone: false,
      headers: request.headers,
      body: request.body,
    };

    let answer: Answer | Promise<Answer>;
    if (refused) answer = { status: 401, body: refusalBody(verification) };
    else if (problem) answer = { status: 400, body: `${problem.message}\n` };
    else if (options.events && !matchesType(options.events, eventType)) {
      delivery.filtered = true;
      answer = { status: 200, body: 'ok\n' };
    } else {
      // Issue 20: a verified event the known union does not hold is marked (the vendor may have changed it).
      if (verification?.ok && checkShape) delivery.shape = checkShape(event);
      answer = respond(delivery, request);
    }
    if (!(answer instanceof Promise)) return record(delivery, answer, text, request.arrivedAt);
    return held.track(answer.then((decided) => record(delivery, decided, text, request.arrivedAt)));
  }

  /** Writes the delivery to the journal, if any, before it is answered: nothing acknowledged is lost. */
  function record(delivery: DeliveryReport, answer: Answer, text: string | undefined, arrivedAt: number): Answer | Promise<Answer> {
    delivery.status = answer.status;
    if (!journal) return conclude(delivery, answer);
    // The journal line carries the time taken so far, so a delivery read back from it has a latency (issue 23);
    // the report's own latency is set again once the answer has gone out.
    delivery.latencyMs = Math.round((performance.now() - arrivedAt) * 10) / 10;
    return journal.append(journalRecord(delivery, text)).then(
      () => {
        delivery.recorded = true;
        return conclude(delivery, answer);
      },
      (error: Error) => {
        // Never acknowledge what is not stored: a 500 makes the sender retry it.
        delivery.recorded = false;
        delivery.recordError = error.message;
        delivery.status = 500;
        delivery.policy = undefined;
        return conclude(delivery, { status: 500, body: `the listener could not record this delivery: ${error.message}\n` });
      },
    );
  }

  /** Counts the delivery and returns its answer, which reports it once it has gone out. */
  function conclude(delivery: DeliveryReport, answer: Answer): Answer {
    if (countsAsAttempt(delivery)) recent.answered(delivery.messageId!, delivery.status);
    tally(summary, delivery);
    // A new object rather than `answer.onSent = …`: a property added to the answer after it was made kept each
    // delivery's objects alive through young-generation collections until V8 had optimized this code, ~2.5 MiB over
    // the first few thousand deliveries, which grew the young generation early (bench/listen.js --memory).
    return {
      status: answer.status,
      headers: answer.headers,
      body: answer.body,
      onSent: ({ latencyMs, senderGone }) => {
        delivery.latencyMs = latencyMs;
        delivery.senderGone = senderGone;
        report(delivery);
      },
    };
  }

  /**
   * The answer to a verified delivery that is shown: the respond policy decides it, else the app it is forwarded
   * to, else 200. The app receives the delivery even when the policy overrides its answer.
   */
  function respond(delivery: DeliveryReport, request: ReceivedRequest): Answer | Promise<Answer> {
    const decision = decideResponse(policy, { eventType: delivery.eventType, attempt: delivery.attempt }, random);
    delivery.delayMs = decision.delayMs;
    const app = forwarder;
    const route = app && pickRoute(routes, delivery.eventType);
    if (!route && decision.delayMs === 0) return answerOf(delivery, decision, undefined);
    return (async () => {
      const forward = app && route ? await app.forward(route.url, { method: request.method, rawHeaders: request.rawHeaders, body: request.body }) : undefined;
      const wait = decision.delayMs - (now() - request.receivedAt);
      if (wait > 0 && (await sleep(wait)) === true) {
        delivery.delayMs = Math.max(0, Math.round(now() - request.receivedAt));
        delivery.delayCutShort = true;
      }
      return answerOf(delivery, decision, forward);
    })();
  }

  let server: RunningServer;
  try {
    server = await startHttpServer({
      host: options.host ?? DEFAULT_HOST,
      port: options.port ?? DEFAULT_PORT,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      requestTimeoutMs: options.requestTimeoutMs,
      headersTimeoutMs: options.headersTimeoutMs,
      now,
      handle,
      onRejected: (rejection) => {
        summary.rejected++;
        report({ ...rejection, type: 'rejected', receivedAt: isoTime(rejection.receivedAt) });
      },
      onHandlerError: (error) => report({ type: 'error', message: `internal error, answered 500: ${(error as Error)?.message ?? String(error)}` }),
    });
  } catch (error) {
    await Promise.all([journal?.close(), forwarder?.close(true)]);
    throw error;
  }
  const running = server;
  report({ type: 'ready', url: running.url, host: running.host, port: running.port });
  // After ready, which stays the first report (scripts read it first): the journal was mended before any write.
  if (journal?.endedTornLine) report({ type: 'journal-repaired', path: journal.path, ...journal.endedTornLine });

  let closing: Promise<ListenSummary> | undefined;
  return {
    url: running.url,
    host: running.host,
    port: running.port,
    summary: () => structuredClone(summary),
    close() {
      closing ??= (async () => {
        // Deliveries held by a delay are answered now, with what was decided for them, rather than dropped.
        held.wakeAll();
        await running.close(CLOSE_GRACE_MS);
        await forwarder?.close(true);
        // Forwards cut short above still conclude: their line is reported and their journal entry written.
        await held.settled();
        await journal?.close();
        return structuredClone(summary);
      })();
      return closing;
    },
  };
}

/** The answer the respond policy decided, else the app's (when the delivery was forwarded), else 200. */
function answerOf(delivery: DeliveryReport, decision: ResponseDecision, forward: ForwardResult | undefined): Answer {
  delivery.forward = forward;
  if (decision.status !== undefined) {
    delivery.policy = decision.reason;
    const body = isSuccess(decision.status) ? 'ok\n' : `simulated failure (${describePolicy(decision.reason)})\n`;
    return { status: decision.status, body, headers: decision.headers };
  }
  if (forward?.status !== undefined) return { status: forward.status, body: forward.body ?? '', headers: forward.headers ?? [] };
  if (forward) return { status: forward.errorKind === 'timeout' ? 504 : 502, body: `forwarding to ${forward.url} failed: ${forward.error}\n` };
  return { status: 200, body: 'ok\n' };
}

/** The body as text, when it is UTF-8 (the journal stores it so). */
function bodyText(body: Buffer): { text?: string } {
  return isUtf8(body) ? { text: body.toString('utf8') } : {};
}

/** The body as text (when it is UTF-8), the event's type and id for the line, or why the body is not an event. */
function inspectBody(body: Buffer): { text?: string; eventType?: string; eventId?: string; problem?: BodyProblem; event?: object } {
  if (body.length === 0) return { text: '', problem: { reason: 'empty-body', message: 'the body is empty: a Scan Documents event is a JSON object' } };
  if (!isUtf8(body)) {
    return { problem: { reason: 'invalid-utf8', message: `the body (${body.length} bytes) is not valid UTF-8, so it cannot be JSON` } };
  }
  const text = body.toString('utf8');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return { text, problem: { reason: 'invalid-json', message: `the body is not JSON (${(error as Error).message})` } };
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    const kind = Array.isArray(event) ? 'array' : event === null ? 'null' : typeof event;
    return { text, problem: { reason: 'not-an-object', message: `the body is a JSON ${kind}, not an object: a Scan Documents event is a JSON object` } };
  }
  const { type, id } = event as { type?: unknown; id?: unknown };
  return { text, eventType: typeof type === 'string' ? type : undefined, eventId: typeof id === 'string' ? id : undefined, event };
}

function describePolicy(reason: PolicyReason | undefined): string {
  if (!reason) return 'respond policy';
  return reason.source === 'respond' ? `respond ${reason.rule}, step ${reason.step} of ${reason.steps}` : `fail rate ${reason.rate}`;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function emptySummary(): ListenSummary {
  return { received: 0, verified: 0, failed: 0, unverified: 0, filtered: 0, forwarded: 0, forwardFailed: 0, rejected: 0, byType: {}, byStatus: {} };
}

function tally(summary: ListenSummary, d: DeliveryReport): void {
  summary.received++;
  if (!d.verification) summary.unverified++;
  else if (d.verification.ok) summary.verified++;
  else summary.failed++;
  if (d.filtered) summary.filtered++;
  // A forward the app never answered is not "forwarded": "2 forwarded" when both failed read as success.
  if (d.forward?.status !== undefined) summary.forwarded++;
  else if (d.forward) summary.forwardFailed++;
  const type = d.eventType ?? '(no type)';
  summary.byType[type] = (summary.byType[type] ?? 0) + 1;
  summary.byStatus[d.status] = (summary.byStatus[d.status] ?? 0) + 1;
}

/**
 * Reports are delivered from HTTP callbacks, where an exception would crash the process: a report the renderer
 * fails on becomes an error report instead, and the listener keeps serving.
 */
function safeReporter(onReport: (report: ListenReport) => void): (report: ListenReport) => void {
  return (report) => {
    try {
      onReport(report);
    } catch (error) {
      try {
        onReport({ type: 'error', message: `could not show a ${report.type} report: ${(error as Error)?.message ?? String(error)}` });
      } catch {
        // Nothing left to tell it with.
      }
    }
  };
}

/**
 * The deliveries still being handled (held by a delay, forwarded, being written), so that closing the listener
 * can answer and account for each of them instead of letting the process run out of work (issue 11).
 */
class HeldDeliveries {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<(cut: boolean) => void>();
  private closing = false;

  /**
   * A delay's wait, cut short by wakeAll(): resolves true when it was. Unref'd: a held delivery alone does not
   * keep the process alive.
   */
  sleep(ms: number): Promise<boolean> {
    // A request that finished arriving while the listener closes is not held at all.
    if (this.closing) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (cut: boolean) => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve(cut);
      };
      const timer = setTimeout(() => wake(false), ms).unref();
      this.sleepers.add(wake);
    });
  }

  wakeAll(): void {
    this.closing = true;
    for (const wake of [...this.sleepers]) wake(true);
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * Resolves once every tracked delivery has concluded. Plain deliveries are not tracked: the server's close
   * already waits for them, as they finish within a turn of the event loop.
   */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** The 401's body, in plain words: a timestamp out of tolerance is not an invalid signature. */
function refusalBody(verification: Extract<VerifyResult, { ok: false }>): string {
  const what = verification.reason === 'timestamp-too-old' || verification.reason === 'timestamp-too-new' ? 'refused: timestamp out of tolerance' : 'invalid signature';
  return `${what}: ${verification.reason}: ${verification.message}\n`;
}
