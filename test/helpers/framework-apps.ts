import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import Fastify from 'fastify';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook } from 'svix';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';

/**
 * Webhook endpoints written the way the Express 5 and Fastify 5 docs write them, verifying with the real svix
 * library, each with at most one real-world bug (issue 21). The correct app dedupes on svix-id, answers first and
 * works afterwards, and has the README's test-only effects route: GET /webhooks/effects?event_id=… → {"count": n}.
 *
 * - unknown-task-500: answers 500 to task.completed for a task it has not seen created (item 1).
 * - latin1: decodes the raw body as latin1 before verifying (item 2).
 * - per-chunk-decode: builds the body with `body += chunk`, decoding each chunk on its own (item 2).
 * - not-idempotent: applies every verified delivery, the same svix-id again included (item 3).
 * - racy: "already handled?" then, after an await (a database round trip), records the id (item 3).
 * - work-before-verify: applies the event, then verifies it (item 3).
 * - dedupes-on-signature: remembers the svix-signature header instead of the svix-id, so a retry (re-signed) is new (item 3).
 * - blocks-after-answer: answers, then runs `blockMs` of synchronous work after a task.completed (item 4).
 * - tolerance-10s / tolerance-9min: its own timestamp window instead of the 5 minutes (item 6).
 * - default-body-limit: express.raw() with its default 100 KiB limit (item 7).
 * - webhook-headers-only: verifies with the standardwebhooks library, which reads only webhook-* headers (item 8).
 * - literal-key: HMAC keyed with the whsec_ string itself (item 8).
 * - auth-redirect: an auth middleware in front of every route, redirecting to /login (item 8).
 */
export type AppFlaw =
  | 'unknown-task-500'
  | 'latin1'
  | 'per-chunk-decode'
  | 'not-idempotent'
  | 'racy'
  | 'work-before-verify'
  | 'dedupes-on-signature'
  | 'blocks-after-answer'
  | 'tolerance-10s'
  | 'tolerance-9min'
  | 'default-body-limit'
  | 'webhook-headers-only'
  | 'literal-key'
  | 'auth-redirect';

export interface FrameworkAppOptions {
  framework?: 'express' | 'fastify';
  flaw?: AppFlaw;
  /** The secrets the app accepts (several during a rotation); default: the built-in test secret. */
  secrets?: string[];
  blockMs?: number;
}

export interface RunningApp {
  url: string;
  effectsUrl: string;
  /** event id → times the app applied it. */
  applied: Map<string, number>;
  close(): Promise<void>;
}

type Headers = Record<string, string | string[] | undefined>;
interface Event {
  id: string;
  type: string;
  data: { id: string };
}

