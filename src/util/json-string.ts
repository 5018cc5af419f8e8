/**
 * The characters, beyond the C0 controls, that must never reach a terminal or a script raw: DEL, the C1 controls
 * (U+009B is a CSI on many terminals), the bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F,
 * U+202A–U+202E, U+2066–U+2069), and U+2028/2029, which end a line in JavaScript and in many viewers. A regular
 * expression class body, so the terminal's escaping (cli/shared/text.ts) and JSON's share one list (issue 19 defect 9).
 */
export const UNSAFE_BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_BEYOND_C0}]`, 'g');

/**
 * JSON.stringify, with the characters above escaped as `\uXXXX` as well: still the same value once parsed, but a
 * line that prints safely wherever it goes. They can only stand inside strings (JSON's own syntax is ASCII), so
 * escaping them in the output is escaping them in the strings.
 */
export function stringifyJson(value: unknown): string {
  return escapeJsonText(JSON.stringify(value));
}

/** The escaping of stringifyJson, on JSON text already made. */
export function escapeJsonText(json: string): string {
  UNSAFE_IN_JSON.lastIndex = 0;
  return UNSAFE_IN_JSON.test(json) ? json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * For each ASCII byte, the letter after the backslash when JSON.stringify escapes it (quote, backslash, \b \t \n
 * \f \r), `u` for the other C0 controls (written `\u00XX`), or 0 when it is kept as it is.
 */
const ESCAPE = new Uint8Array(0x80);
for (let byte = 0; byte < 0x20; byte++) ESCAPE[byte] = 0x75; // u
// DEL too, which JSON.stringify keeps raw (see UNSAFE_BEYOND_C0).
ESCAPE[0x7f] = 0x75;
for (const [byte, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) {
  ESCAPE[byte] = letter.charCodeAt(0);
}
const HEX = Buffer.from('0123456789abcdef');

/** The most bytes writeJsonString() writes for `length` bytes: each may become a six-byte `\u00XX`, plus quotes. */
export function jsonStringRoom(length: number): number {
  return length * 6 + 2;
}

/**
 * Writes the UTF-8 text in `bytes` as a JSON string, quotes included, into `target` at `offset`, and returns the
 * offset after it: byte for byte the UTF-8 of `stringifyJson(text)`. Only a quote, a backslash, the C0 controls
 * and the characters of UNSAFE_BEYOND_C0 change; every other character keeps its UTF-8 bytes. The bytes must be
 * valid UTF-8 (the caller checks), as they then hold no lone surrogate for JSON.stringify to escape.
 *
 * Why: `listen --json` prints each delivery's body inside its JSON line. Decoding the body to a string for
 * JSON.stringify to escape into another made the young generation grow (bench/listen.js --memory); escaped
 * straight from its bytes into the output buffer, the body is never a string at all.
 */
export function writeJsonString(bytes: Uint8Array, target: Uint8Array, offset: number): number {
  let at = offset;
  target[at++] = 0x22;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) {
      // Only three lead bytes start an unsafe character: C2 (C1 controls), D8 (U+061C), E2 (U+200E… U+2069).
      const unsafe = byte === 0xc2 || byte === 0xd8 || byte === 0xe2 ? unsafeAt(bytes, i) : 0;
      if (unsafe === 0) {
        target[at++] = byte;
        continue;
      }
      target[at++] = 0x5c; // backslash
      target[at++] = 0x75; // u
      target[at++] = HEX[unsafe >> 12]!;
      target[at++] = HEX[(unsafe >> 8) & 15]!;
      target[at++] = HEX[(unsafe >> 4) & 15]!;
      target[at++] = HEX[unsafe & 15]!;
      i += byte === 0xe2 ? 2 : 1;
      continue;
    }
    const escape = ESCAPE[byte]!;
    if (escape === 0) {
      target[at++] = byte;
    } else {
      target[at++] = 0x5c; // backslash
      target[at++] = escape;
      if (escape === 0x75) {
        target[at++] = 0x30;
        target[at++] = 0x30;
        target[at++] = HEX[byte >> 4]!;
        target[at++] = HEX[byte & 15]!;
      }
    }
  }
  target[at++] = 0x22;
  return at;
}

/** The code point of the unsafe character (UNSAFE_BEYOND_C0, non-ASCII) whose UTF-8 starts at `i`, or 0. */
function unsafeAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const second = bytes[i + 1] ?? 0;
  if (lead === 0xc2) return second >= 0x80 && second <= 0x9f ? second : 0;
  if (lead === 0xd8) return second === 0x9c ? 0x061c : 0;
  const third = bytes[i + 2] ?? 0;
  if (second === 0x80) return third === 0x8e || third === 0x8f || (third >= 0xa8 && third <= 0xae) ? 0x2000 + (third - 0x80) : 0;
  if (second === 0x81) return third >= 0xa6 && third <= 0xa9 ? 0x2040 + (third - 0x80) : 0;
  return 0;
}
