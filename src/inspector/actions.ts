import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decodeBody } from '../journal/index.js';
import { InputError } from '../errors.js';
import { SIGNATURE_HEADER_NAMES } from '../signature/index.js';
import { curlCommand } from '../util/curl.js';
import { httpUrl } from '../util/http-url.js';
import { urlOnOrigin } from '../util/request-target.js';
import type { DeliveryDetail } from './model.js';

/** How a replay is signed: afresh under the same svix-id, afresh under a new one, or with the original headers. */
export type SignatureMode = 'fresh' | 'new-id' | 'original';
export type ReplayTarget = 'listener' | 'forward' | 'url';

export interface ReplayRequest {
  target: ReplayTarget;
  /** With target `url`. */
  url?: string;
  signature: SignatureMode;
  /** An edited body (UTF-8 text): always signed afresh. */
  body?: string;
}

/** What the server injects: signing happens here, with the listener's secret, which never reaches the page. */
export interface ReplaySeams {
  /** Signature headers for a body under an id; undefined when the listener has no secret that can sign. */
  sign?(body: Buffer, id: string | undefined): Record<string, string>;
  listenerUrl(): string | undefined;
  forwardUrl?(eventType: string | undefined): string | undefined;
}

export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What the signature is, in words, for the page. */
  signedAs: string;
}

export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Request headers that belong to the hop (the signature headers are replaced, see SIGNATURE_HEADERS). */
const HOP = /^(host|content-length|connection|keep-alive|transfer-encoding|expect|te|trailer|upgrade)$/;
const SIGNATURE_HEADERS = new Set(SIGNATURE_HEADER_NAMES);

/**
 * The request a replay sends. Re-signing is refused for a delivery that failed verification or was never verified
 * (its bytes were not shown to be the sender's; re-signing them would launder them) unless the user edited the
 * body, which is then theirs.
 */
export function buildReplay(d: DeliveryDetail, request: ReplayRequest, seams: ReplaySeams): OutgoingRequest {
  const edited = request.body !== undefined && request.body !== (d.bodyEncoding === 'utf8' ? d.body : undefined);
  // Its empty body stands for bytes that were not kept: sending it would replay a different request (issue 19 defect 5).
  if (d.bodyKept === false && !edited) throw new ActionError(409, notKept(d));
  const body = edited ? Buffer.from(request.body!, 'utf8') : decodeBody(d);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(d.headers)) if (!HOP.test(name) && !SIGNATURE_HEADERS.has(name)) headers[name] = value;
  headers['content-type'] ??= 'application/json';

  let signedAs: string;
  if (request.signature === 'original') {
    if (edited) throw new ActionError(400, 'an edited body cannot keep its original signature: choose a fresh signature');
    const originals = Object.entries(d.headers).filter(([name]) => SIGNATURE_HEADERS.has(name));
    if (originals.length === 0) throw new ActionError(400, 'this delivery carried no signature headers to resend: choose a fresh signature');
    for (const [name, value] of originals) headers[name] = value;
    signedAs = 'its original headers, byte for byte (a stale timestamp is refused by a verifying receiver)';
  } else {
    if (!seams.sign) throw new ActionError(400, 'the listener has no secret that can sign (it skips verification, or holds a whpk_ public key): replay with the original signature');
    if (d.verified === false && !edited) {
      throw new ActionError(400, 'this delivery failed verification, so it is not re-signed: replay it with its original signature, or edit the body');
    }
    // Never verified (recorded while verification was skipped, or a request the inspector sent elsewhere, whose
    // signature it never checked): its bytes may be anyone's, exactly like a failed one (issue 19 defect 7).
    if (d.verified !== true && !edited) {
      throw new ActionError(400, 'this delivery was never verified (verification was skipped), so it is not re-signed: replay it with its original signature, or edit the body');
    }
    const id = request.signature === 'new-id' ? undefined : d.messageId;
    Object.assign(headers, seams.sign(body, id));
    signedAs = `a fresh signature${request.signature === 'new-id' ? ' under a new svix-id' : ' under the same svix-id'}${edited ? ' over the edited body' : ''}`;
  }
  return { url: targetUrl(d, request, seams), method: d.method === 'GET' || d.method === 'HEAD' ? 'POST' : d.method, headers, body, signedAs };
}

