import { InputError } from '../errors.js';
import { checkedSecret } from '../signature/signing-secret.js';
import { httpUrl } from '../util/http-url.js';
import { BATTERY } from './battery.js';
import { runChecks } from './run-checks.js';
import { selectChecks, type CheckSelection } from './select.js';
import type { CheckReport, CheckResult, CheckSummary } from './types.js';

export interface CheckOptions extends CheckSelection {
  /** The endpoint to grade, configured with `secret`. */
  url: string | URL;
  /** The secret the endpoint verifies with (default: the built-in test secret). */
  secret?: string;
  /** How long each delivery may take (default 5 s, as Svix allows). */
  timeoutMs?: number;
  /** Each step as it happens (the report card is built from the same reports). */
  onReport?: (report: CheckReport) => void;
}

/** The report card: the score, and every check's result with its hint when it failed. */
export interface CheckCard extends CheckSummary {
  /** True when every check passed. */
  ok: boolean;
  results: CheckResult[];
}

/** Grades a webhook endpoint with the battery (or the checks selected); an unreachable endpoint scores 0. */
export async function check(options: CheckOptions): Promise<CheckCard> {
  httpUrl(options.url, 'url', 'http://localhost:3000/webhooks');
  const url = String(options.url);
  const secret = checkedSecret(options.secret, 'sign');
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) throw new InputError('invalid-duration', `timeoutMs must be more than 0 (got ${options.timeoutMs})`);
  const checks = selectChecks(BATTERY, options);
  const results: CheckResult[] = [];
  const summary = await runChecks({
    url,
    secret,
    timeoutMs: options.timeoutMs,
    checks,
    onReport: (report) => {
      if (report.type === 'check-finished') results.push(report.result);
      options.onReport?.(report);
    },
  });
  return { ...summary, ok: summary.failed === 0, results };
}
