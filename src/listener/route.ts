import { InputError } from '../errors.js';
import { compileTypePattern, matchesType, type TypePattern } from '../events/type-pattern.js';
import { httpUrl } from '../util/http-url.js';

/** Where verified deliveries are forwarded: every type, or only the types given (`task.*`). */
export interface ForwardTarget {
  types?: readonly string[];
  url: string | URL;
}

export interface ForwardRoute {
  /** Absent for the catch-all route. */
  patterns?: TypePattern[];
  url: URL;
}

/**
 * Typed routes are tried in the order given, the target without types catches the rest, so
 * `[{ url: a }, { types: ['task.*'], url: b }]` sends tasks to b and everything else to a.
 */
export function compileRoutes(targets: string | URL | readonly ForwardTarget[] | undefined): ForwardRoute[] {
  const list: readonly ForwardTarget[] = targets === undefined ? [] : typeof targets === 'string' || targets instanceof URL ? [{ url: targets }] : targets;
  const typed: ForwardRoute[] = [];
  const plain: ForwardRoute[] = [];
  for (const target of list) {
    const url = httpUrl(target.url, 'forward target', 'http://localhost:3000/webhooks');
    if (target.types && target.types.length > 0) typed.push({ patterns: target.types.map(compileTypePattern), url });
    else plain.push({ url });
  }
  if (plain.length > 1) {
    throw new InputError('usage', `forwardTo has ${plain.length} targets without types: keep one catch-all and give the others types`, { kind: 'two-catch-alls', count: plain.length });
  }
  return [...typed, ...plain];
}

/** The route a delivery of this type goes to, if any. */
export function pickRoute(routes: readonly ForwardRoute[], type: string | undefined): ForwardRoute | undefined {
  return routes.find((r) => !r.patterns || matchesType(r.patterns, type));
}
