/**
 * For each ASCII byte, the letter after the backslash when JSON.stringify escapes it (quote, backslash, \b \t \n
 * \f \r), `u` for the other C0 controls (written `\u00XX`), or 0 when it is kept as it is.
 */
const ESCAPE = new Uint8Array(0x80);
for (let byte = 0; byte < 0x20; byte++) ESCAPE[byte] = 0x75; // u
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
 * offset after it: byte for byte the UTF-8 of `JSON.stringify(text)`. JSON.stringify keeps every non-ASCII
 * character as it is, so only a quote, a backslash and the C0 controls change. The bytes must be valid UTF-8
 * (the caller checks), as they then hold no lone surrogate for JSON.stringify to escape.
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
    const escape = byte < 0x80 ? ESCAPE[byte]! : 0;
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
