import { InputError } from '../../errors.js';
import type { ForwardTarget } from '../../listener/route.js';
import { parseHttpUrl } from '../parse/url.js';
import { patternTexts, splitTyped } from '../parse/type-patterns.js';

/**
 * Parses repeated `--forward-to [types=]URL`. Typed routes are tried in the order given, the plain URL catches
 * the rest, so `--forward-to http://a --forward-to 'task.*=http://b'` sends tasks to b and everything else to a.
 */
export function parseForwardTargets(values: readonly string[]): Array<ForwardTarget & { url: URL }> {
  const targets = values.map((value) => {
    const { patterns, value: target } = splitTyped(value, '--forward-to');
    return { types: patternTexts(patterns), url: parseHttpUrl(withScheme(target), '--forward-to', 'http://localhost:3000/webhooks') };
  });
  const plain = targets.filter((target) => !target.types).length;
  if (plain > 1) {
    throw new InputError(
      'usage',
      `--forward-to was given ${plain} URLs without a type: keep one catch-all and prefix the others with types, e.g. --forward-to 'task.*=http://localhost:3001/webhooks'`,
    );
  }
  return targets;
}

/**
 * `--forward-to 3000` and `--forward-to localhost:3000/webhooks` mean http://localhost:3000/… (issue 22): what
 * Hookdeck and Stripe users type for an app on this machine. A whole URL is kept as given.
 */
export function withScheme(target: string): string {
  const text = target.trim();
  if (/^\d{1,5}$/.test(text)) return `http://localhost:${text}`;
  if (/^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*):\d{1,5}(\/.*)?$/i.test(text)) return `http://${text}`;
  return text;
}
