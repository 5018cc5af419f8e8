import type { AttemptResult } from '../delivery/attempt.js';
import { formatDuration } from '../util/duration.js';
import type { Check, CheckGroup, CheckRequest, CheckResponse, CheckResult, CommonFailure } from './types.js';

/** Svix allows 5 s, but an answer slower than this leaves little margin under load: passed, with a warning. */
export const SLOW_ANSWER_MS = 1_000;
/** The refusals that say why; any other non-2xx still refuses, with a note. */
const CLEAR_REFUSALS = new Set([400, 401, 403]);

/** The verdict on one request: right kind of answer (maybe with a reservation), or wrong, with what to change. */
export type RequestGrade = { ok: true; warning?: string } | { ok: false; hint: string };

/** Grades one request's result against what its check's group demands. Pure. */
export function gradeAttempt(checkGroup: CheckGroup, request: CheckRequest, attempt: AttemptResult, timeoutMs: number): RequestGrade {
  const group = expectedOf(checkGroup, request);
  const grade = gradeAnswer(group, request, attempt, timeoutMs);
  // Advice rather than contract (sizes the vendor documents no maximum for): a refusal is a warning that says why.
  if (!grade.ok && group === 'must-accept' && request.refusalIsWarning) return { ok: true, warning: grade.hint };
  return grade;
}

/** What `request` must get, as a group: its own `expect`, else its check's group (applied-once: accepted). */
function expectedOf(group: CheckGroup, request: CheckRequest): Exclude<CheckGroup, 'applied-once'> {
  if (request.expect === 'refuse') return 'must-refuse';
  if (request.expect === 'accept' || group === 'applied-once') return 'must-accept';
  return group;
}

function gradeAnswer(group: Exclude<CheckGroup, 'applied-once'>, request: CheckRequest, attempt: AttemptResult, timeoutMs: number): RequestGrade {
  if (attempt.kind === 'error') return { ok: false, hint: noAnswerHint(group, attempt, timeoutMs) };
  const { status } = attempt;
  if (status >= 300 && status < 400) return { ok: false, hint: redirectHint(group, status, locationOf(attempt)) };
  const accepted = status >= 200 && status < 300;
  switch (group) {
    case 'must-accept':
      if (!accepted) return { ok: false, hint: request.hint ?? refusedHint(request.label, status) };
      return attempt.latencyMs > SLOW_ANSWER_MS
        ? { ok: true, warning: `answered in ${formatDuration(attempt.latencyMs)}: acknowledge first and do the work afterwards, to stay well under the ${formatDuration(timeoutMs)} limit` }
        : { ok: true };
    case 'must-refuse':
      if (accepted) return { ok: false, hint: request.hint ?? 'accepted a delivery it must refuse: verify the signature and timestamp before handling the event' };
      if (status >= 500) {
        return { ok: true, warning: `refused, but with a server error (${status}): answer 400 or 401 when verification fails, so real outages stand out` };
      }
      return CLEAR_REFUSALS.has(status) ? { ok: true } : { ok: true, warning: `refused with ${status}: 401 (or 400/403) says why more clearly` };
    case 'must-not-redirect':
      // Only a 2xx shows the delivery was answered where it was sent: a 4xx or 5xx is no pass either.
      return accepted ? { ok: true } : { ok: false, hint: `answered ${status}: a valid delivery must get a 2xx at this URL (${refusedHint(request.label, status)})` };
  }
}

/**
 * The verdict on the app after it accepted `label`: when a cheap request right after took `stalledMs` or more, the
 * app's process was blocked by what it did after answering (slow synchronous work), and this delivery caused it.
 */
export function gradeStall(label: string, stalledMs: number | undefined, timedOut: boolean): RequestGrade {
  if (stalledMs === undefined) return { ok: true };
  const how = timedOut ? `for more than ${formatSeconds(stalledMs)}` : `for ${formatSeconds(stalledMs)}`;
  return {
    ok: false,
    hint:
      `after accepting ${label} the app did not answer ${how}: it does slow synchronous work after answering, which ` +
      'blocks every other request (the next deliveries time out); move it to a queue or a worker',
  };
}

