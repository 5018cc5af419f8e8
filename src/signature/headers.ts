/** The two header families Standard Webhooks verifiers accept: Svix-branded and unbranded. */
export type HeaderFamily = 'svix' | 'webhook';

export type HeaderInput =
  | Record<string, string | string[] | number | undefined>
  | { get(name: string): string | null }
  | Iterable<[string, string]>;

export interface WebhookHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
  /** The family the headers were read from, or undefined when none of the three was present. */
  family?: HeaderFamily;
  /** Every header name present, lower-cased, for diagnosis. */
  names: string[];
}

/**
 * The three header names of each family (id, timestamp, signature), spelled out once rather than built per request:
 * the one list the rest of the code (the inspector's replay, diff and diagnosis included) reads them from.
 */
export const WEBHOOK_HEADER_NAMES = {
  svix: ['svix-id', 'svix-timestamp', 'svix-signature'],
  webhook: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
} as const;

/** All six names, both families. */
export const SIGNATURE_HEADER_NAMES: readonly string[] = [...WEBHOOK_HEADER_NAMES.svix, ...WEBHOOK_HEADER_NAMES.webhook];

/** Lower-cases header names (HTTP names are case-insensitive) and joins repeated values with a space. */
export function normalizeHeaders(input: HeaderInput): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    const key = name.toLowerCase();
    out.set(key, out.has(key) ? `${out.get(key)} ${text}` : text);
  };
  if (typeof (input as { get?: unknown }).get === 'function' && typeof (input as { forEach?: unknown }).forEach === 'function') {
    (input as unknown as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => add(k, v));
  } else if (Symbol.iterator in (input as object)) {
    for (const [k, v] of input as Iterable<[string, string]>) add(k, v);
  } else {
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) add(k, v);
  }
  return out;
}

/**
 * Picks the Svix-branded family when any svix-* header is present, else the unbranded webhook-* one,
 * as the Svix SDKs do. Mixed families are not combined: a partial family is reported as such.
 */
export function readWebhookHeaders(input: HeaderInput): WebhookHeaders {
  const headers = normalizeHeaders(input);
  return pickFamily((name) => headers.get(name), [...headers.keys()]);
}

/**
 * readWebhookHeaders for headers whose names are already lower-cased and whose repeats are already joined, as
 * node's `IncomingMessage.headers` are: it reads the few it needs instead of copying every header into a Map,
 * which a listener would otherwise do on every request.
 */
export function readLowerCaseWebhookHeaders(headers: Readonly<Record<string, string | undefined>>): WebhookHeaders {
  return pickFamily((name) => headers[name], Object.keys(headers));
}

function pickFamily(get: (name: string) => string | undefined, names: string[]): WebhookHeaders {
  const family = WEBHOOK_HEADER_NAMES.svix.some((n) => get(n) !== undefined)
    ? 'svix'
    : WEBHOOK_HEADER_NAMES.webhook.some((n) => get(n) !== undefined)
      ? 'webhook'
      : undefined;
  if (!family) return { names };
  const [id, timestamp, signature] = WEBHOOK_HEADER_NAMES[family];
  return { family, names, id: get(id), timestamp: get(timestamp), signature: get(signature) };
}

/**
 * Parses a raw HTTP header dump (as copied from a log or browser devtools) into name/value pairs. A `curl -v`
 * transcript is read too: its request headers are the `> name: value` lines, and its `<` (response) and `*`
 * (connection) lines are not the delivery's, so they are skipped.
 */
export function parseHeaderDump(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  const curlVerbose = lines.some((line) => /^> \S/.test(line));
  for (const rawLine of lines) {
    if (curlVerbose && !rawLine.startsWith('> ')) continue;
    const line = (curlVerbose ? rawLine.slice(2) : rawLine).trim();
    if (line === '' || /^(POST|GET|PUT|PATCH|DELETE|HTTP\/)/i.test(line)) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return pairs;
}
