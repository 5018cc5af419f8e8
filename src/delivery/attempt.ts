import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
// Only the Agent: undici's index also loads fetch, WebSocket, mocks and caches, which more than doubles the
// time `trigger` takes to start (measured ~250 ms against ~110 ms on the 2-core CI machine).
import Agent from 'undici/lib/dispatcher/agent.js';
import { formatDuration } from '../util/duration.js';

/** One HTTP POST of a signed webhook, exactly as given: no header is added, no redirect followed. */
export interface AttemptRequest {
  url: string;
  /** POST, the only method a delivery uses; `check` also sends a GET to see whether the app still answers. */
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** Sent instead of `body`, in the writes it yields (check cuts a character in two across writes). */
  stream?: Readable;
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
 * Past this many bytes the rest of a response is not read: the connection is aborted instead of drained, so a
 * runaway endpoint costs a reconnect rather than unbounded reading.
 */
const DRAIN_LIMIT = 1024 * 1024;

/**
 * A keep-alive Agent: one connection pool per origin, reused across attempts and messages. `connections` caps
 * the pool (check sends one request at a time over a single connection).
 */
export function createDeliveryAgent(options: { connections?: number } = {}): Dispatcher {
  return new Agent({ keepAliveTimeout: 10_000, ...options });
}

let sharedAgent: Dispatcher | undefined;

/**
 * Sends one delivery attempt and never throws for a network problem: a refused connection, a DNS failure, a TLS
 * error, a timeout or a reset is a failed attempt with its cause, as production counts it.
 *
 * Pass an undici Agent to reuse keep-alive connections (one pool per origin); a shared one otherwise. The
 * response body is always read to its end (or the exchange aborted past 1 MiB) so the connection goes back to its
 * pool. It drives undici's dispatch() directly: no stream or AbortSignal per attempt, which matters when a run
 * sends thousands of events from a process that has no time to warm up.
 */
export function attemptDelivery(attempt: AttemptRequest, dispatcher?: Dispatcher): Promise<AttemptResult> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  const url = parseUrl(attempt.url);
  if (!url) return Promise.resolve({ kind: 'error', ok: false, cause: 'other', message: `invalid URL "${attempt.url}"`, latencyMs: 0 });

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let response: { status: number; headers: Record<string, string> } | undefined;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let readBytes = 0;

    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const respond = () =>
      settle({
        kind: 'response',
        ok: response!.status >= 200 && response!.status < 300,
        status: response!.status,
        headers: response!.headers,
        body: Buffer.concat(kept).toString('utf8'),
        latencyMs: latency(),
      });
    // The deadline settles the attempt at once, even while undici is still connecting or queued.
    const timer = setTimeout(() => {
      settle({ kind: 'error', ok: false, cause: 'timeout', message: `no complete response within ${formatDuration(attempt.timeoutMs)}`, latencyMs: latency() });
      controller?.abort(new Error('attempt timed out'));
    }, attempt.timeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(new Error('attempt timed out'));
      },
      onResponseStart(_controller, statusCode, headers) {
        // 1xx answers (100 Continue) come before the real one.
        if (statusCode >= 200) response = { status: statusCode, headers: flattenHeaders(headers) };
      },
      onResponseData(active, chunk) {
        readBytes += chunk.length;
        if (keptBytes < RESPONSE_BODY_LIMIT) {
          const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (readBytes > DRAIN_LIMIT) {
          respond();
          active.abort(new Error('response body over 1 MiB: not drained'));
        }
      },
      onResponseEnd() {
        if (response) respond();
        else settle({ kind: 'error', ok: false, cause: 'other', message: 'the response ended without a status', latencyMs: latency() });
      },
      onResponseError(_controller, error) {
        settle({ kind: 'error', ok: false, cause: classifyNetworkError(error), message: describeNetworkError(error), latencyMs: latency() });
      },
    };

    try {
      (dispatcher ?? (sharedAgent ??= createDeliveryAgent())).dispatch(
        {
          origin: url.origin,
          path: url.path,
          method: attempt.method ?? 'POST',
          headers: attempt.headers,
          body: attempt.method === 'GET' ? null : (attempt.stream ?? attempt.body),
          // undici's own per-phase timers default to 300 s; the timer above bounds the whole exchange.
          headersTimeout: attempt.timeoutMs,
          bodyTimeout: attempt.timeoutMs,
        },
        handler,
      );
    } catch (error) {
      settle({ kind: 'error', ok: false, cause: 'other', message: describeNetworkError(error), latencyMs: latency() });
    }
  });
}

let lastUrl: { href: string; parsed: { origin: string; path: string } | undefined } | undefined;

/** Origin and path of an endpoint URL, remembered for the next call: a batch sends every attempt to one URL. */
function parseUrl(href: string): { origin: string; path: string } | undefined {
  if (lastUrl?.href !== href) {
    let parsed: { origin: string; path: string } | undefined;
    try {
      const url = new URL(href);
      parsed = { origin: url.origin, path: `${url.pathname}${url.search}` };
    } catch {
      parsed = undefined;
    }
    lastUrl = { href, parsed };
  }
  return lastUrl.parsed;
}

/** undici's response headers (names already lower-cased), a repeated header joined as one value. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
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
