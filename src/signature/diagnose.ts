/**
 * When no signature matches, the most common cause is a framework that parsed the JSON body and serialized it
 * again before verification. Re-create the usual serializations of the same JSON and report which one the
 * signature was made over, so the user learns to verify the raw bytes.
 */
export function findReserialization(payload: Buffer, matches: (candidate: Buffer) => boolean): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const original = payload.toString('utf8');
  const forms: Array<[string, string]> = [
    ['minified', JSON.stringify(parsed)],
    ['spaced (", " and ": " separators)', stringifySpaced(parsed)],
    ['pretty-printed (2 spaces)', JSON.stringify(parsed, null, 2)],
    ['pretty-printed (4 spaces)', JSON.stringify(parsed, null, 4)],
    ['pretty-printed (tabs)', JSON.stringify(parsed, null, '\t')],
    ['newline-terminated', `${original}\n`],
    ['trimmed', original.trim()],
  ];
  for (const [name, text] of forms) {
    if (text !== original && matches(Buffer.from(text))) return name;
  }
  return undefined;
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
