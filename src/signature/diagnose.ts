/**
 * Bodies above this size are not diagnosed: every candidate form costs a pass over the bytes and an HMAC, and a
 * stranger's request must not cost the listener much more than a valid delivery does (issues 11 and 19). Real
 * events are a few kilobytes.
 */
const MAX_DIAGNOSED_BYTES = 16 * 1024;
/**
 * Nor are bodies with more than one comma or colon per this many bytes: the forms are made token by token, and a
 * body of tokens two bytes apart (30,000 numbers in 61 KB) cost six valid deliveries to lay out again (issue 19
 * defect 4). A real event has one every 10 to 20 bytes.
 */
const MIN_BYTES_PER_TOKEN = 6;
/** Nor are bodies nested deeper than this: pretty-printing grows with depth squared, and recursion overflows. */
const MAX_DIAGNOSED_DEPTH = 32;
/**
 * The candidate forms hashed for one body, in all, at most this many times the body's size: a 61 KB body nested
 * 31 deep is 3.9 MB pretty-printed with 4 spaces, and hashing it (and making it) cost 37 valid deliveries (issue 19
 * defect 4). Each form's size is predicted from one pass over the bytes before it is made, so a form that does not
 * fit is never made. 2x lets a real event's likeliest forms through (a minified body's 2-space pretty form, a
 * pretty one's minified and spaced forms) while keeping a wrongly signed request near 3x a valid delivery's cost
 * (bench/hostile.js measures it).
 */
export const DIAGNOSIS_BYTES_PER_BODY_BYTE = 2;
/** ...but never less than this: for a small body, a few kilobytes hashed cost less than handling the request does. */
export const DIAGNOSIS_MIN_BYTES = 4 * 1024;

export type Layout = { kind: 'minified' } | { kind: 'spaced' } | { kind: 'pretty'; indent: string };

/**
 * When no signature matches, the most common cause is a framework that parsed the JSON body and serialized it
 * again before verification. Re-create the usual serializations of the same JSON and report which one the
 * signature was made over, so the user learns to verify the raw bytes. Bounded in size, depth and bytes hashed
 * (`matches` is called with candidates of DIAGNOSIS_BYTES_PER_BODY_BYTE times the body's size at most, in all,
 * or DIAGNOSIS_MIN_BYTES for a small body);
 * never throws.
 *
 * The forms are made from the bytes, moving only the whitespace between tokens, never by parsing: parsing a
 * stranger's body costs with its shape (30,000 tokens in 61 KB cost ten valid deliveries), this only with its size.
 * They are what JSON.stringify would make for every body a JSON serializer wrote (its strings and numbers already
 * in their usual form); a body with `\u00e9` escapes or numbers such as `1.0` may go undiagnosed.
 */
export function findReserialization(payload: Buffer, matches: (candidate: Buffer) => boolean): string | undefined {
  if (payload.length > MAX_DIAGNOSED_BYTES) return undefined;
  const shape = jsonShape(payload);
  if (!shape.container || shape.depth > MAX_DIAGNOSED_DEPTH) return undefined;
  if ((shape.commas + shape.colons) * MIN_BYTES_PER_TOKEN > payload.length) return undefined;
  let budget = Math.max(DIAGNOSIS_MIN_BYTES, DIAGNOSIS_BYTES_PER_BODY_BYTE * payload.length);
  const minified = payload.length - shape.whitespace;
  const pretty = (indent: number) => minified + shape.lines + indent * shape.indents + shape.colons;
  // Likeliest first, each with its predicted size; -1 when it cannot differ from the body.
  const forms: Array<[string, number, () => Buffer | undefined]> = [
    ['minified', shape.whitespace === 0 ? -1 : minified, () => relayout(payload, { kind: 'minified' }, minified)],
    ['pretty-printed (2 spaces)', pretty(2), () => relayout(payload, { kind: 'pretty', indent: '  ' }, pretty(2))],
    ['spaced (", " and ": " separators)', minified + shape.commas + shape.colons, () => relayout(payload, { kind: 'spaced' }, minified + shape.commas + shape.colons)],
    ['newline-terminated', payload.length + 1, () => Buffer.concat([payload, NEWLINE])],
    ['trimmed', shape.edgeWhitespace ? payload.length : -1, () => Buffer.from(payload.toString('utf8').trim())],
    ['pretty-printed (tabs)', pretty(1), () => relayout(payload, { kind: 'pretty', indent: '\t' }, pretty(1))],
    ['pretty-printed (4 spaces)', pretty(4), () => relayout(payload, { kind: 'pretty', indent: '    ' }, pretty(4))],
  ];
  for (const [name, predicted, make] of forms) {
    if (predicted < 0 || predicted > budget) continue;
    const candidate = make();
    if (!candidate || candidate.length > budget || candidate.equals(payload)) continue;
    budget -= candidate.length;
    if (matches(candidate)) return name;
  }
  return undefined;
}

