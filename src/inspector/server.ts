import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PRODUCTION_DELAYS_MS } from '../delivery/schedule.js';
import { InputError } from '../errors.js';
import type { DeliveryReport } from '../listener/reports.js';
import { encodeBody } from '../journal/index.js';
import { ActionError, buildReplay, notKept, sendReplay, toCurl, toHar, type ReplayRequest, type ReplaySeams } from './actions.js';
import { diffDeliveries } from './diff.js';
import { explainFailure } from './explain.js';
import { History, type HistoryFilter } from './history.js';
import { toJournalRecord, type DeliveryDetail, type DeliverySummary } from './model.js';
import { allowedHosts, cookieName, newToken, originAllowed, pageToken, requestToken, sameToken, SECURITY_HEADERS } from './security.js';

export const DEFAULT_INSPECT_PORT = 4040;
/** With the default port taken, this many following ports are tried before any free one. */
const NEXT_PORTS = 20;
const HEARTBEAT_MS = 15_000;
const PAGE_LIMIT_MAX = 500;
const POST_BYTES_MAX = 4 * 1024 * 1024;
/** A page that stops reading its event stream is dropped rather than buffered without bound. */
const SSE_BACKLOG_MAX = 4 * 1024 * 1024;

export interface InspectorOptions {
  /** 0 picks any free port. */
  port: number;
  /** When the port is taken, try the next ones (the default port); otherwise a taken port is an InputError. */
  nextFreePort?: boolean;
  /** Ports never to take, such as the webhook port: a tunnel to it must never publish this page. */
  avoidPorts?: number[];
  /** The listener's journal: its past deliveries are shown, and details are read back from it. */
  journalPath?: string;
  replay: ReplaySeams;
  /** For HAR's creator field. */
  version?: string;
  heartbeatMs?: number;
  token?: string;
  /** Bounds of the in-memory history (tests and benches). */
  capacity?: number;
}

export interface Inspector {
  /** The page's URL, with the token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  history: History;
  /** Hands over one delivery report: O(1), and nothing more while no page is open. */
  add(report: DeliveryReport): void;
  close(): Promise<void>;
}

const PAGE_DIR = new URL('../../src/inspector/page/', import.meta.url);
const STATIC: Record<string, { file: URL; type: string }> = {
  '/': { file: new URL('index.html', PAGE_DIR), type: 'text/html; charset=utf-8' },
  '/app.js': { file: new URL('app.js', PAGE_DIR), type: 'text/javascript; charset=utf-8' },
  '/view.js': { file: new URL('view.js', PAGE_DIR), type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: new URL('style.css', PAGE_DIR), type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: new URL('favicon.svg', PAGE_DIR), type: 'image/svg+xml' },
  // Preact and htm in one ES module, served from their npm package as installed.
  '/vendor/htm-preact.js': { file: new URL('standalone.module.js', import.meta.resolve('htm/preact/standalone')), type: 'text/javascript; charset=utf-8' },
};

