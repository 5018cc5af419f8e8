import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { attemptDelivery, createDeliveryAgent, type AttemptRequest, type AttemptResult, type AttemptErrorCause } from '../delivery/attempt.js';
import { diagnoseRefusals } from './diagnose.js';
import { describeAttempt, diagnosedHint, findCommonFailure, gradeApplied, gradeAttempt, gradeCheck, gradeStall, type RequestGrade } from './grade.js';
import type { Check, CheckContext, CheckNeed, CheckReport, CheckRequest, CheckResponse, CheckResult, CheckSkip, CheckSummary } from './types.js';

/** Svix's limit: an answer later than this is a failed attempt. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/**
 * An app answers a cheap request at once unless its process is blocked. Far above what a loaded CI machine adds to
 * a loopback request (tens of ms), far below the seconds of synchronous work that blocks a real app.
 */
export const STALL_MS = 1_500;
/** How long the cheap request waits for an answer before the stall is reported as "more than". */
const CANARY_TIMEOUT_MS = 8_000;
/** Between the writes of a split body: long enough for them to reach the app as separate chunks. */
const SPLIT_PAUSE_MS = 40;
/** Work an app does just after answering (setImmediate, a queue in the same process) gets this long to count. */
const EFFECTS_SETTLE_MS = 100;
/** An effects count below what is expected is asked again, for at most this long, as work may still run. */
const EFFECTS_WAIT_MS = 2_000;

/**
 * When the very first request cannot even connect, every check would fail the same way: the battery stops with one
 * `unreachable` report instead of a card full of identical failures that hide the cause.
 */
const UNREACHABLE_CAUSES: ReadonlySet<AttemptErrorCause> = new Set(['refused', 'dns', 'tls']);

/** How many times the app applied an event: asked after the deliveries of an applied-once check. */
export type EffectsCounter = (eventId: string) => number | Promise<number>;

export interface RunChecksOptions {
  /** The developer's endpoint. */
  url: string;
  /** The secrets the endpoint is configured with, the one every check signs with first; a rotation check uses the last too. */
  secrets: readonly string[];
  /** Bounds every request of every check. */
  timeoutMs?: number;
  /** The checks to run, in order (see BATTERY and selectChecks). */
  checks: readonly Check[];
  /** Asks the app how many times it applied an event; without it the applied-once checks are skipped. */
  effects?: EffectsCounter;
  /** Stops the run between two requests; the summary then covers the checks that ran. */
  signal?: AbortSignal;
  onReport?: (report: CheckReport) => void;
  /** Seams for tests: how one request is sent, and the clock (ms). */
  deliver?: (attempt: AttemptRequest) => Promise<AttemptResult>;
  now?: () => number;
  /** Off in tests of grading that script answers: the cheap request after each accepted delivery. */
  canary?: boolean;
}

/**
 * Runs the checks one after another, each request bounded by the timeout; a check stops at its first wrong answer.
 * After each accepted delivery a cheap request sees whether the app still answers. Reports every step; resolves
 * with the score.
 */
