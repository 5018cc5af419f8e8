import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'svix';
import { EVENT_TYPES } from '../../src/events/index.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { startServer, type ReceivedRequest, type TestServer } from './server.js';

/**
 * The mistakes real webhook handlers make, one at a time, on top of a correct reference endpoint:
 * - no-verification: handles every request, signed or not.
 * - no-timestamp-check: compares the signature itself but never looks at how old the timestamp is.
 * - first-signature-only: compares only the first entry of svix-signature (breaks key rotation).
 * - rejects-unknown-types: answers 400 to an event type it does not handle.
 * - fails-duplicates: answers 500 to a svix-id it has already handled.
 * - slow: downloads the results of a task.completed before answering (sleeps `slowMs`).
 * - redirects: handles valid deliveries, then answers 303 See Other, as a web form handler does.
 * - crashes-on-bad-signature: refuses invalid signatures, but with an unhandled error (500).
 * - reserializes: verifies JSON.stringify(JSON.parse(raw)) instead of the raw bytes, as a framework that parses the
 *   body first makes you do.
 */
export type EndpointFlaw =
  | 'no-verification'
  | 'no-timestamp-check'
  | 'first-signature-only'
  | 'rejects-unknown-types'
  | 'fails-duplicates'
  | 'slow'
  | 'redirects'
  | 'crashes-on-bad-signature'
  | 'reserializes';

export interface WebhookEndpointOptions {
  /** The secret the app is configured with (default: the built-in test secret, as `check` uses). */
  secret?: string;
  flaw?: EndpointFlaw;
  /** How long the `slow` endpoint takes over a task.completed. */
  slowMs?: number;
}

export const WEBHOOK_PATH = '/webhooks';
const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

interface Event {
  type: string;
}

/**
 * A webhook endpoint as a developer would write it, on a real server: POST /webhooks, verified with the real svix
 * library (`new Webhook(secret).verify(rawBody, headers)`, which checks the timestamp too), 2xx to unknown types,
 * idempotent on svix-id. `flaw` swaps in one classic mistake.
 */
export async function startWebhookEndpoint(options: WebhookEndpointOptions = {}): Promise<TestServer & { endpoint: string }> {
  const webhook = new Webhook(options.secret ?? DEFAULT_TEST_SECRET);
  const { flaw } = options;
  const handled = new Set<string>();

  const server = await startServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== WEBHOOK_PATH) return reply(res, 404, 'not found');
    let event: Event;
    try {
      event = verifyDelivery(webhook, req, flaw);
    } catch (error) {
      // What a framework answers when the verification error is not caught.
      if (flaw === 'crashes-on-bad-signature') return reply(res, 500, `Internal Server Error: ${(error as Error).message}`);
      return reply(res, 401, `invalid signature: ${(error as Error).message}`);
    }
    const [status, text] = await handle(event, String(req.headers['svix-id']));
    // A web-form habit: answer a handled POST with 303 See Other instead of a 2xx.
    if (flaw === 'redirects' && status === 200) {
      res.writeHead(303, { location: `${WEBHOOK_PATH}/done` });
      return void res.end();
    }
    return reply(res, status, text);
  });

  async function handle(event: Event, id: string): Promise<[number, string]> {
    if (!KNOWN_TYPES.has(event.type)) return flaw === 'rejects-unknown-types' ? [400, `unsupported type ${event.type}`] : [200, 'ignored'];
    if (handled.has(id)) return flaw === 'fails-duplicates' ? [500, `duplicate key ${id}`] : [200, 'already handled'];
    handled.add(id);
    if (flaw === 'slow' && event.type === 'task.completed') await sleep(options.slowMs ?? 6_000);
    return [200, 'ok'];
  }
  return { ...server, endpoint: `${server.url}${WEBHOOK_PATH}` };
}

function verifyDelivery(webhook: Webhook, req: ReceivedRequest, flaw: EndpointFlaw | undefined): Event {
  const body = req.body.toString('utf8');
  const headers = req.headers as Record<string, string>;
  switch (flaw) {
    case 'no-verification':
      return JSON.parse(body) as Event;
    case 'no-timestamp-check': {
      const { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature } = headers;
      if (!id || !timestamp || !signature) throw new Error('missing headers');
      const expected = webhook.sign(id, new Date(Number(timestamp) * 1000), body);
      if (!signature.split(' ').includes(expected)) throw new Error('no matching signature');
      return JSON.parse(body) as Event;
    }
    case 'reserializes':
      return webhook.verify(JSON.stringify(JSON.parse(body)), headers) as Event;
    case 'first-signature-only':
      return webhook.verify(body, { ...headers, 'svix-signature': (headers['svix-signature'] ?? '').split(' ')[0]! }) as Event;
    default:
      return webhook.verify(body, headers) as Event;
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}
