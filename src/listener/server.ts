import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InputError } from '../errors.js';
import { formatSize } from '../util/size.js';
import { requestPath } from '../util/request-target.js';

/** A request read whole, body bytes untouched. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Names lower-cased; repeated headers joined as node joins them. */
  headers: Record<string, string>;
  /** Names and values as received, alternating, for byte-exact forwarding. */
  rawHeaders: string[];
  body: Buffer;
  /** Epoch ms when the request's headers arrived. */
  receivedAt: number;
  /** performance.now() at that moment, for latencies as precise as the answer's (Answer.onSent). */
  arrivedAt: number;
}

export interface Answer {
  status: number;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
  /** Called once the answer is written to the socket (or the sender has hung up), with the time since the request arrived. */
  onSent?(sent: { latencyMs: number; senderGone: boolean }): void;
}

/** A request refused before it could be handled as a delivery. */
export interface Rejection {
  reason: 'body-too-large' | 'headers-too-large' | 'timeout' | 'malformed-request' | 'aborted' | 'method-not-allowed' | 'upgrade-refused';
  receivedAt: number;
  method?: string;
  path?: string;
  /** The status answered; absent when the client went away and nothing could be answered. */
  status?: number;
  message: string;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Answers a request read whole: at once, or later (the app answered, a delay passed, the journal was written). */
  handle(request: ReceivedRequest): Answer | Promise<Answer>;
  onRejected(rejection: Rejection): void;
  /** A failure of the handler itself; the request is answered 500 and the server keeps serving. */
  onHandlerError(error: unknown): void;
  /** Whole-request deadline, so a client that stalls mid-body cannot hold a connection forever. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  now?(): number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then drops the remaining connections. */
  close(graceMs: number): Promise<void>;
}

interface InFlight {
  method: string;
  path: string;
  receivedAt: number;
  /** Set once someone (the body reader or the timeout) has reported this request, so it is reported once. */
  settled: boolean;
}

