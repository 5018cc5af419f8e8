const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The `type` and `id` members of a top-level JSON object, read by one pass over the bytes without parsing the
 * rest: what the line of a delivery that failed verification shows. Parsing a stranger's body whole, whatever its
 * shape, cost up to 80 ms for a deeply nested 1 MiB (issue 19 defect 4); this costs a scan, and stops once both are
 * found. Only string values count; anything that is not an object gives neither.
 */
export function peekEventLabels(body: Uint8Array): { eventType?: string; eventId?: string } {
  const found: { eventType?: string; eventId?: string } = {};
  let depth = 0;
  let expectKey = false;
  let afterColon = false;
  let key: 'type' | 'id' | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (depth === 0 && c !== 0x7b) return found;
    if (c === QUOTE) {
      const start = i;
      for (i++; i < body.length && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++;
      if (depth !== 1) continue;
      if (expectKey) {
        key = rawKeyIs(body, start, i, 'type') ? 'type' : rawKeyIs(body, start, i, 'id') ? 'id' : undefined;
        expectKey = false;
      } else if (afterColon && key) {
        const value = decodeString(body, start, i);
        if (value !== undefined) found[key === 'type' ? 'eventType' : 'eventId'] = value;
        if (found.eventType !== undefined && found.eventId !== undefined) return found;
      }
      afterColon = false;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
      expectKey = depth === 1;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth <= 0) return found;
    } else if (c === 0x3a) {
      if (depth === 1) afterColon = true;
      continue;
    } else if (c === 0x2c) {
      if (depth === 1) {
        expectKey = true;
        key = undefined;
      }
    }
    afterColon = false;
  }
  return found;
}

function rawKeyIs(body: Uint8Array, quote: number, endQuote: number, name: string): boolean {
  if (endQuote - quote - 1 !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (body[quote + 1 + k] !== name.charCodeAt(k)) return false;
  return true;
}

function decodeString(body: Uint8Array, quote: number, endQuote: number): string | undefined {
  if (endQuote >= body.length) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset + quote, endQuote - quote + 1).toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
