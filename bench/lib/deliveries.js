// Pools of distinct, validly signed deliveries for the benches, built (and signed) before any clock starts.
import { randomBytes } from 'node:crypto';
import { buildEvent, sign, DEFAULT_TEST_SECRET } from '../../dist/index.js';
import { buildPost } from './keep-alive-client.js';

export const SECRET = DEFAULT_TEST_SECRET;
// A run-unique prefix, so no two deliveries of a run (nor of two runs on one journal) share an svix-id.
const RUN = randomBytes(4).toString('hex');
const template = buildEvent('task.completed');
let sequence = 0;

/**
 * `count` realistic task.completed deliveries, each with its own event id and svix-id, signed now (so well within
 * the listener's 5-minute tolerance while the pool is sent), as `{ method, path, headers, body }` objects.
 */
export function signedDeliveries(count) {
  const deliveries = [];
  for (let i = 0; i < count; i++) {
    sequence++;
    const body = JSON.stringify({ ...template, id: `event_${RUN}${sequence}`, timestamp: new Date().toISOString() });
    const { headers } = sign({ payload: body, secret: SECRET, id: `msg_${RUN}${String(sequence).padStart(12, '0')}` });
    deliveries.push({ method: 'POST', path: '/webhooks', headers: { 'content-type': 'application/json', ...headers }, body });
  }
  return deliveries;
}

/** The same deliveries as raw HTTP/1.1 request bytes for the keep-alive client. */
export function signedRequestBuffers(count, { host, port }) {
  return signedDeliveries(count).map((d) => buildPost({ host, port, path: d.path, headers: d.headers, body: d.body }));
}
