import { InputError } from '../errors.js';
import { globToRegExp } from '../util/glob.js';
import type { Check } from './types.js';

export interface CheckSelection {
  /** Names or `*` patterns (`refuses-*`) to run; every check when empty or absent. */
  only?: readonly string[];
  /** Names or patterns to leave out, applied after `only`. */
  skip?: readonly string[];
}

/** Picks checks by name, keeping battery order. An unknown name is an InputError that lists the valid ones. */
export function selectChecks(battery: readonly Check[], selection: CheckSelection): Check[] {
  const only = matcher(battery, selection.only ?? [], 'only');
  const skip = matcher(battery, selection.skip ?? [], 'skip');
  const chosen = battery.filter((check) => (only ? only(check.name) : true) && !skip?.(check.name));
  if (chosen.length === 0) {
    throw new InputError('usage', 'no check left to run: skip removes every check that only selects', { kind: 'none-left' });
  }
  return chosen;
}

/** A predicate for the given names/patterns, or undefined when none were given. */
function matcher(battery: readonly Check[], patterns: readonly string[], list: 'only' | 'skip'): ((name: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const tests = patterns.map((pattern) => {
    const regex = globToRegExp(pattern);
    if (!battery.some((check) => regex.test(check.name))) {
      throw new InputError(
        'unknown-check',
        `unknown check "${pattern}" in ${list}: valid checks are ${battery.map((check) => check.name).join(', ')} (patterns such as refuses-* work too)`,
        { kind: list, pattern },
      );
    }
    return regex;
  });
  return (name) => tests.some((regex) => regex.test(name));
}
