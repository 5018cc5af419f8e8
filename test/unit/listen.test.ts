import { Webhook } from 'svix';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadShapeChecker } from '../../src/events/shape-loader.js';
import { startListener, type Listener } from '../../src/listener/listen.js';
import type { DeliveryReport, ListenReport } from '../../src/listener/reports.js';
import { respondPolicy } from '../../src/listener/respond-policy.js';
import { parseRespondOptions, type RespondFlags } from '../../src/cli/listen/respond-flags.js';

const parseRespondPolicy = (flags: RespondFlags) => respondPolicy(parseRespondOptions(flags));
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';

let listener: Listener | undefined;
// A request that arrives while the drift checker (zod) still loads waits for it (issue 20), and these tests time the
// listener's own waits: load it once up front.
beforeAll(() => loadShapeChecker(), 30_000);
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

function post(url: string, body: string, id: string) {
  const timestamp = new Date();
  const signature = new Webhook(DEFAULT_TEST_SECRET).sign(id, timestamp, body);
  const headers = { 'svix-id': id, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature };
  return fetch(`${url}/webhooks`, { method: 'POST', headers, body });
}

describe('startListener', () => {
  it('reports ready, then one delivery per request, and close() returns the summary', async () => {
    const reports: ListenReport[] = [];
    // --fail-rate 0.5 with a scripted random draw; --delay through the sleep seam, so nothing waits.
    const draws = [0.9, 0.1];
    const sleeps: number[] = [];
    listener = await startListener({
      port: 0,
      secrets: [DEFAULT_TEST_SECRET],
      policy: parseRespondPolicy({ failRate: '0.5', delay: '6s' }),
      onReport: (r) => reports.push(r),
      random: () => draws.shift() ?? 0.9,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(reports[0]).toEqual({ type: 'ready', url: listener.url, host: '127.0.0.1', port: listener.port });

    const body = JSON.stringify({ id: 'event_1', type: 'task.completed', timestamp: new Date().toISOString(), data: {} });
    expect((await post(listener.url, body, 'msg_1')).status).toBe(200);
    expect((await post(listener.url, body, 'msg_2')).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const deliveries = reports.filter((r): r is DeliveryReport => r.type === 'delivery');
    expect(deliveries.map((d) => [d.messageId, d.status, d.policy?.source, d.delayMs])).toEqual([
      ['msg_1', 200, undefined, 6_000],
      ['msg_2', 500, 'fail-rate', 6_000],
    ]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms > 5_900 && ms <= 6_000)).toBe(true);
    expect(deliveries[0]!.body.toString()).toBe(body);

    const summary = await listener.close();
    expect(summary).toMatchObject({ received: 2, verified: 2, failed: 0, byType: { 'task.completed': 2 }, byStatus: { 200: 1, 500: 1 } });
  });

  it('a renderer that throws becomes an error report, and the listener keeps serving', async () => {
    const reports: ListenReport[] = [];
    let thrown = false;
    listener = await startListener({
      port: 0,
      secrets: [DEFAULT_TEST_SECRET],
      onReport: (r) => {
        if (r.type === 'delivery' && !thrown) {
          thrown = true;
          throw new Error('renderer bug');
        }
        reports.push(r);
      },
    });
    const body = JSON.stringify({ id: 'event_2', type: 'file.created', timestamp: new Date().toISOString(), data: {} });
    expect((await post(listener.url, body, 'msg_a')).status).toBe(200);
    expect((await post(listener.url, body, 'msg_b')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reports.map((r) => r.type)).toEqual(['ready', 'error', 'delivery']);
    expect(reports[1]).toEqual({ type: 'error', message: 'could not show a delivery report: renderer bug' });
  });
});