/** How many times the app applied the event, against what the check demands. */
export function gradeApplied(check: Check, count: number): RequestGrade {
  const applied = check.applied;
  if (!applied || count === applied.times) return { ok: true };
  return { ok: false, hint: `${applied.hint} (applied ${count} ${count === 1 ? 'time' : 'times'}, expected ${applied.times})` };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Combines a check's request grades: it passes when every request got the right kind of answer. */
export function gradeCheck(check: Check, responses: CheckResponse[], grades: RequestGrade[], applied?: number): CheckResult {
  const base = { name: check.name, group: check.group, rule: check.rule, responses, ...(applied === undefined ? {} : { applied }) };
  for (const grade of grades) if (!grade.ok) return { ...base, passed: false, hint: grade.hint };
  const warning = grades.map((grade) => (grade.ok ? grade.warning : undefined)).find(Boolean);
  return { ...base, passed: true, ...(warning ? { warning } : {}) };
}

/** The report's view of one request's result: status, latency, and the Location of a redirect. */
export function describeAttempt(request: CheckRequest, attempt: AttemptResult): CheckResponse {
  if (attempt.kind === 'error') {
    return { label: request.label, latencyMs: attempt.latencyMs, error: { cause: attempt.cause, message: attempt.message } };
  }
  const location = attempt.status >= 300 && attempt.status < 400 ? locationOf(attempt) : undefined;
  return { label: request.label, status: attempt.status, latencyMs: attempt.latencyMs, ...(location ? { location } : {}) };
}

function locationOf(attempt: Extract<AttemptResult, { kind: 'response' }>): string | undefined {
  return attempt.headers['location'];
}

function redirectHint(group: Exclude<CheckGroup, 'applied-once'>, status: number, location: string | undefined): string {
  const where = `answered ${status} → ${location ?? '(no Location header)'}`;
  if (group !== 'must-refuse' && LOGIN_PAGE.test(where)) {
    return `${where}: exclude the webhook route from your auth middleware (it sends deliveries to a login page; Svix sends no cookie or token, only the signature)`;
  }
  return group === 'must-refuse'
    ? `${where} instead of refusing: Svix does not follow redirects; answer 401 directly (an auth middleware redirecting to a login page is the usual cause)`
    : `${where}: Svix does not follow redirects, so this delivery fails; configure the final URL (https, exact path, trailing slash) as the endpoint and answer 2xx there`;
}

/** Generic advice for a must-accept request refused with `status`, by what that status usually means. */
function refusedHint(label: string, status: number): string {
  if (status === 401 || status === 403) {
    return `refused a valid signed ${label} (${status}): verify the raw body bytes, before any JSON parsing, with the same secret as the check signs with, and check the server clock`;
  }
  if (status === 404 || status === 405) return `answered ${status}: nothing handles POST at this URL; check the path and the method`;
  if (status === 413) return `refused the body as too large (413): raise your body parser's size limit`;
  if (status >= 500) {
    return `failed with ${status} on a valid ${label}: your server's log has the error; acknowledge once the event is stored and do the work afterwards`;
  }
  if (status >= 400) {
    return `refused a valid ${label} (${status}): the handler probably rejects this event's shape; accept every documented field and ignore the ones you do not use`;
  }
  return `answered ${status}: only a 2xx counts as delivered`;
}

function noAnswerHint(group: Exclude<CheckGroup, 'applied-once'>, attempt: Extract<AttemptResult, { kind: 'error' }>, timeoutMs: number): string {
  switch (attempt.cause) {
    case 'timeout':
      return group === 'must-refuse'
        ? `no answer within ${formatDuration(timeoutMs)} to a request it must refuse: refuse invalid signatures at once, before any slow work`
        : `no answer within ${formatDuration(timeoutMs)}: acknowledge with 2xx as soon as the event is verified and stored, and do slow work after answering (a queue or a background job)`;
    case 'refused':
      return 'connection refused: the endpoint stopped listening; did the previous request crash it? (check the server log)';
    case 'reset':
      return 'the connection closed without an answer: the handler probably crashed on this request; check the server log';
    default:
      return `could not deliver (${attempt.cause}): ${attempt.message}`;
  }
}

/**
 * When every must-accept check (two or more) failed with the same answer, that answer is the problem: all 401 is
 * a secret that differs, all 500 a handler that fails on everything, all the same 3xx a redirect. Pure.
 */
export function findCommonFailure(results: readonly CheckResult[]): CommonFailure | undefined {
  const accepts = results.filter((result) => result.group === 'must-accept' && !result.skipped);
  if (accepts.length < 2 || accepts.some((result) => result.passed)) return undefined;
  const answers = new Set(accepts.map((result) => answerOf(result.responses.at(-1))));
  if (answers.size !== 1) return undefined;
  const answer = [...answers][0]!;
  return { answer, hint: commonHint(answer, accepts.length), checks: accepts.length };
}

/** Whether `result` got the same answer as a common failure, so its own hint or warning would only repeat it. */
export function hasCommonAnswer(result: CheckResult, common: CommonFailure): boolean {
  return answerOf(result.responses.at(-1)) === common.answer;
}

function answerOf(response: CheckResponse | undefined): string {
  if (!response) return 'nothing';
  if (response.status === undefined) return response.error!.cause;
  return response.location ? `${response.status} → ${response.location}` : String(response.status);
}

/** A redirect to where a person signs in: an auth middleware in front of the webhook route. */
const LOGIN_PAGE = /→ .*(log-?in|sign-?in|auth|sso|session)/i;

/** The common-failure line for a diagnosis a probe found: it replaces the guess made from the answer alone. */
export function diagnosedHint(common: CommonFailure, diagnosis: string): string {
  return `all ${common.checks} must-accept checks got ${common.answer}: ${diagnosis}`;
}

function commonHint(answer: string, count: number): string {
  const every = `all ${count} must-accept checks got ${answer}`;
  const status = Number(answer.split(' ')[0]);
  if (status === 401 || status === 403) {
    return `${every}: the endpoint verifies with another secret than the one check signs with; configure it with the same secret, or give check the endpoint's (if it is the same, verify the raw body bytes, not re-parsed JSON, and check the server clock)`;
  }
  if (status >= 300 && status < 400) {
    if (LOGIN_PAGE.test(answer)) {
      return `${every}: exclude the webhook route from your auth middleware: it redirects every delivery to a login page, and Svix sends no cookie or token, only the signature (which is its authentication)`;
    }
    return `${every}: every delivery is redirected and Svix does not follow redirects; configure the final URL (https, exact path, trailing slash) as the endpoint`;
  }
  if (status === 404 || status === 405) return `${every}: nothing handles POST at this URL; check the path and the method`;
  if (status >= 500) return `${every}: the handler fails on every event, whatever it is; your server's log has the error`;
  if (Number.isNaN(status)) return `${every}: no delivery got an answer; is the handler stuck or crashing on every request? (check the server log)`;
  return `${every}: the endpoint refuses every valid delivery; only a 2xx counts as delivered`;
}
