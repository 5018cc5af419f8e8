/**
 * Bodies above this size are not diagnosed: every candidate form costs a serialization and an HMAC, and a
 * stranger's request must not cost the listener much more than a valid delivery does (issue 11). Real events are
 * a few kilobytes.
 */
const MAX_DIAGNOSED_BYTES = 64 * 1024;
/** Nor are bodies nested deeper than this: pretty-printing grows with depth squared, and recursion overflows. */
const MAX_DIAGNOSED_DEPTH = 32;

/**
 * When no signature matches, the most common cause is a framework that parsed the JSON body and serialized it
 * again before verification. Re-create the usual serializations of the same JSON and report which one the
 * signature was made over, so the user learns to verify the raw bytes. Bounded in size and depth; never throws.
 */
export function findReserialization(payload: Buffer, matches: (candidate: Buffer) => boolean): string | undefined {
  if (payload.length > MAX_DIAGNOSED_BYTES || nestingDepth(payload) > MAX_DIAGNOSED_DEPTH) return undefined;
  try {
    const original = payload.toString('utf8');
    const parsed: unknown = JSON.parse(original);
    // Made one at a time, so the search stops at the first form that matches.
    const forms: Array<[string, () => string]> = [
      ['minified', () => JSON.stringify(parsed)],
      ['spaced (", " and ": " separators)', () => stringifySpaced(parsed)],
      ['pretty-printed (2 spaces)', () => JSON.stringify(parsed, null, 2)],
      ['pretty-printed (4 spaces)', () => JSON.stringify(parsed, null, 4)],
      ['pretty-printed (tabs)', () => JSON.stringify(parsed, null, '\t')],
      ['newline-terminated', () => `${original}\n`],
      ['trimmed', () => original.trim()],
    ];
    for (const [name, make] of forms) {
      const text = make();
      if (text !== original && matches(Buffer.from(text))) return name;
    }
  } catch {
    // Not JSON (or some form could not be made): nothing to explain.
  }
  return undefined;
}

/** The deepest nesting of [ and { outside strings, counted in one pass over the bytes. */
export function nestingDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** JSON with `, ` and `: ` separators, the default of Python's json.dumps and of several loggers. */
function stringifySpaced(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifySpaced).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${stringifySpaced(v)}`);
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value);
}