/** Starts the HTTP endpoint. Port in use and similar start-up problems are InputErrors; after that it never throws. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  const inFlight = new WeakMap<Socket, InFlight>();
  // Each connection's latest response: a malformed request pipelined behind others gets its 400 once this one has
  // gone out, since node writes a connection's responses in order (issue 19 defect 6).
  const lastResponse = new WeakMap<Socket, ServerResponse>();
  let active = 0;
  let idle: (() => void) | undefined;

  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      // Check deadlines every second instead of node's default 30 s, so a stalled client gets its 408 on time.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => serve(req, res),
  );

  // Callbacks rather than async functions: this runs for every request, and each await is a trip through the
  // promise queue.
  function serve(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const info: InFlight = { method: req.method ?? 'GET', path: requestPath(req.url ?? '/'), receivedAt: now(), settled: false };
    inFlight.set(req.socket, info);
    lastResponse.set(req.socket, res);
    active++;
    if (isWebSocketUpgrade(req)) {
      // Without an 'upgrade' listener node hands it over as a plain request; it is answered as what it is (issue 19).
      return refuse(req, res, info, 400, 'upgrade-refused', 'a WebSocket upgrade: this endpoint takes webhooks as plain HTTP POSTs and does not switch protocols');
    }
    readBody(req, res, info, (body) => {
      if (!body) return done(req, info);
      let answer: Answer | Promise<Answer>;
      try {
        answer = options.handle({ method: info.method, path: info.path, headers: flatHeaders(req), rawHeaders: req.rawHeaders, body, receivedAt: info.receivedAt, arrivedAt: started });
      } catch (error) {
        answer = Promise.reject(error);
      }
      if (!(answer instanceof Promise)) return queueReply(req, res, info, started, answer);
      answer.then(
        (given) => reply(req, res, info, started, given),
        (error) => {
          options.onHandlerError(error);
          reply(req, res, info, started, { status: 500, body: 'internal error in the listener; see its output\n' });
        },
      );
    });
  }

  // Answers known at once leave together at the end of the loop turn: written one by one, interleaved with
  // reading the next requests, each costs far more kernel time (measured with bench/listen.js: plain listen
  // spent more in writev than --record, whose journal batch already answers together). Answers that come later (the
  // journal written, the app answered, a delay passed) are written as soon as they come, already together.
  // Node writes a connection's responses in request order whenever each is ended, so pipelining holds; `active`
  // counts a queued answer until it is written, so close() waits for it.
  let queued: Array<[IncomingMessage, ServerResponse, InFlight, number, Answer]> = [];
  function queueReply(req: IncomingMessage, res: ServerResponse, info: InFlight, started: number, answer: Answer): void {
    info.settled = true;
    if (queued.length === 0) setImmediate(flushReplies);
    queued.push([req, res, info, started, answer]);
  }
  function flushReplies(): void {
    const batch = queued;
    queued = [];
    for (const [req, res, info, started, answer] of batch) reply(req, res, info, started, answer);
  }

  function reply(req: IncomingMessage, res: ServerResponse, info: InFlight, started: number, answer: Answer): void {
    info.settled = true;
    send(res, answer, started);
    done(req, info);
  }

  function done(req: IncomingMessage, info: InFlight): void {
    // The next request on a kept-alive connection must not be mistaken for this one.
    if (inFlight.get(req.socket) === info) inFlight.delete(req.socket);
    if (--active === 0) idle?.();
  }

  /** Answers a request that is not a delivery with `status`, reports it, and closes the connection after it. */
  function refuse(req: IncomingMessage, res: ServerResponse, info: InFlight, status: number, reason: Rejection['reason'], message: string): void {
    info.settled = true;
    const text = `${message}\n`;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
    options.onRejected({ reason, receivedAt: info.receivedAt, method: info.method, path: info.path, status, message });
    done(req, info);
  }

  /** Reads the body up to the limit, then calls back once: with the body, or undefined after an overflow or abort. */
  function readBody(req: IncomingMessage, res: ServerResponse, info: InFlight, callback: (body: Buffer | undefined) => void): void {
    let calledBack = false;
    const reject = (reason: Rejection['reason'], message: string, status?: number) => {
      // A request the server's clientError handler already reported (a timeout) still calls back, once.
      if (!info.settled) options.onRejected({ reason, receivedAt: info.receivedAt, method: info.method, path: info.path, status, message });
      info.settled = true;
      if (!calledBack) callback(undefined);
      calledBack = true;
    };
    const tooLarge = (size: string) => {
      const message = `body ${size} is over the ${formatSize(options.maxBodyBytes)} limit`;
      const text = `${message}\n`;
      // Close the connection after answering: the rest of an oversized body is not worth reading.
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
      reject('body-too-large', message, 413);
    };
    const declared = Number(req.headers['content-length']);
    if (declared > options.maxBodyBytes) return tooLarge(`of ${formatSize(declared)}`);

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (info.settled) return;
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        chunks.length = 0;
        tooLarge(`of more than ${formatSize(options.maxBodyBytes)}`);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (info.settled || calledBack) return;
      calledBack = true;
      callback(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // No 'error' listener: node emits an aborted request's error only to listeners, and 'close' reports it.
    req.on('close', () => {
      if (!req.complete) reject('aborted', `the client went away after sending ${formatSize(size)} of the body; nothing was answered`);
    });
  }

  function send(res: ServerResponse, answer: Answer, started: number): void {
    const report = (senderGone: boolean) => answer.onSent?.({ latencyMs: Math.round((performance.now() - started) * 10) / 10, senderGone });
    // The request's socket, not res.socket: a pipelined response queued behind an earlier one has no socket yet,
    // though its sender is still there waiting for it (node writes queued responses in order).
    if (res.destroyed || res.req.socket.destroyed) return report(true);
    const body = answer.body ?? '';
    const raw: string[] = [];
    let typed = false;
    for (const [name, value] of answer.headers ?? []) {
      const lower = name.toLowerCase();
      if (lower === 'content-length') continue;
      typed ||= lower === 'content-type';
      raw.push(name, value);
    }
    if (!typed) raw.push('content-type', 'text/plain; charset=utf-8');
    // An explicit length keeps the answer in one write; without it node would switch to chunked encoding.
    raw.push('content-length', String(Buffer.byteLength(body)));
    try {
      res.writeHead(answer.status, raw);
      res.end(body);
    } catch (error) {
      options.onHandlerError(error);
      res.destroy();
    }
    // Reported once handed to the socket rather than from a 'close' listener per response, which costs a
    // listener and a tick on every delivery; a connection that breaks after this is not noticed.
    report(res.destroyed);
  }

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const last = lastResponse.get(socket);
    // The error is the in-flight request's only while that request is still being read; after it was read whole,
    // the error is a new request's, pipelined behind it (issue 19 defect 6).
    const info = last?.req.complete ? undefined : inFlight.get(socket);
    const code = error.code ?? '';
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      // The client went away. A request it was sending is reported by its body reader; one cut off in its
      // headers has no reader, so it is reported here.
      if (code === 'HPE_INVALID_EOF_STATE' && !info) {
        options.onRejected({ reason: 'aborted', receivedAt: now(), message: 'the client went away in the middle of its request headers; nothing was answered' });
      }
      socket.destroy();
      return;
    }
    const [status, reason, message] =
      code === 'HPE_HEADER_OVERFLOW'
        ? ([431, 'headers-too-large', 'request headers are over the 16 KiB limit'] as const)
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ([408, 'timeout', info ? 'the client did not finish sending the body in time' : 'the client did not finish sending its headers in time'] as const)
          : ([400, 'malformed-request', `malformed HTTP request (${code || error.message})`] as const);
    if (!info?.settled) {
      options.onRejected({ reason, status, message, receivedAt: info?.receivedAt ?? now(), method: info?.method, path: info?.path });
      if (info) info.settled = true;
    }
    const text = `${message}\n`;
    const answer = () => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      socket.destroySoon();
    };
    // Requests read whole before the bad one are answered first, in order: a 400 written straight away would be
    // taken by the client as the answer to its first request. Only the last response is waited for: it leaves
    // after all the others.
    if (!info && last && !last.writableFinished && !last.destroyed) {
      let answered = false;
      const once = () => {
        if (answered) return;
        answered = true;
        if (socket.writable) answer();
        else socket.destroy();
      };
      last.once('finish', once);
      last.once('close', once);
    } else answer();
  });

  // node hands a CONNECT to this event alone, and closes it in silence when nobody listens: it is answered and
  // reported instead, as any request is (issue 19).
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    // The socket has left node's HTTP handling: an error on it (the client resetting) must not crash the listener.
    socket.on('error', () => socket.destroy());
    const message = 'CONNECT is not allowed: this endpoint is not a proxy; webhooks are POSTs';
    options.onRejected({ reason: 'method-not-allowed', receivedAt: now(), method: 'CONNECT', path: req.url ?? '', status: 405, message });
    const text = `${message}\n`;
    socket.end(
      `HTTP/1.1 405 ${STATUS_CODES[405]}\r\nallow: POST, GET, HEAD\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
    socket.destroySoon();
  });

  await listen(server, options.host, options.port, options.onHandlerError);
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    host: address.address,
    port: address.port,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active > 0) {
        // A timer that keeps the process alive: requests in flight are waited for even after Ctrl-C (issue 11).
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(server: Server, host: string, port: number, onError: (error: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new InputError('port-in-use', `port ${port} is in use: listen on port 0 for any free port, or stop the other process`, { port }));
      } else if (error.code === 'EACCES') {
        reject(new InputError('port-not-allowed', `not allowed to listen on port ${port}: ports below 1024 need privileges, use e.g. port 4000`, { port }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
        reject(new InputError('usage', `cannot listen on host ${host}: it is not an address of this machine (the default is 127.0.0.1)`));
      } else {
        reject(error);
      }
    });
    server.listen(port, host, () => {
      // Once bound, a server error (such as running out of file descriptors) is reported, never a crash.
      server.removeAllListeners('error');
      server.on('error', onError);
      resolve();
    });
  });
}

/** `Upgrade: websocket` (a list of protocols may name it among others). */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return upgrade !== undefined && /(^|[\s,])websocket([\s,/]|$)/i.test(upgrade);
}

/**
 * node's lower-cased headers as strings. node joins every repeated header into one string but set-cookie, which it
 * always keeps as an array: that one is joined here, the way node joins the others.
 */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers = req.headers;
  const cookies = headers['set-cookie'];
  if (cookies) (headers as Record<string, string>)['set-cookie'] = cookies.join(', ');
  return headers as Record<string, string>;
}
