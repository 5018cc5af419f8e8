import { attemptDelivery, createDeliveryAgent, type AttemptRequest, type AttemptResult, type AttemptErrorCause } from '../delivery/attempt.js';
import { describeAttempt, gradeAttempt, gradeCheck, type RequestGrade } from './grade.js';
import type { Check, CheckReport, CheckResponse, CheckResult, CheckSummary } from './types.js';

/** Svix's limit: an answer later than this is a failed attempt. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/**
 * When the very first request cannot even connect, every check would fail the same way: the battery stops with one
 * `unreachable` report instead of a card full of identical failures that hide the cause.
 */
const UNREACHABLE_CAUSES: ReadonlySet<AttemptErrorCause> = new Set(['refused', 'dns', 'tls']);

export interface RunChecksOptions {
  /** The developer's endpoint. */
  url: string;
  /** The secret the endpoint is configured with; every check signs with it (or deliberately with another). */
  secret: string;
  /** Bounds every request of every check. */
  timeoutMs?: number;
  /** The checks to run, in order (see BATTERY and selectChecks). */
  checks: readonly Check[];
  onReport?: (report: CheckReport) => void;
  /** Seams for tests: how one request is sent, and the clock (ms). */
  deliver?: (attempt: AttemptRequest) => Promise<AttemptResult>;
  now?: () => number;
}

/**
 * Runs the checks one after another (the duplicate and out-of-order checks depend on order), each request bounded
 * by the timeout; a check stops at its first wrong answer. Reports every step; resolves with the score.
 */
export async function runChecks(options: RunChecksOptions): Promise<CheckSummary> {
  const { url, secret, checks } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const onReport = options.onReport ?? (() => {});
  const now = options.now ?? Date.now;
  // One keep-alive pool for the run, closed at the end so nothing keeps the process alive.
  const agent = options.deliver ? undefined : createDeliveryAgent({ connections: 1 });
  const deliver = options.deliver ?? ((attempt: AttemptRequest) => attemptDelivery(attempt, agent));
  const total = checks.length;
  const results: CheckResult[] = [];

  onReport({ type: 'start', url, total, timeoutMs });
  try {
    for (const [index, check] of checks.entries()) {
      onReport({ type: 'check-started', name: check.name, group: check.group, index, total });
      const responses: CheckResponse[] = [];
      const grades: RequestGrade[] = [];
      for (const request of check.build({ secret, now: Math.floor(now() / 1000) })) {
        const attempt = await deliver({ url, headers: request.headers, body: request.body, timeoutMs });
        if (index === 0 && responses.length === 0 && attempt.kind === 'error' && UNREACHABLE_CAUSES.has(attempt.cause)) {
          const unreachable = { cause: attempt.cause, message: attempt.message };
          onReport({ type: 'unreachable', url, ...unreachable });
          return finish({ url, total, passed: 0, failed: total, warnings: 0, unreachable });
        }
        responses.push(describeAttempt(request, attempt));
        const grade = gradeAttempt(check.group, request, attempt, timeoutMs);
        grades.push(grade);
        if (!grade.ok) break;
      }
      const result = gradeCheck(check, responses, grades);
      results.push(result);
      onReport({ type: 'check-finished', result, index, total });
    }
  } finally {
    await agent?.close();
  }
  const passed = results.filter((result) => result.passed).length;
  return finish({ url, total, passed, failed: total - passed, warnings: results.filter((result) => result.warning).length });

  function finish(summary: CheckSummary): CheckSummary {
    onReport({ type: 'summary', summary });
    return summary;
  }
}
