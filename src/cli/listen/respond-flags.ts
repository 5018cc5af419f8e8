import { InputError } from '../../errors.js';
import type { RespondOptions, RespondRuleOptions } from '../../listener/respond-policy.js';
import { parseDuration } from '../parse/duration.js';
import { parseHeaderLine } from '../parse/header-line.js';
import { patternTexts, splitTyped } from '../parse/type-patterns.js';

export interface RespondFlags {
  respond?: readonly string[];
  failRate?: string;
  delay?: string;
  failHeader?: readonly string[];
}

/** Parses `--respond`, `--fail-rate`, `--delay` and `--fail-header` into listen()'s options. Throws InputError with the fix. */
export function parseRespondOptions(flags: RespondFlags): Required<RespondOptions> {
  const rules: RespondRuleOptions[] = (flags.respond ?? []).map((text) => {
    const { patterns, value } = splitTyped(text, '--respond');
    return { types: patternTexts(patterns), statuses: parseStatuses(value, text) };
  });
  const untyped = rules.filter((rule) => !rule.types).length;
  if (untyped > 1) {
    throw new InputError(
      'usage',
      `--respond was given ${untyped} times without a type: give one sequence for every type (e.g. --respond 500,500,200) and prefix the others, e.g. --respond task.failed=500`,
    );
  }
  return {
    respond: rules,
    failRate: parseFailRate(flags.failRate),
    delayMs: flags.delay === undefined ? 0 : parseDuration(flags.delay, '--delay'),
    failHeaders: (flags.failHeader ?? []).map((h) => parseHeaderLine(h, '--fail-header', "'Retry-After: 120'")),
  };
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
