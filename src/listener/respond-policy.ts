import { InputError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { parseHeaderLine } from '../cli/parse/header-line.js';
import { matchesType, splitTyped, type TypePattern } from './route.js';

/** How the listener answers deliveries that passed verification: the failures to rehearse. */
export interface RespondPolicy {
  /** Typed rules first, in the order given, then at most one rule for every type. */
  rules: RespondRule[];
  /** Probability (0–1) of answering 500 to a delivery no rule decides. */
  failRate: number;
  /** Answer no earlier than this many ms after the request arrived. */
  delayMs: number;
  /** Headers added to the failures this policy makes (`Retry-After`, `webhook-delivery: abort-message`). */
  failHeaders: Array<[string, string]>;
}

export interface RespondRule {
  patterns?: TypePattern[];
  /** Walked per svix-id: attempt n gets statuses[n-1], and the last status once the sequence is spent. */
  statuses: number[];
  /** The rule as written, for the line that explains a status. */
  text: string;
}

/** Why the policy chose a status, so the line can say it. */
export type PolicyReason =
  | { source: 'respond'; rule: string; step: number; steps: number }
  | { source: 'fail-rate'; rate: number };

export interface ResponseDecision {
  /** Undefined when the policy leaves the answer to the default (the app's status when forwarding, else 200). */
  status?: number;
  reason?: PolicyReason;
  delayMs: number;
  headers: Array<[string, string]>;
}

export const NO_POLICY: RespondPolicy = { rules: [], failRate: 0, delayMs: 0, failHeaders: [] };

export const FAIL_RATE_STATUS = 500;

export interface RespondFlags {
  respond?: readonly string[];
  failRate?: string;
  delay?: string;
  failHeader?: readonly string[];
}

/** Parses `--respond`, `--fail-rate`, `--delay` and `--fail-header`. Throws InputError with the fix. */
export function parseRespondPolicy(flags: RespondFlags): RespondPolicy {
  const typed: RespondRule[] = [];
  const untyped: RespondRule[] = [];
  for (const text of flags.respond ?? []) {
    const { patterns, value } = splitTyped(text, '--respond');
    const rule = { patterns, statuses: parseStatuses(value, text), text };
    (patterns ? typed : untyped).push(rule);
  }
  if (untyped.length > 1) {
    throw new InputError(
      'usage',
      `--respond was given ${untyped.length} times without a type: give one sequence for every type (e.g. --respond 500,500,200) and prefix the others, e.g. --respond task.failed=500`,
    );
  }
  return {
    rules: [...typed, ...untyped],
    failRate: parseFailRate(flags.failRate),
    delayMs: flags.delay === undefined ? 0 : parseDuration(flags.delay, '--delay'),
    failHeaders: (flags.failHeader ?? []).map((h) => parseHeaderLine(h, '--fail-header', "'Retry-After: 120'")),
  };
}

/**
 * Decides the answer to a verified delivery of `eventType`, seen for the `attempt`-th time under its svix-id.
 * Pure: randomness comes in as `random`.
 */
export function decideResponse(
  policy: RespondPolicy,
  delivery: { eventType: string | undefined; attempt: number },
  random: () => number,
): ResponseDecision {
  const rule = policy.rules.find((r) => !r.patterns || matchesType(r.patterns, delivery.eventType));
  let status: number | undefined;
  let reason: PolicyReason | undefined;
  if (rule) {
    const step = Math.min(Math.max(delivery.attempt, 1), rule.statuses.length);
    status = rule.statuses[step - 1];
    reason = { source: 'respond', rule: rule.text, step, steps: rule.statuses.length };
  } else if (policy.failRate > 0 && random() < policy.failRate) {
    status = FAIL_RATE_STATUS;
    reason = { source: 'fail-rate', rate: policy.failRate };
  }
  const failing = status !== undefined && (status < 200 || status > 299);
  return { status, reason, delayMs: policy.delayMs, headers: failing ? policy.failHeaders : [] };
}

function parseStatuses(value: string, text: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => !/^\d{3}$/.test(s) || Number(s) < 200 || Number(s) > 599)) {
    throw new InputError(
      'usage',
      `--respond "${text}" is not a status sequence: use HTTP statuses 200-599 separated by commas, e.g. --respond 500,500,200, or for one type --respond task.failed=500`,
    );
  }
  return parts.map(Number);
}

function parseFailRate(text: string | undefined): number {
  if (text === undefined) return 0;
  const rate = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InputError('usage', `--fail-rate "${text}" is not a probability: use a number from 0 to 1, e.g. --fail-rate 0.3 fails 30% of deliveries`);
  }
  return rate;
}
