// Small text helpers shared by the renderers.
import { UNSAFE_BEYOND_C0 } from '../../util/json-string.js';

/** Prefixes every line of `text` (a final line break is dropped, CRLF counts as one). */
export function indent(text: string, prefix: string): string {
  return text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** "1 delivery", "3 deliveries". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * C0 controls (ESC, BEL, CR, LF…), DEL, C1 controls, line/paragraph separators and bidi overrides: what lets a
 * value forge a line or drive the terminal. Tab is kept in bodies only (see escapeBlock).
 */
const UNSAFE = new RegExp(`[\\u0000-\\u001f${UNSAFE_BEYOND_C0}]`, 'g');
const UNSAFE_IN_BLOCK = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${UNSAFE_BEYOND_C0}]`, 'g');

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A request-derived value (path, header, event type or id, an error quoting the body) made safe for one line of
 * a terminal or log: control and bidi characters are shown visibly, as \x1b or \u202e (issue 11).
 */
export function escapeControl(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

/** escapeControl for a multi-line block (a body shown by -v): line breaks and tabs stay, everything else is escaped. */
export function escapeBlock(text: string): string {
  UNSAFE_IN_BLOCK.lastIndex = 0;
  return UNSAFE_IN_BLOCK.test(text) ? text.replace(UNSAFE_IN_BLOCK, escapeChar) : text;
}
