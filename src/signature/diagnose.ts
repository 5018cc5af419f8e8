/**
 * Bodies above this size are not diagnosed: every candidate form costs a serialization and an HMAC, and a
 * stranger's request must not cost the listener much more than a valid delivery does (issue 11). Real events are
 * a few kilobytes.
 */
const MAX_DIAGNOSED_BYTES = 64 * 1024;
/** Nor are bodies nested deeper than this: pretty-printing grows with depth squared, and recursion overflows. */
const MAX_DIAGNOSED_DEPTH = 32;
/**
 * The candidate forms hashed for one body, in all, at most this many times the body's size: a 61 KB body nested
 * 31 deep is 3.9 MB pretty-printed with 4 spaces, and hashing it (and making it) cost 37 valid deliveries (issue 19
 * defect 4). Each form's size is predicted from one pass over the bytes before it is made, so a form that does not
 * fit is never serialized. 4x lets a real event's likeliest forms through (minified, 2-space pretty, spaced,
 * newline-terminated) while an unsigned request stays within 3x a valid delivery's cost (bench/hostile.js).
 */
export const DIAGNOSIS_BYTES_PER_BODY_BYTE = 4;

/**
 * When no signature matches, the most common cause is a framework that parsed the JSON body and serialized it
 * again before verification. Re-create the usual serializations of the same JSON and report which one the
 * signature was made over, so the user learns to verify the raw bytes. Bounded in size, depth and bytes hashed
 * (`matches` is called with candidates of DIAGNOSIS_BYTES_PER_BODY_BYTE times the body's size at most, in all);
 * never throws.
 */
export function findReserialization(payload: Buffer, matches: (candidate: Buffer) => boolean): string | undefined {
  if (payload.length > MAX_DIAGNOSED_BYTES) return undefined;
  const shape = jsonShape(payload);
  if (shape.depth > MAX_DIAGNOSED_DEPTH) return undefined;
  let budget = DIAGNOSIS_BYTES_PER_BODY_BYTE * payload.length;
  try {
    const original = payload.toString('utf8');
    let parsed: unknown;
    const value = () => (parsed ??= JSON.parse(original));
    // The minified size, give or take a changed escape: the body without its whitespace between tokens.
    const minified = payload.length - shape.whitespace;
    const pretty = (indent: number) => minified + shape.lines + indent * shape.indents + shape.colons;
    // Likeliest first; each with its predicted size and, when it cannot differ from the body, no attempt at all.
    const forms: Array<[string, number, () => string]> = [
      ['minified', shape.whitespace === 0 ? -1 : minified, () => JSON.stringify(value())],
      ['pretty-printed (2 spaces)', pretty(2), () => JSON.stringify(value(), null, 2)],
      ['spaced (", " and ": " separators)', minified + shape.commas + shape.colons, () => stringifySpaced(value())],
      ['newline-terminated', payload.length + 1, () => `${original}\n`],
      ['trimmed', shape.edgeWhitespace ? payload.length : -1, () => original.trim()],
      ['pretty-printed (tabs)', pretty(1), () => JSON.stringify(value(), null, '\t')],
      ['pretty-printed (4 spaces)', pretty(4), () => JSON.stringify(value(), null, 4)],
    ];
    for (const [name, predicted, make] of forms) {
      if (predicted < 0 || predicted > budget) continue;
      const candidate = Buffer.from(make());
      // The prediction is close, not exact (escapes may change): the bound holds on what is actually hashed.
      if (candidate.length > budget || candidate.equals(payload)) continue;
      budget -= candidate.length;
      if (matches(candidate)) return name;
    }
  } catch {
    // Not JSON (or some form could not be made): nothing to explain.
  }
  return undefined;
}

/** What one pass over a JSON text's bytes tells about the forms it would take re-serialized. */
export interface JsonShape {
  /** The deepest nesting of [ and {. */
  depth: number;
  /** Whitespace bytes between tokens (none in a minified body). */
  whitespace: number;
  /** Commas and colons between tokens: `, ` and `: ` in the spaced form, one line per comma pretty-printed. */
  commas: number;
  colons: number;
  /** Line breaks pretty-printing adds, and the sum of their indentation levels. */
  lines: number;
  indents: number;
  /** Whether the body starts or ends with whitespace (its trimmed form differs). */
  edgeWhitespace: boolean;
}

/** Reads `bytes` once, as JSON tokens, without parsing: strings are skipped, the rest counted. */
export function jsonShape(bytes: Uint8Array): JsonShape {
  let depth = 0;
  let deepest = 0;
  let whitespace = 0;
  let commas = 0;
  let colons = 0;
  let lines = 0;
  let indents = 0;
  // Set after an opening bracket until the next token: whether that container has anything in it.
  let justOpened = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      whitespace++;
      continue;
    }
    const closing = c === 0x7d || c === 0x5d;
    if (justOpened && !closing) {
      // The first member of a non-empty container starts a line, one level in.
      lines++;
      indents += depth;
    }
    if (closing) {
      // A non-empty container's closing bracket goes on a line of its own, at its own level.
      if (!justOpened) {
        lines++;
        indents += Math.max(0, depth - 1);
      }
      depth--;
    }
    justOpened = false;
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
      justOpened = true;
    } else if (c === 0x2c) {
      commas++;
      lines++;
      indents += depth;
    } else if (c === 0x3a) colons++;
  }
  const edge = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  return { depth: deepest, whitespace, commas, colons, lines, indents, edgeWhitespace: edge(bytes[0]) || edge(bytes[bytes.length - 1]) };
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