/** Why a delivery's body cannot be replayed, exported or saved: the in-memory history did not keep it. */
export function notKept(d: Pick<DeliveryDetail, 'seq' | 'bodyBytes'>): string {
  return `the body of delivery ${d.seq} (${d.bodyBytes.toLocaleString('en')} bytes) was too large for the in-memory history to keep, so it cannot be replayed or saved from here: record deliveries to a journal to keep every body`;
}

function targetUrl(d: DeliveryDetail, request: ReplayRequest, seams: ReplaySeams): string {
  if (request.target === 'listener') {
    const base = seams.listenerUrl();
    if (!base) throw new ActionError(409, 'the listener is not running');
    // The listener's origin, always, with only the recorded path: never `new URL(d.path, base)`, which lets a
    // recorded `//host:port/x` choose the host (issue 19 defect 1).
    return urlOnOrigin(base, d.path).href;
  }
  if (request.target === 'forward') {
    const url = seams.forwardUrl?.(d.eventType);
    if (!url) throw new ActionError(400, 'the listener has no forward target for this type: replay to the listener or to a URL');
    return url;
  }
  try {
    return httpUrl(request.url ?? '', 'the replay URL', 'http://127.0.0.1:3000/webhooks').href;
  } catch (error) {
    throw error instanceof InputError ? new ActionError(400, error.message) : error;
  }
}

export interface ReplayResult {
  url: string;
  signedAs: string;
  status?: number;
  latencyMs: number;
  headers?: Array<[string, string]>;
  body?: string;
  error?: string;
}

const ANSWER_KEPT = 64 * 1024;
const REPLAY_TIMEOUT_MS = 30_000;

/**
 * Sends with node:http rather than fetch, which would add headers of its own (accept, sec-fetch-mode…) that the
 * original delivery never had and a diff would then show.
 */
export function sendReplay(out: OutgoingRequest): Promise<ReplayResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const url = new URL(out.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const fail = (why: string) => resolve({ url: out.url, signedAs: out.signedAs, latencyMs: elapsed(), error: why });
    const req = send(url, { method: out.method, headers: { ...out.headers, 'content-length': String(out.body.length) }, timeout: REPLAY_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < ANSWER_KEPT) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          url: out.url,
          signedAs: out.signedAs,
          status: res.statusCode,
          latencyMs: elapsed(),
          headers: Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)] as [string, string]),
          body: size > ANSWER_KEPT ? `${text.slice(0, ANSWER_KEPT)}…` : text,
        });
      });
      res.on('error', (error) => fail(error.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REPLAY_TIMEOUT_MS / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code && error.code !== 'ERR_STREAM_DESTROYED' ? `${error.code}: ${error.message}` : error.message));
    req.end(out.body);
  });
}

/** A shell command that sends the same request, in the form `sign --curl` prints. */
export function toCurl(out: OutgoingRequest): string {
  return curlCommand(out);
}

/** HAR 1.2: the deliveries as requests and the listener's answers, for any HAR viewer. */
export function toHar(deliveries: DeliveryDetail[], version: string): object {
  return {
    log: {
      version: '1.2',
      creator: { name: 'scandocs-webhooks inspector', version },
      entries: deliveries.map((d) => {
        const url = `http://${d.headers.host ?? 'localhost'}${d.path}`;
        return {
          startedDateTime: d.receivedAt,
          time: d.latencyMs ?? 0,
          request: {
            method: d.method,
            url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: Object.entries(d.headers).map(([name, value]) => ({ name, value })),
            queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
            postData: { mimeType: d.headers['content-type'] ?? 'application/octet-stream', text: d.body, ...(d.bodyEncoding === 'base64' && { encoding: 'base64' }) },
            headersSize: -1,
            bodySize: d.bodyBytes,
          },
          response: {
            status: d.status,
            statusText: '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            content: { size: -1, mimeType: 'text/plain' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
          },
          cache: {},
          timings: { send: 0, wait: d.latencyMs ?? 0, receive: 0 },
        };
      }),
    },
  };
}
