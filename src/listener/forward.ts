import { connect } from 'node:net';
import type { Agent } from 'undici';
import { InputError } from '../errors.js';
import { formatDuration } from '../util/duration.js';

/** What the listener received, to pass on unchanged. */
export interface ForwardRequest {
  method: string;
  /** Header names and values as received, alternating (node's `rawHeaders`), in the original order and case. */
  rawHeaders: readonly string[];
  body: Buffer;
}

export interface ForwardResult {
  url: string;
  /** The app's status; absent when it could not be reached or did not answer in time. */
  status?: number;
  latencyMs: number;
  error?: string;
  /**
   * `unreachable` (refused, DNS), `reset` (the app cut the connection without an answer), `not-http` (it answered
   * bytes that are not HTTP) and `failed` are answered 502 to the sender, `timeout` 504.
   */
  errorKind?: 'unreachable' | 'timeout' | 'reset' | 'not-http' | 'failed';
  /** The start of the app's response body (at most RESPONSE_BODY_KEPT bytes) and its content type. */
  body?: Buffer;
  contentType?: string;
  /** The app's response headers worth relaying to the sender (content-type, retry-after, webhook-delivery…). */
  headers?: Array<[string, string]>;
}

export interface Forwarder {
  forward(url: URL, request: ForwardRequest): Promise<ForwardResult>;
  /** Closes idle connections to the apps; `force` also aborts forwards still running. */
  close(force?: boolean): Promise<void>;
}

/** How much of the app's answer is kept, shown and relayed to the sender. */
export const RESPONSE_BODY_KEPT = 64 * 1024;

/**
 * Connection-level headers describe the hop between sender and listener, not the message; a proxy must not pass
 * them on (RFC 9110 §7.6.1). `host` and `content-length` are set again by the client for the new hop, to the
 * app's host and the same length.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'host', 'content-length']);

/** `timeoutMs` 0 waits for the app forever (for stepping through a handler in a debugger). */
export async function createForwarder(options: { timeoutMs: number }): Promise<Forwarder> {
  // undici loads only when deliveries are forwarded.
  const { Agent, request } = await import('undici');
  const agent: Agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
  return {
    async forward(url, incoming) {
      const started = performance.now();
      const controller = new AbortController();
      const timer = options.timeoutMs > 0 ? setTimeout(() => controller.abort(), options.timeoutMs) : undefined;
      const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const response = await request(url, {
          method: incoming.method as 'POST',
          headers: passedHeaders(incoming.rawHeaders),
          body: incoming.body,
          dispatcher: agent,
          signal: controller.signal,
        });
        const body = await readStart(response.body, RESPONSE_BODY_KEPT);
        const headers = relayedHeaders(response.headers);
        const contentType = headers.find(([name]) => name === 'content-type')?.[1];
        return { url: url.href, status: response.statusCode, latencyMs: elapsed(), body, contentType, headers };
      } catch (error) {
        if (controller.signal.aborted) {
          return { url: url.href, latencyMs: elapsed(), errorKind: 'timeout', error: `no answer within ${formatDuration(options.timeoutMs)}` };
        }
        return { url: url.href, latencyMs: elapsed(), ...describeFailure(error, url) };
      } finally {
        clearTimeout(timer);
      }
    },
    async close(force = false) {
      await (force ? agent.destroy() : agent.close());
    },
  };
}

/**
 * Checks at start that something accepts connections at each forward URL, so a typo in the port is one clear
 * line instead of a 502 on every delivery. Only a TCP connection is opened: no request reaches the app.
 */
export async function probeForwardTarget(url: URL, timeoutMs = 3_000): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const failure = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no connection within ${formatDuration(timeoutMs)}`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(describeFailure(error, url).error));
  });
  if (failure) {
    throw new InputError('unreachable-forward', `the forward target ${url.href} is unreachable: ${failure} (start your app first, or fix the URL)`, { url: url.href, failure });
  }
}

function passedHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i]!.toLowerCase())) out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return out;
}

/** The app's answer headers minus those that describe its connection or its full body, which is cut short. */
function relayedHeaders(headers: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'date') continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

async function readStart(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  // Read to the end even past the limit, so the connection to the app can be reused.
  for await (const chunk of body) {
    if (kept < limit) {
      const part = chunk.subarray(0, limit - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return Buffer.concat(chunks);
}

function describeFailure(error: unknown, url: URL): { errorKind: 'unreachable' | 'reset' | 'not-http' | 'failed'; error: string } {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code;
  // undici's parser error carries no code: what the app sent back is not an HTTP response (issue 19).
  if (err.name === 'HTTPParserError' || code?.startsWith('HPE_')) {
    return { errorKind: 'not-http', error: `the answer is not an HTTP/1.1 response (${err.message.replace(/^Response does not match the HTTP\/1\.1 protocol \((.*)\)$/, '$1')})` };
  }
  const where = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return { errorKind: 'unreachable', error: `connection refused: nothing is listening on ${where}, is your app running?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { errorKind: 'unreachable', error: `host ${url.hostname} not found` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { errorKind: 'unreachable', error: `${where} is unreachable (${code})` };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { errorKind: 'unreachable', error: `could not connect to ${where} in time` };
    // A reset or a close before any answer is the app (or whatever listens there) failing, not an absent app: it
    // was reached (issue 19).
    case 'ECONNRESET':
      return { errorKind: 'reset', error: 'the connection was reset before any answer (ECONNRESET)' };
    case 'UND_ERR_SOCKET':
      return { errorKind: 'reset', error: 'the connection was closed before any answer' };
    default:
      return { errorKind: 'failed', error: err.message || String(error) };
  }
}