export async function runChecks(options: RunChecksOptions): Promise<CheckSummary> {
  const { url, checks, signal } = options;
  const secrets = options.secrets;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const onReport = options.onReport ?? (() => {});
  const now = options.now ?? Date.now;
  // One keep-alive pool for the run, closed at the end so nothing keeps the process alive; two connections, for the
  // check whose two deliveries race.
  const agent = options.deliver ? undefined : createDeliveryAgent({ connections: 2 });
  const send = options.deliver ?? ((attempt: AttemptRequest) => attemptDelivery(attempt, agent));
  const deliver = (attempt: AttemptRequest) => untilAborted(send(attempt), signal);
  const total = checks.length;
  const results: CheckResult[] = [];
  let effects = options.effects;
  let effectsFailure: string | undefined;

  onReport({ type: 'start', url, total, timeoutMs });
  try {
    for (const [index, check] of checks.entries()) {
      if (signal?.aborted) break;
      const skipped = skipOf(check.needs);
      if (skipped) {
        const result: CheckResult = { name: check.name, group: check.group, rule: check.rule, passed: false, skipped, responses: [] };
        results.push(result);
        onReport({ type: 'check-finished', result, index, total });
        continue;
      }
      onReport({ type: 'check-started', name: check.name, group: check.group, index, total });
      const context: CheckContext = { secret: secrets[0]!, secrets, now: Math.floor(now() / 1000) };
      const requests = check.build(context);
      const responses: CheckResponse[] = [];
      const grades: RequestGrade[] = [];
      const attempts = check.together ? await Promise.all(requests.map((request) => deliver(toAttempt(request)))) : [];
      for (const [at, request] of requests.entries()) {
        const attempt = check.together ? attempts[at]! : await deliver(toAttempt(request));
        if (attempt === ABORTED) break;
        if (index === 0 && responses.length === 0 && attempt.kind === 'error' && UNREACHABLE_CAUSES.has(attempt.cause)) {
          const unreachable = { cause: attempt.cause, message: attempt.message };
          onReport({ type: 'unreachable', url, ...unreachable });
          const runnable = checks.filter((one) => !skipOf(one.needs)).length;
          return finish({ url, total: runnable, passed: 0, failed: runnable, warnings: 0, skipped: total - runnable, unreachable });
        }
        responses.push(describeAttempt(request, attempt));
        let grade: RequestGrade = gradeAttempt(check.group, request, attempt, timeoutMs);
        if (grade.ok && attempt.kind === 'response' && attempt.ok && options.canary !== false) {
          const stall = await measureStall();
          if (stall === ABORTED) break;
          const stalled = gradeStall(eventTypeOf(request), stall?.ms, stall?.timedOut ?? false);
          if (!stalled.ok) grade = stalled;
        }
        grades.push(grade);
        if (!grade.ok) break;
      }
      if (signal?.aborted) break;
      let applied: number | undefined;
      if (check.applied && effects && !grades.some((grade) => !grade.ok) && requests[0]?.eventId) {
        const counted = await countApplied(effects, requests[0].eventId, check.applied.times, signal);
        if (counted === ABORTED) break;
        if (typeof counted === 'string') {
          // The count cannot be read: this check and the ones after it are skipped with the reason, never passed.
          effectsFailure = counted;
          effects = undefined;
          const result: CheckResult = { name: check.name, group: check.group, rule: check.rule, passed: false, skipped: { need: 'effects', message: counted }, responses };
          results.push(result);
          onReport({ type: 'check-finished', result, index, total });
          continue;
        }
        applied = counted;
        grades.push(gradeApplied(check, counted));
      }
      const result = gradeCheck(check, responses, grades, applied);
      results.push(result);
      onReport({ type: 'check-finished', result, index, total });
      if (check.group === 'must-accept' && checks[index + 1]?.group !== 'must-accept') await reportCommonFailure(context);
    }
  } finally {
    // Stopped: a request still in flight is dropped, not waited for (close() would wait for its answer).
    await (signal?.aborted ? agent?.destroy() : agent?.close());
  }
  const ran = results.filter((result) => !result.skipped);
  const passed = ran.filter((result) => result.passed).length;
  return finish({
    url,
    total: ran.length,
    passed,
    failed: ran.length - passed,
    warnings: ran.filter((result) => result.warning).length,
    skipped: results.length - ran.length,
    ...(signal?.aborted ? { interrupted: true } : {}),
  });

  function finish(summary: CheckSummary): CheckSummary {
    onReport({ type: 'summary', summary });
    return summary;
  }

  function skipOf(need: CheckNeed | undefined): CheckSkip | undefined {
    if (need === 'effects' && !effects) return effectsFailure ? { need, message: effectsFailure } : { need };
    if (need === 'two-secrets' && secrets.length < 2) return { need };
    return undefined;
  }

  function toAttempt(request: CheckRequest): AttemptRequest {
    if (!request.splitAt) return { url, headers: request.headers, body: request.body, timeoutMs };
    // The length up front, as Svix sends it: only the writes are cut, not the framing.
    const headers = { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
    return { url, headers, body: request.body, stream: splitBody(request.body, request.splitAt), timeoutMs };
  }

  /** A GET right after an accepted delivery: any answer within STALL_MS means the app's process is free. */
  async function measureStall(): Promise<{ ms: number; timedOut: boolean } | undefined | typeof ABORTED> {
    const answer = await deliver({ url, method: 'GET', headers: {}, body: '', timeoutMs: CANARY_TIMEOUT_MS });
    if (answer === ABORTED) return ABORTED;
    const timedOut = answer.kind === 'error' && answer.cause === 'timeout';
    return timedOut || answer.latencyMs >= STALL_MS ? { ms: answer.latencyMs, timedOut } : undefined;
  }

  /** When every must-accept check failed the same way, says so once, with the cause a probe or two can find. */
  async function reportCommonFailure(context: CheckContext): Promise<void> {
    const common = findCommonFailure(results);
    if (!common) return;
    const diagnosis = await diagnoseRefusals(common, context, async (request) => {
      const answer = await deliver({ url, ...request, timeoutMs });
      return answer === ABORTED ? { kind: 'error', ok: false, cause: 'other', message: 'stopped', latencyMs: 0 } : answer;
    });
    const failure = diagnosis ? { ...common, hint: diagnosedHint(common, diagnosis) } : common;
    onReport({ type: 'common-failure', group: 'must-accept', failure });
  }
}

const ABORTED = Symbol('aborted');

/** Resolves with ABORTED as soon as the signal fires: Ctrl-C does not wait for a 5 s timeout. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(ABORTED);
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', stop), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', stop), reject(error)),
    );
  });
}

/**
 * Asks how many times the app applied `eventId`, again while it is below `times` (the work may run after the
 * answer). A string is why the count could not be read.
 */
async function countApplied(effects: EffectsCounter, eventId: string, times: number, signal: AbortSignal | undefined): Promise<number | string | typeof ABORTED> {
  const deadline = Date.now() + EFFECTS_WAIT_MS;
  await sleep(EFFECTS_SETTLE_MS);
  for (;;) {
    let count: number;
    try {
      const answer = await untilAborted(Promise.resolve(effects(eventId)), signal);
      if (answer === ABORTED) return ABORTED;
      count = answer;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    if (!Number.isInteger(count) || count < 0) return `the effects count for ${eventId} is not a count of times (got ${JSON.stringify(count)})`;
    if (count >= times || Date.now() >= deadline) return count;
    await sleep(EFFECTS_SETTLE_MS);
  }
}

/** The body as a stream of writes cut at `offsets`, a pause between them. */
function splitBody(body: string, offsets: readonly number[]): Readable {
  const bytes = Buffer.from(body);
  const cuts = [0, ...offsets, bytes.length];
  return Readable.from(
    (async function* () {
      for (let i = 0; i + 1 < cuts.length; i++) {
        if (i > 0) await sleep(SPLIT_PAUSE_MS);
        yield bytes.subarray(cuts[i], cuts[i + 1]);
      }
    })(),
  );
}

/** The event type a request delivered, for a message that names it ("after accepting task.completed"). */
function eventTypeOf(request: CheckRequest): string {
  try {
    const type = (JSON.parse(request.body) as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  } catch {
    // Not JSON: the label says what it was.
  }
  return request.label;
}
