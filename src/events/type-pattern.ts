import { globToRegExp } from '../util/glob.js';

/** An event-type pattern such as `task.*`, `task.completed` or `*`, compiled once. */
export interface TypePattern {
  text: string;
  regex: RegExp;
}

export function compileTypePattern(text: string): TypePattern {
  return { text, regex: globToRegExp(text) };
}

/** True when the type matches one of the patterns. An unknown type (a body without one) matches only `*`. */
export function matchesType(patterns: readonly TypePattern[], type: string | undefined): boolean {
  return patterns.some((p) => (type === undefined ? p.text === '*' : p.regex.test(type)));
}