/** Starts the inspector's HTTP server on 127.0.0.1: the page, its JSON API and its event stream. */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const token = options.token ?? newToken();
  /**
   * This run of the inspector. Its numbers (seq) start again at each start of the listener, so a page that
   * reconnects after a restart is told to start again from the list, not to resume after its last seq (issue 23).
   */
  const instance = randomBytes(9).toString('base64url');
  const history = new History({ journalPath: options.journalPath, capacity: options.capacity });
  const clients = new Set<ServerResponse>();
  const files = new Map<string, Buffer>();
  let heartbeat: NodeJS.Timeout | undefined;
  let syncSoon: NodeJS.Immediate | undefined;
  /** Journal mode: lists the lines written since the last look, and tells the open pages. */
  const catchUp = async () => {
    try {
      for (const summary of await history.sync()) broadcast(summary);
    } catch {
      // A journal that cannot be read right now (moved, truncated) leaves the list as it is: the page must never
      // take the listener down.
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: `internal error: ${(error as Error)?.message ?? String(error)}` });
      else res.destroy();
    });
  });
  const port = await listenOnFreePort(server, options);
  // Once bound, a server error (out of file descriptors, say) must not crash the listener beside it.
  server.on('error', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());
  const hosts = allowedHosts(port);
  const origin = `http://127.0.0.1:${port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hosts.has(req.headers.host ?? '')) {
      return sendText(res, 403, 'refused: this page answers only to 127.0.0.1 or localhost (the Host header names another site)\n');
    }
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const authorized = sameToken(requestToken(req, port), token);

    if (method === 'GET' && path === '/') {
      if (url.searchParams.has('token')) {
        if (!sameToken(pageToken(url), token)) return sendText(res, 401, 'refused: the token in this URL is not this inspector’s (open the URL listen printed)\n');
        // Trade the token in the URL for a cookie, and drop it from the address bar and the history.
        res.setHeader('set-cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
        res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'cache-control': 'no-store' });
        return void res.end();
      }
      if (!authorized) return sendText(res, 401, 'refused: open the inspector URL that listen printed (it carries the token)\n');
      return sendFile(res, '/');
    }
    if (method === 'GET' && STATIC[path] && path !== '/') return sendFile(res, path);
    if (!path.startsWith('/api/')) return sendText(res, 404, 'not found\n');
    if (!authorized) {
      const inUrl = url.searchParams.has('token') ? ' (a ?token= in an API URL is not accepted: it would be logged)' : '';
      return send(res, 401, { error: `missing or wrong token${inUrl}: open the URL listen printed, or send Authorization: Bearer <token>` });
    }
    await catchUp();

    if (method === 'POST') {
      if (!originAllowed(req, hosts)) return send(res, 403, { error: 'refused: a POST from another origin' });
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'send the action as application/json' });
      const input = await readJson(req);
      if (input === undefined) return send(res, 400, { error: 'the request body is not a JSON object' });
      const action = /^\/api\/deliveries\/(\d+)\/(replay|curl)$/.exec(path);
      if (!action) return send(res, 404, { error: 'no such action' });
      return act(res, Number(action[1]), action[2] as 'replay' | 'curl', input);
    }
    if (method !== 'GET') return send(res, 405, { error: 'only GET and POST' });

    if (path === '/api/info') return send(res, 200, info());
    if (path === '/api/deliveries') {
      const limit = clamp(Number(url.searchParams.get('limit') ?? 100), 1, PAGE_LIMIT_MAX);
      const before = Number(url.searchParams.get('before') ?? Number.POSITIVE_INFINITY);
      const page = history.list(filterOf(url), limit, Number.isFinite(before) ? before : Number.POSITIVE_INFINITY);
      return send(res, 200, { ...page, lastSeq: history.lastSeq, held: history.size, capacity: history.capacity, instance });
    }
    if (path === '/api/events') return openStream(req, res, url);
    if (path === '/api/diff') {
      const a = history.detail(Number(url.searchParams.get('a')));
      const b = history.detail(Number(url.searchParams.get('b')));
      if (!a || !b) return send(res, 404, { error: 'one of the two deliveries is no longer in the history' });
      return send(res, 200, diffDeliveries(a, b));
    }
    if (path === '/api/export.jsonl' || path === '/api/export.har') return exportShown(res, url, path.endsWith('.har'));
    const one = /^\/api\/deliveries\/(\d+)(\/fixture)?$/.exec(path);
    if (one) {
      const detail = history.detail(Number(one[1]));
      if (!detail) return send(res, 404, { error: `delivery ${one[1]} is not in the history (it holds the last ${history.capacity})` });
      if (one[2]) return detail.bodyKept === false ? send(res, 409, { error: notKept(detail) }) : sendFixture(res, detail);
      return send(res, 200, describe(detail));
    }
    return send(res, 404, { error: 'no such endpoint' });
  }

  function info(): object {
    return {
      instance,
      listenerUrl: options.replay.listenerUrl(),
      canSign: options.replay.sign !== undefined,
      forwards: options.replay.forwardUrl !== undefined,
      history: {
        kind: options.journalPath ? 'journal' : 'memory',
        journal: options.journalPath,
        capacity: history.capacity,
        ...(history.memoryBytes !== undefined && { bytes: history.memoryBytes }),
        loadedFromJournal: history.loadedFromJournal,
      },
      held: history.size,
      lastSeq: history.lastSeq,
      types: history.types(),
    };
  }

  /** A delivery with what the page lays out: the diagnosis, and the message's attempts as a timeline. */
  function describe(detail: DeliveryDetail): object {
    const attempts = detail.messageId ? history.attemptsOf(detail.messageId) : [detail];
    let previous: number | undefined;
    let production = 0;
    const timeline = attempts.map((a, index) => {
      const at = Date.parse(a.receivedAt);
      if (index > 0) production += PRODUCTION_DELAYS_MS[Math.min(index, PRODUCTION_DELAYS_MS.length - 1)]!;
      const entry = { ...pick(a), gapMs: previous === undefined ? undefined : at - previous, productionOffsetMs: index < PRODUCTION_DELAYS_MS.length ? production : undefined };
      previous = at;
      return entry;
    });
    return { ...detail, diagnosis: explainFailure(detail), timeline, forwardTarget: options.replay.forwardUrl?.(detail.eventType) };
  }

  async function act(res: ServerResponse, seq: number, action: 'replay' | 'curl', input: Record<string, unknown>): Promise<void> {
    const detail = history.detail(seq);
    if (!detail) return send(res, 404, { error: `delivery ${seq} is not in the history` });
    const request: ReplayRequest = {
      target: input.target === 'forward' || input.target === 'url' ? input.target : 'listener',
      url: typeof input.url === 'string' ? input.url : undefined,
      signature: input.signature === 'new-id' || input.signature === 'original' ? input.signature : 'fresh',
      body: typeof input.body === 'string' ? input.body : undefined,
    };
    let out;
    try {
      out = buildReplay(detail, request, options.replay);
    } catch (error) {
      if (error instanceof ActionError) return send(res, error.status, { error: error.message });
      throw error;
    }
    if (action === 'curl') return send(res, 200, { command: toCurl(out), signedAs: out.signedAs });
    const result = await sendReplay(out);
    if (request.target === 'listener') return send(res, 200, { result });
    // Sent elsewhere, the replay is listed too, with the answer it got.
    const sent = history.addDetail((newSeq) => ({
      seq: newSeq,
      source: 'replay',
      receivedAt: new Date().toISOString(),
      method: out.method,
      path: new URL(out.url).pathname,
      eventType: detail.eventType,
      eventId: detail.eventId,
      messageId: out.headers['svix-id'] ?? out.headers['webhook-id'],
      attempt: 1,
      verified: null,
      status: result.status ?? 0,
      latencyMs: result.latencyMs,
      filtered: false,
      bodyBytes: out.body.length,
      sentTo: out.url,
      forwardError: result.error,
      headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])),
      // The bytes sent, as every delivery keeps them: UTF-8 text, else base64.
      ...encodeBody(out.body),
      forward: { url: out.url, status: result.status, latencyMs: result.latencyMs, error: result.error, headers: result.headers, body: result.body, bodyEncoding: 'utf8' },
    }));
    broadcast(sent);
    return send(res, 200, { result, seq: sent.seq });
  }

  function exportShown(res: ServerResponse, url: URL, har: boolean): void {
    const { items } = history.list(filterOf(url), history.capacity);
    // A delivery whose body was not kept is left out: written with an empty body, replay would send that instead.
    const details = history.details(
      items
        .reverse()
        .filter((s) => s.source !== 'replay' && s.bodyKept !== false)
        .map((s) => s.seq),
    );
    const leftOut = items.filter((s) => s.bodyKept === false).length;
    const name = `deliveries-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const body = har ? JSON.stringify(toHar(details, options.version ?? '0'), null, 2) : details.map((d) => JSON.stringify(toJournalRecord(d))).join('\n') + (details.length ? '\n' : '');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': har ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.${har ? 'har' : 'jsonl'}"`,
      'cache-control': 'no-store',
      ...(leftOut > 0 && { 'x-deliveries-left-out': `${leftOut} (their bodies were too large for the in-memory history to keep)` }),
    });
    res.end(body);
  }

  function sendFixture(res: ServerResponse, d: DeliveryDetail): void {
    const name = `${(d.eventType ?? 'delivery').replace(/[^\w.-]/g, '_')}-${(d.eventId ?? String(d.seq)).replace(/[^\w.-]/g, '_')}.json`;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(d.body, d.bodyEncoding === 'base64' ? 'base64' : 'utf8'));
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // A reconnecting EventSource sends Last-Event-ID; a page opening the stream after loading a list says `after`.
    // Both count in this run's numbers: a page of an earlier run (its `instance` differs) gets none of the backlog,
    // only the hello that tells it to load the list again.
    const given = url.searchParams.get('instance');
    const sameRun = given === null || given === instance;
    const after = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? history.lastSeq);
    res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ instance })}\n\n`);
    if (sameRun) for (const summary of history.since(Number.isFinite(after) ? after : history.lastSeq)) write(res, summary);
    clients.add(res);
    heartbeat ??= setInterval(() => {
      for (const client of clients) client.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? HEARTBEAT_MS).unref();
    req.socket.setNoDelay(true);
    res.on('close', () => {
      clients.delete(res);
      if (clients.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    });
  }

  function write(res: ServerResponse, summary: DeliverySummary): void {
    if (res.writableLength > SSE_BACKLOG_MAX) return void res.destroy();
    res.write(`id: ${summary.seq}\nevent: delivery\ndata: ${JSON.stringify(summary)}\n\n`);
  }

  function broadcast(summary: DeliverySummary): void {
    for (const client of clients) write(client, summary);
  }

  function sendFile(res: ServerResponse, path: string): void {
    const entry = STATIC[path]!;
    let bytes = files.get(path);
    if (!bytes) {
      bytes = readFileSync(fileURLToPath(entry.file));
      files.set(path, bytes);
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': entry.type, 'content-length': bytes.length, 'cache-control': 'no-cache' });
    res.end(bytes);
  }

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    history,
    add(report) {
      // With a journal and no page open, nothing at all: the journal is the history, read when a page asks.
      if (options.journalPath) {
        if (clients.size === 0) return;
        history.add(report);
        // The line was written before the delivery was answered, so it is in the file by now.
        syncSoon ??= setImmediate(() => {
          syncSoon = undefined;
          void catchUp();
        });
        return;
      }
      const seq = history.add(report)!;
      if (clients.size > 0) broadcast(history.summary(seq)!);
    },
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      if (syncSoon) clearImmediate(syncSoon);
      for (const client of clients) client.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function filterOf(url: URL): HistoryFilter {
  const p = url.searchParams;
  const verification = p.get('verification');
  return {
    type: p.get('type') || undefined,
    status: p.get('status') || undefined,
    verification: verification === 'verified' || verification === 'failed' || verification === 'unverified' ? verification : undefined,
    text: p.get('q') || undefined,
  };
}

function pick(s: DeliverySummary) {
  return { seq: s.seq, receivedAt: s.receivedAt, attempt: s.attempt, repeat: s.repeat, verified: s.verified, reason: s.reason, status: s.status, source: s.source, sentTo: s.sentTo };
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : min;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > POST_BYTES_MAX) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve(value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

async function listenOnFreePort(server: Server, options: InspectorOptions): Promise<number> {
  const avoid = new Set(options.avoidPorts ?? []);
  const candidates = options.port === 0 ? [0] : options.nextFreePort ? [...Array(NEXT_PORTS).keys()].map((i) => options.port + i).filter((p) => p <= 65_535 && !avoid.has(p)).concat(0) : [options.port];
  if (!options.nextFreePort && avoid.has(options.port)) {
    throw new InputError('usage', `the inspector cannot share port ${options.port} with the webhook endpoint: a tunnel to it would publish the page; choose another port`, {
      kind: 'inspector-on-webhook-port',
      port: options.port,
    });
  }
  for (const port of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || !options.nextFreePort) {
        if (code === 'EADDRINUSE') {
          throw new InputError('port-in-use', `inspector port ${port} is in use: choose another port, 0 for any free one, or turn the inspector off`, { kind: 'inspector', port });
        }
        throw error;
      }
    }
  }
  throw new Error('no free port for the inspector');
}
