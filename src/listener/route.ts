import { InputError } from '../errors.js';
import { parseHttpUrl } from '../cli/parse/url.js';
import { EVENT_TYPES } from '../events/types.js';
import { closestMatch } from '../util/closest.js';

/** An event-type pattern such as `task.*`, `task.completed` or `*`; `*` matches any run of characters. */
export interface TypePattern {
  text: string;
  regex: RegExp;
}

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
  const patterns = parts.map((p) => ({ text: p, regex: new RegExp(`^${p.replace(/[.-]/g, '\\$&').replace(/\*/g, '.*')}$`) }));
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

/** True when the type matches one of the patterns. An unknown type matches only `*`. */
export function matchesType(patterns: readonly TypePattern[], type: string | undefined): boolean {
  return patterns.some((p) => (type === undefined ? p.text === '*' : p.regex.test(type)));
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

export interface ForwardRoute {
  /** Absent for the catch-all route. */
  patterns?: TypePattern[];
  url: URL;
}

/**
 * Parses repeated `--forward-to [types=]URL`. Typed routes are tried in the order given, the plain URL catches
 * the rest, so `--forward-to http://a --forward-to 'task.*=http://b'` sends tasks to b and everything else to a.
 */
export function parseForwardRoutes(values: readonly string[]): ForwardRoute[] {
  const typed: ForwardRoute[] = [];
  const plain: ForwardRoute[] = [];
  for (const value of values) {
    const { patterns, value: target } = splitTyped(value, '--forward-to');
    const url = parseHttpUrl(target, '--forward-to', 'http://localhost:3000/webhooks');
    if (patterns) typed.push({ patterns, url });
    else plain.push({ url });
  }
  if (plain.length > 1) {
    throw new InputError(
      'usage',
      `--forward-to was given ${plain.length} URLs without a type: keep one catch-all and prefix the others with types, e.g. --forward-to 'task.*=http://localhost:3001/webhooks'`,
    );
  }
  return [...typed, ...plain];
}

/** The route a delivery of this type goes to, if any. */
export function pickRoute(routes: readonly ForwardRoute[], type: string | undefined): ForwardRoute | undefined {
  return routes.find((r) => !r.patterns || matchesType(r.patterns, type));
}

