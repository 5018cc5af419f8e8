import { request, type Dispatcher } from 'undici';
import { formatDuration } from '../util/duration.js';

/** One HTTP POST of a signed webhook, exactly as given: no header is added, no redirect followed. */
export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** Covers the whole exchange: connecting, the response headers and the response body. */
  timeoutMs: number;
}

export type AttemptResult =
  | {
      kind: 'response';
      /** A 2xx: the only answer Svix counts as delivered (3xx included, everything else is a failed attempt). */
      ok: boolean;
      status: number;
      headers: Record<string, string>;
      /** The first 64 KiB of the response body, decoded as UTF-8. */
      body: string;
      latencyMs: number;
    }
  | { kind: 'error'; ok: false; cause: AttemptErrorCause; message: string; latencyMs: number };

export type AttemptErrorCause = 'refused' | 'dns' | 'tls' | 'timeout' | 'reset' | 'other';

/** How much of a response body is kept for the report: enough for any error page, bounded for any endpoint. */
export const RESPONSE_BODY_LIMIT = 64 * 1024;
/**
 * Past this many bytes the rest of a response is not read: the connection is destroyed instead of drained, so a
 * runaway endpoint costs a reconnect rather than unbounded reading.
 */
const DRAIN_LIMIT = 1024 * 1024;

/**
 * Sends one delivery attempt and never throws for a network problem: a refused connection, a DNS failure, a TLS
 * error, a timeout or a reset is a failed attempt with its cause, as production counts it.
 *
 * Pass an undici Agent to reuse keep-alive connections (one pool per origin); the global dispatcher otherwise.
 * The response body is always read to the end (or destroyed past 1 MiB) so the connection goes back to its pool.
 */
export async function attemptDelivery(attempt: AttemptRequest, dispatcher?: Dispatcher): Promise<AttemptResult> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), attempt.timeoutMs);
  try {
    const response = await request(attempt.url, {
      method: 'POST',
      headers: attempt.headers,
      body: attempt.body,
      dispatcher,
      signal: controller.signal,
      // undici's own per-phase timers default to 300 s; the abort signal above bounds the whole exchange.
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
    });
    const body = await readBounded(response.body);
    return {
      kind: 'response',
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body,
      latencyMs: latency(),
    };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    const cause = timedOut ? 'timeout' : classifyNetworkError(error);
    const message = timedOut ? `no complete response within ${formatDuration(attempt.timeoutMs)}` : describeNetworkError(error);
    return { kind: 'error', ok: false, cause, message, latencyMs: latency() };
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the first RESPONSE_BODY_LIMIT bytes and drains the rest, up to DRAIN_LIMIT. */
async function readBounded(body: AsyncIterable<Buffer>): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  for await (const chunk of body) {
    readBytes += chunk.length;
    if (keptBytes < RESPONSE_BODY_LIMIT) {
      const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    // Leaving the loop destroys the stream (and its socket): cheaper than reading an endless response.
    if (readBytes > DRAIN_LIMIT) break;
  }
  return Buffer.concat(kept).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Maps Node's and undici's error codes to the causes a user reasons about. */
export function classifyNetworkError(error: unknown): AttemptErrorCause {
  const code = errorCode(error);
  if (!code) return 'other';
  if (code === 'ECONNREFUSED') return 'refused';
  if (DNS_CODES.has(code)) return 'dns';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (RESET_CODES.has(code)) return 'reset';
  if (/^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|EPROTO/.test(code)) return 'tls';
  return 'other';
}

/** The innermost error's code: undici wraps socket errors, and Happy Eyeballs reports an AggregateError. */
function errorCode(error: unknown): string | undefined {
  const inner = innermost(error);
  return typeof (inner as { code?: unknown })?.code === 'string' ? (inner as { code: string }).code : undefined;
}

function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else if (current instanceof Error && current.cause !== undefined && !(current as { code?: unknown }).code) current = current.cause;
    else break;
  }
  return current;
}

function describeNetworkError(error: unknown): string {
  const inner = innermost(error);
  const text = (inner instanceof Error ? inner.message : String(inner)).replace(/\s+/g, ' ').trim();
  // OpenSSL messages are "<hex>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:"; keep the reason.
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(text);
  if (openssl) return `TLS handshake failed: ${openssl[1]}${/wrong version number/.test(text) ? ' (is the endpoint plain http?)' : ''}`;
  return text || 'the request failed';
}
