import { InputError } from '../../errors.js';
import { compileTypePattern, type TypePattern } from '../../events/type-pattern.js';
import { EVENT_TYPES } from '../../events/types.js';
import { closestMatch } from '../../util/closest.js';

const PATTERN_SYNTAX = /^[a-z0-9_*-]+(\.[a-z0-9_*-]+)*$/i;

/** Parses a comma-separated list of type patterns (`task.*,file.created`). Throws InputError naming `flag`. */
export function parseTypePatterns(text: string, flag: string): TypePattern[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !PATTERN_SYNTAX.test(p))) {
    throw new InputError(
      'usage',
      `${flag} "${text}" is not a list of event types: use types or patterns separated by commas, e.g. 'task.*' or 'task.completed,file.created'`,
    );
  }
  const patterns = parts.map(compileTypePattern);
  // A typo would silently match nothing: every delivery filtered out, or a route never taken.
  for (const pattern of patterns) {
    if (!EVENT_TYPES.some((type) => pattern.regex.test(type))) {
      const guess = closestMatch(pattern.text, EVENT_TYPES);
      throw new InputError(
        'unknown-event-type',
        `${flag} "${pattern.text}" matches no Scan Documents event type${guess ? `: did you mean ${guess}?` : ''} (types: ${EVENT_TYPES.join(', ')})`,
      );
    }
  }
  return patterns;
}

/**
 * Splits a `[types=]value` argument (`task.failed=500`, `task.*=http://…`). The part before `=` counts as types
 * only when it looks like them, so a URL with a query string (`http://app/hook?a=b`) stays a plain value.
 */
export function splitTyped(text: string, flag: string): { patterns?: TypePattern[]; value: string } {
  const eq = text.indexOf('=');
  const head = eq > 0 ? text.slice(0, eq) : '';
  if (head === '' || /[:/?]/.test(head)) return { value: text };
  return { patterns: parseTypePatterns(head, flag), value: text.slice(eq + 1) };
}

/** The patterns as the library takes them: one glob per entry. */
export function patternTexts(patterns: readonly TypePattern[] | undefined): string[] | undefined {
  return patterns?.map((pattern) => pattern.text);
}
