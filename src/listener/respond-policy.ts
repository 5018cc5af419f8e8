import { InputError } from '../errors.js';
import { compileTypePattern, matchesType, type TypePattern } from '../events/type-pattern.js';

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
  /** The rule as `types=statuses` (`task.failed=500`, `500,500,200`), for the line that explains a status. */
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

/** The respond policy as listen() takes it: statuses as numbers, types as globs, the delay in ms. */
export interface RespondOptions {
  /**
   * Status sequences walked per svix-id (`[500, 500, 200]`: two failures, then success), for every type or for
   * the types given. Typed rules are tried first, in order; at most one rule has no types.
   */
  respond?: readonly number[] | ReadonlyArray<RespondRuleOptions>;
  /** Probability (0–1) of answering 500 to a delivery no rule decides. */
  failRate?: number;
  /** Answer no earlier than this many ms after the request arrived. */
  delayMs?: number;
  /** Headers added to the failures the policy makes (`Retry-After`, `webhook-delivery: abort-message`). */
  failHeaders?: ReadonlyArray<readonly [string, string]>;
}

export interface RespondRuleOptions {
  types?: readonly string[];
  statuses: readonly number[];
}

/** Compiles and checks the options; a rule the policy could not follow is an InputError. */
export function respondPolicy(options: RespondOptions): RespondPolicy {
  const given = options.respond ?? [];
  const rules: RespondRuleOptions[] = given.length > 0 && typeof given[0] === 'number' ? [{ statuses: given as readonly number[] }] : [...(given as ReadonlyArray<RespondRuleOptions>)];
  const compiled = rules.map((rule): RespondRule => {
    if (rule.statuses.length === 0 || rule.statuses.some((s) => !Number.isInteger(s) || s < 200 || s > 599)) {
      throw new InputError('usage', `respond rule [${rule.statuses.join(', ')}] is not a status sequence: give HTTP statuses from 200 to 599`, { kind: 'statuses' });
    }
    const patterns = rule.types && rule.types.length > 0 ? rule.types.map(compileTypePattern) : undefined;
    return { patterns, statuses: [...rule.statuses], text: `${patterns ? `${rule.types!.join(',')}=` : ''}${rule.statuses.join(',')}` };
  });
  const untyped = compiled.filter((rule) => !rule.patterns);
  if (untyped.length > 1) {
    throw new InputError('usage', `${untyped.length} respond rules have no types: keep one for every type and give the others types`, { kind: 'two-untyped' });
  }
  const failRate = options.failRate ?? 0;
  if (!(failRate >= 0 && failRate <= 1)) throw new InputError('usage', `failRate ${failRate} is not a probability from 0 to 1`, { kind: 'fail-rate' });
  return {
    rules: [...compiled.filter((rule) => rule.patterns), ...untyped],
    failRate,
    delayMs: Math.max(0, options.delayMs ?? 0),
    failHeaders: (options.failHeaders ?? []).map(([name, value]) => [name, value]),
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