const NEWLINE = Buffer.from('\n');

/**
 * The same tokens laid out again: without whitespace, with `, ` and `: `, or one member per line indented as
 * JSON.stringify does (an empty container stays `[]`/`{}`). `size` is jsonShape's prediction; undefined when the
 * bytes do not fit it (they are not the JSON they looked like). Exported for its tests.
 */
export function relayout(bytes: Buffer, layout: Layout, size: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(size);
  const indent = layout.kind === 'pretty' ? Buffer.from(layout.indent) : undefined;
  const indentBytes = indent?.length ?? 0;
  let o = 0;
  let depth = 0;
  let justOpened = false;
  const newline = (level: number): boolean => {
    if (o + 1 + level * indentBytes > size) return false;
    out[o++] = 0x0a;
    for (let k = 0; k < level; k++) for (let b = 0; b < indentBytes; b++) out[o++] = indent![b]!;
    return true;
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    const closing = c === 0x7d || c === 0x5d;
    if (indent && justOpened && !closing && !newline(depth)) return undefined;
    if (closing) {
      if (indent && !justOpened && !newline(Math.max(0, depth - 1))) return undefined;
      depth--;
    }
    justOpened = false;
    if (c === 0x22) {
      const end = stringEnd(bytes, i);
      if (o + (end - i) > size) return undefined;
      // Short strings byte by byte: a native copy per key costs more than the key.
      if (end - i < 32) for (let k = i; k < end; k++) out[o++] = bytes[k]!;
      else o += bytes.copy(out, o, i, end);
      i = end - 1;
      continue;
    }
    if (o >= size) return undefined;
    out[o++] = c;
    if (c === 0x7b || c === 0x5b) {
      depth++;
      justOpened = true;
    } else if (c === 0x2c && indent) {
      if (!newline(depth)) return undefined;
    } else if ((c === 0x2c && layout.kind === 'spaced') || (c === 0x3a && layout.kind !== 'minified')) {
      if (o >= size) return undefined;
      out[o++] = 0x20;
    }
  }
  return o === size ? out : undefined;
}

/**
 * The index just past the quote that closes the string opened at `quote` (the body's length when none does):
 * found with indexOf, so a long string costs a memchr, not a loop over its bytes.
 */
export function stringEnd(bytes: Uint8Array, quote: number): number {
  let at = quote;
  for (;;) {
    at = bytes.indexOf(0x22, at + 1);
    if (at < 0) return bytes.length;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at + 1;
  }
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
  /** Whether its first token opens an object or an array (a body that is not would have nothing to re-serialize). */
  container: boolean;
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
  let first: number | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      whitespace++;
      continue;
    }
    first ??= c;
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
      i = stringEnd(bytes, i) - 1;
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
  return {
    depth: deepest,
    whitespace,
    commas,
    colons,
    lines,
    indents,
    edgeWhitespace: edge(bytes[0]) || edge(bytes[bytes.length - 1]),
    container: first === 0x7b || first === 0x5b,
  };
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
