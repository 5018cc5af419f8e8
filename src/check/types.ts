import type { AttemptErrorCause } from '../delivery/attempt.js';

/** The three headings of the report card, in the order the battery runs them. */
export type CheckGroup = 'must-accept' | 'must-refuse' | 'must-not-redirect';

/** What a check needs to build its requests: the secret the endpoint was configured with, and the clock. */
export interface CheckContext {
  secret: string;
  /** Unix seconds; the replay checks move the timestamp relative to it. */
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
}

/** A named check of the battery: the rule it tests and how to build the requests that test it. */
export interface Check {
  /** Stable kebab-case id, usable in a selection (only/skip). */
  name: string;
  group: CheckGroup;
  /** The rule, one sentence. */
  rule: string;
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

/** A graded check. `hint` is set exactly when it failed; `warning` when it passed with a reservation. */
export interface CheckResult {
  name: string;
  group: CheckGroup;
  rule: string;
  passed: boolean;
  /** Every request sent, in order; a check stops at its first wrong answer. */
  responses: CheckResponse[];
  warning?: string;
  hint?: string;
}

export interface CheckSummary {
  url: string;
  total: number;
  passed: number;
  failed: number;
  warnings: number;
  /** Set when the endpoint could not be reached at all, so the battery did not run. */
  unreachable?: { cause: AttemptErrorCause; message: string };
}

/** Everything `runChecks` tells its caller, in order. Renderers switch on `type` exhaustively. */
export type CheckReport =
  | { type: 'start'; url: string; total: number; timeoutMs: number }
  | { type: 'check-started'; name: string; group: CheckGroup; index: number; total: number }
  | { type: 'check-finished'; result: CheckResult; index: number; total: number }
  | { type: 'unreachable'; url: string; cause: AttemptErrorCause; message: string }
  | { type: 'summary'; summary: CheckSummary };
