import { InputError } from '../errors.js';
import { checkedSecret } from '../signature/signing-secret.js';
import { httpUrl } from '../util/http-url.js';
import { BATTERY } from './battery.js';
import { runChecks, type EffectsCounter } from './run-checks.js';
import { selectChecks, type CheckSelection } from './select.js';
import type { CheckReport, CheckResult, CheckSummary } from './types.js';

export interface CheckOptions extends CheckSelection {
  /** The endpoint to grade, configured with `secret`. */
  url: string | URL;
  /**
   * The secret the endpoint verifies with (default: the built-in test secret). Several, during a rotation: every
   * check signs with the first, and the rotation check also with the last, alone and together.
   */
  secret?: string | readonly string[];
  /** How long each delivery may take (default 5 s, as Svix allows). */
  timeoutMs?: number;
  /**
   * How many times the app applied an event, by its id (the app's own count, e.g. a test-only route). With it the
   * applied-once checks run (a duplicate, a race, a retry, an unverified delivery); without it they are skipped.
   */
  effects?: EffectsCounter;
  /** Stops the battery; the card then covers the checks that ran (`interrupted: true`). */
  signal?: AbortSignal;
  /** Each step as it happens (the report card is built from the same reports). */
  onReport?: (report: CheckReport) => void;
}

/** The report card: the score, and every check's result with its hint when it failed. */
export interface CheckCard extends CheckSummary {
  /** True when every check that ran passed (and the run was not interrupted). */
  ok: boolean;
  results: CheckResult[];
}

/** Grades a webhook endpoint with the battery (or the checks selected); an unreachable endpoint scores 0. */
export async function check(options: CheckOptions): Promise<CheckCard> {
  httpUrl(options.url, 'url', 'http://localhost:3000/webhooks');
  const url = String(options.url);
  const given = options.secret === undefined ? [undefined] : typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (given.length === 0) throw new InputError('invalid-secret', 'secret is an empty list: give the secret the endpoint verifies with');
  const secrets = given.map((secret) => checkedSecret(secret, 'sign'));
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) throw new InputError('invalid-duration', `timeoutMs must be more than 0 (got ${options.timeoutMs})`);
  if (options.effects !== undefined && typeof options.effects !== 'function') {
    throw new InputError('usage', 'effects must be a function (eventId) => number | Promise<number>: how many times the app applied that event');
  }
  const checks = selectChecks(BATTERY, options);
  const results: CheckResult[] = [];
  const summary = await runChecks({
    url,
    secrets,
    timeoutMs: options.timeoutMs,
    checks,
    effects: options.effects,
    signal: options.signal,
    onReport: (report) => {
      if (report.type === 'check-finished') results.push(report.result);
      options.onReport?.(report);
    },
  });
  return { ...summary, ok: summary.failed === 0 && !summary.interrupted && !summary.unreachable, results };
}