export async function startFrameworkApp(options: FrameworkAppOptions = {}): Promise<RunningApp> {
  const flaw = options.flaw;
  const secrets = options.secrets ?? [DEFAULT_TEST_SECRET];
  const webhooks = secrets.map((secret) => new Webhook(secret));
  const applied = new Map<string, number>();
  const handled = new Set<string>();
  const tasks = new Set<string>();

  /** Verifies the raw body with one of the secrets; throws when none matches. Then JSON.parse (svix 2.x returns nothing). */
  function verified(raw: string, headers: Headers): Event {
    const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    if (flaw === 'webhook-headers-only') {
      new StandardWebhook(secrets[0]!.slice('whsec_'.length)).verify(raw, flat);
      return JSON.parse(raw) as Event;
    }
    if (flaw === 'literal-key' || flaw === 'tolerance-10s' || flaw === 'tolerance-9min') {
      const [id, timestamp, signature] = [flat['svix-id'], flat['svix-timestamp'], flat['svix-signature']];
      if (!id || !timestamp || !signature) throw new Error('missing headers');
      const window = flaw === 'tolerance-10s' ? 10 : flaw === 'tolerance-9min' ? 540 : 300;
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > window) throw new Error('timestamp outside the window');
      const expected =
        flaw === 'literal-key'
          ? `v1,${createHmac('sha256', secrets[0]!).update(`${id}.${timestamp}.${raw}`).digest('base64')}`
          : webhooks[0]!.sign(id, new Date(Number(timestamp) * 1000), raw);
      if (!signature.split(' ').includes(expected)) throw new Error('no matching signature');
      return JSON.parse(raw) as Event;
    }
    let lastError: unknown;
    for (const webhook of webhooks) {
      try {
        webhook.verify(raw, flat);
        return JSON.parse(raw) as Event;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  function apply(event: Event): void {
    applied.set(event.id, (applied.get(event.id) ?? 0) + 1);
  }

  /** The handler's decision once the body is read: the status to answer, and the work to do after answering. */
  async function handle(raw: string, headers: Headers): Promise<{ status: number; after?: () => void }> {
    // The idempotency key: the svix-id, unless the app picked the wrong header.
    const svixId = String(headers[flaw === 'dedupes-on-signature' ? 'svix-signature' : 'svix-id']);
    if (flaw === 'work-before-verify') {
      const event = JSON.parse(raw) as Event;
      if (!handled.has(svixId)) {
        handled.add(svixId);
        apply(event);
      }
    }
    let event: Event;
    try {
      event = verified(raw, headers);
    } catch {
      return { status: 401 };
    }
    if (event.type === 'task.created') tasks.add(event.data.id);
    if (flaw === 'unknown-task-500' && event.type === 'task.completed' && !tasks.has(event.data.id)) return { status: 500 };
    if (flaw === 'work-before-verify') return { status: 204 };
    if (flaw === 'not-idempotent') return { status: 204, after: () => apply(event) };
    if (flaw === 'racy') {
      const seen = handled.has(svixId);
      await sleep(30); // the database round trip between "already handled?" and "record it"
      if (seen) return { status: 204 };
      handled.add(svixId);
      return { status: 204, after: () => apply(event) };
    }
    if (handled.has(svixId)) return { status: 204 };
    handled.add(svixId);
    const block = flaw === 'blocks-after-answer' && event.type === 'task.completed';
    return {
      status: 204,
      after: () => {
        apply(event);
        if (block) busyWait(options.blockMs ?? 3_000);
      },
    };
  }

  const server = options.framework === 'fastify' ? await startFastify() : await startExpress();
  return { ...server, applied };

  async function startExpress() {
    const app = express();
    if (flaw === 'auth-redirect') {
      app.use((req, res, next) => (req.path === '/login' ? next() : res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`)));
    }
    app.get('/webhooks/effects', (req, res) => void res.json({ count: applied.get(String(req.query.event_id)) ?? 0 }));
    const reply = async (res: express.Response, raw: string, headers: Headers) => {
      const { status, after } = await handle(raw, headers);
      res.sendStatus(status);
      if (after) setImmediate(after); // answer first, work afterwards
    };
    if (flaw === 'per-chunk-decode') {
      app.post('/webhooks', (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk));
        req.on('end', () => void reply(res, body, req.headers));
      });
    } else {
      const limit = flaw === 'default-body-limit' ? undefined : '5mb';
      app.post('/webhooks', express.raw({ type: 'application/json', ...(limit ? { limit } : {}) }), async (req, res) => {
        await reply(res, (req.body as Buffer).toString(flaw === 'latin1' ? 'latin1' : 'utf8'), req.headers);
      });
    }
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url: `${base}/webhooks`,
      effectsUrl: `${base}/webhooks/effects`,
      close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    };
  }

  async function startFastify() {
    const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
    // The raw bytes, as Fastify's docs show for signature checks: no JSON parsing before verification.
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.get('/webhooks/effects', async (req) => ({ count: applied.get(String((req.query as { event_id?: string }).event_id)) ?? 0 }));
    app.post('/webhooks', async (req, reply) => {
      const { status, after } = await handle((req.body as Buffer).toString('utf8'), req.headers);
      if (after) setImmediate(after);
      return reply.code(status).send();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { url: `${base}/webhooks`, effectsUrl: `${base}/webhooks/effects`, close: () => app.close() };
  }
}

/** Synchronous work that holds the process, as a PDF rendered or a large file hashed in the handler would. */
function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}
