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
    return { types: patternTexts(patterns), url: parseHttpUrl(target, '--forward-to', 'http://localhost:3000/webhooks') };
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
