import type { AttemptErrorCause } from '../delivery/attempt.js';

/** The headings of the report card, in the order the battery runs them. */
export type CheckGroup = 'must-accept' | 'must-refuse' | 'applied-once' | 'must-not-redirect';

/** What a check needs to build its requests: the secrets the endpoint was configured with, and the clock. */
export interface CheckContext {
  /** The secret every ordinary delivery is signed with (the first one given). */
  secret: string;
  /** Every secret given, the first included: the rotation check signs with the first and the last. */
  secrets: readonly string[];
  /** Unix seconds; the timestamp checks move the timestamp relative to it. */
  now: number;
}

/** One HTTP POST a check sends, exactly as it goes on the wire. */
export interface CheckRequest {
  /** What this request is, for the report: `task.completed`, `task.created again, same svix-id`. */
  label: string;
  headers: Record<string, string>;
  body: string;
  /**
   * What the code most likely does wrong when this request gets the wrong kind of answer (refused when it must be
   * accepted, accepted when it must be refused), and what to change. Generic advice by status is used without it.
   */
  hint?: string;
  /** Whether this request must be accepted or refused; by default what its group says (applied-once: accepted). */
  expect?: 'accept' | 'refuse';
  /** A refusal of this request is a warning, not a failure: the rule is advice, not the vendor's contract. */
  refusalIsWarning?: boolean;
  /**
   * The body goes out in several writes, cut at these byte offsets, with a pause between them, as a proxy or a
   * slow network delivers it: a handler that decodes each chunk on its own breaks a character cut in two.
   */
  splitAt?: readonly number[];
  /** The `id` of the event in the body: what the app's side-effect count is asked about. */
  eventId?: string;
}

/** What a check needs besides the endpoint; without it the check is reported as skipped, never as passed. */
export type CheckNeed = 'effects' | 'two-secrets';

/** A named check of the battery: the rule it tests and how to build the requests that test it. */
export interface Check {
  /** Stable kebab-case id, usable in a selection (only/skip). */
  name: string;
  group: CheckGroup;
  /** The rule, one sentence. */
  rule: string;
  /** Runs only when this is available (effects: a way to count what the app applied; two-secrets: a rotation). */
  needs?: CheckNeed;
  /** The requests go out all at once instead of one after the other (two identical deliveries racing). */
  together?: boolean;
  /**
   * After the requests, how many times the app must have applied the first request's event (needs effects), and
   * what to change when it did not.
   */
  applied?: { times: number; hint: string };
  /** The requests to send, in order; the timeout bounds each one. */
  build(context: CheckContext): CheckRequest[];
}

/** What one request of a check got back. */
export interface CheckResponse {
  label: string;
  /** The HTTP status, or undefined when no answer came (see `error`). */
  status?: number;
  latencyMs: number;
  /** The `Location` header of a redirect. */
  location?: string;
  error?: { cause: AttemptErrorCause; message: string };
}

/** Why a check did not run: what it needs was not given, or could not be read. */
export interface CheckSkip {
  need: CheckNeed;
  /** Set when the effects count was given but failed; the renderer says how to enable the check otherwise. */
  message?: string;
}

/** A graded check. `hint` is set exactly when it failed; `warning` when it passed with a reservation. */
export interface CheckResult {
  name: string;
  group: CheckGroup;
  rule: string;
  passed: boolean;
  /** Set when the check did not run; `passed` is then false, and it counts in no score. */
  skipped?: CheckSkip;
  /** Every request sent, in order; a check stops at its first wrong answer. */
  responses: CheckResponse[];
  /** How many times the app said it applied the event (applied-once checks). */
  applied?: number;
  warning?: string;
  hint?: string;
}

export interface CheckSummary {
  url: string;
  /** The checks that ran: skipped ones are not in it. */
  total: number;
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
  /** Set when the endpoint could not be reached at all, so the battery did not run. */
  unreachable?: { cause: AttemptErrorCause; message: string };
  /** Set when the run was stopped before its end (the caller's signal): the score covers the checks that ran. */
  interrupted?: boolean;
}

/** One cause behind every must-accept failure, found by the answers and, when needed, a probe or two. */
export interface CommonFailure {
  /** What every request got: a status such as "401", "303 → /login", or an error cause such as "timeout". */
  answer: string;
  hint: string;
  checks: number;
}

/** Everything `runChecks` tells its caller, in order. Renderers switch on `type` exhaustively. */
export type CheckReport =
  | { type: 'start'; url: string; total: number; timeoutMs: number }
  | { type: 'check-started'; name: string; group: CheckGroup; index: number; total: number }
  | { type: 'check-finished'; result: CheckResult; index: number; total: number }
  | { type: 'common-failure'; group: 'must-accept'; failure: CommonFailure }
  | { type: 'unreachable'; url: string; cause: AttemptErrorCause; message: string }
  | { type: 'summary'; summary: CheckSummary };
