import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'svix';
import { deliverMessage, type DeliveryReport, type OutgoingMessage } from '../../src/delivery/deliver.js';
import { arrangeBatch, deliverBatch } from '../../src/delivery/batch.js';
import { productionSchedule } from '../../src/delivery/schedule.js';
import { parseSchedule } from '../../src/cli/delivery/schedule-flags.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server answering the scripted statuses in turn (the last one repeats), with optional headers. */
async function scripted(statuses: number[], headers: Record<string, string> = {}): Promise<TestServer> {
  const server = await startServer((_req, res, index) => {
    res.writeHead(statuses[Math.min(index, statuses.length - 1)]!, headers);
    res.end(`answer ${index + 1}`);
  });
  servers.push(server);
  return server;
}

const message = (body = '{"id":"event_1","type":"file.deleted","data":{}}'): OutgoingMessage => ({
  messageId: 'msg_test1',
  body: Buffer.from(body),
  eventId: 'event_1',
  eventType: 'file.deleted',
});

/** A clock that each injected sleep moves 2 s ahead (and records), so every attempt has its own timestamp. */
function fakeTime() {
  let now = Date.now();
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += 2000;
    },
    sleeps,
  };
}

describe('deliverMessage', () => {
  it('deliverMessage() retries until a 2xx with the same svix-id and a fresh, valid signature each attempt', async () => {
    const server = await scripted([500, 503, 200]);
    const time = fakeTime();
    const reports: DeliveryReport[] = [];
    const outcome = await deliverMessage(message(), {
      url: `${server.url}/hooks`,
      secret: DEFAULT_TEST_SECRET,
      timeoutMs: 2000,
      schedule: productionSchedule(1000),
      userAgent: 'scandocs-webhooks/test',
      onReport: (r) => reports.push(r),
      sleep: time.sleep,
      now: time.now,
      random: () => 0.5,
    });
    expect(outcome).toEqual({ delivered: true, attempts: 3 });
    expect(time.sleeps).toEqual([5, 300]);
    expect(reports.map((r) => r.type)).toEqual(['attempt', 'response', 'retry-scheduled', 'attempt', 'response', 'retry-scheduled', 'attempt', 'response', 'delivered']);
    expect(reports.filter((r) => r.type === 'attempt').map((r) => [r.attempt, r.productionOffsetMs, r.waitedMs])).toEqual([
      [1, 0, 0],
      [2, 5000, 5],
      [3, 305_000, 300],
    ]);

    expect(server.requests.map((r) => r.headers['svix-id'])).toEqual(['msg_test1', 'msg_test1', 'msg_test1']);
    const timestamps = server.requests.map((r) => Number(r.headers['svix-timestamp']));
    expect(new Set(timestamps).size).toBe(3);
    expect(timestamps[1]! - timestamps[0]!).toBe(2);
    const webhook = new Webhook(DEFAULT_TEST_SECRET);
    for (const request of server.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('scandocs-webhooks/test');
      expect(request.body.toString()).toBe('{"id":"event_1","type":"file.deleted","data":{}}');
      // The real svix library verifies each attempt's own signature.
      expect(webhook.verify(request.body.toString(), request.headers as Record<string, string>)).toMatchObject({ id: 'event_1' });
    }
  });

  it('deliverMessage() gives up when the schedule runs out and reports the last answer', async () => {
    const server = await scripted([500]);
    const reports: DeliveryReport[] = [];
    const outcome = await deliverMessage(message(), {
      url: server.url,
      secret: DEFAULT_TEST_SECRET,
      timeoutMs: 2000,
      schedule: parseSchedule({ schedule: '0,1ms,2ms' }),
      userAgent: 'ua',
      onReport: (r) => reports.push(r),
      random: () => 0.5,
    });
    expect(outcome).toEqual({ delivered: false, attempts: 3 });
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ type: 'gave-up', reason: 'exhausted', attempts: 3, productionOffsetMs: 305_000 });
    expect(last.type === 'gave-up' && last.result).toMatchObject({ status: 500, body: 'answer 3' });
    expect(server.requests).toHaveLength(3);
  });

  it('deliverMessage() stops at once on webhook-delivery: abort-message', async () => {
    const server = await scripted([500], { 'webhook-delivery': 'abort-message' });
    const reports: DeliveryReport[] = [];
    const outcome = await deliverMessage(message(), {
      url: server.url,
      secret: DEFAULT_TEST_SECRET,
      timeoutMs: 2000,
      schedule: parseSchedule({ schedule: 'fast' }),
      userAgent: 'ua',
      onReport: (r) => reports.push(r),
    });
    expect(outcome).toEqual({ delivered: false, attempts: 1 });
    expect(reports.at(-1)).toMatchObject({ type: 'gave-up', reason: 'aborted' });
    expect(server.requests).toHaveLength(1);
  });

  it('deliverMessage() lets --header override any header, signature included, case-insensitively', async () => {
    const server = await scripted([200]);
    await deliverMessage(message(), {
      url: server.url,
      secret: DEFAULT_TEST_SECRET,
      timeoutMs: 2000,
      schedule: parseSchedule({ retries: false }),
      userAgent: 'ua',
      headers: { 'Svix-Signature': 'v1,forged', 'X-Tenant': 'acme', 'Content-Type': 'text/plain' },
      onReport: () => {},
    });
    const headers = server.requests[0]!.headers;
    expect(headers['svix-signature']).toBe('v1,forged');
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['content-type']).toBe('text/plain');
    expect(headers['svix-id']).toBe('msg_test1');
  });
});

describe('batches', () => {
  it('deliverBatch() keeps at most `concurrency` deliveries in flight and counts the outcomes', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await startServer(async (req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      res.statusCode = req.body.toString().includes('"fail"') ? 500 : 200;
      res.end();
    });
    servers.push(server);
    const messages = Array.from({ length: 12 }, (_, i) => ({ messageId: `msg_${i}`, body: Buffer.from(i % 4 === 0 ? '"fail"' : '{}') }));
    const summary = await deliverBatch(messages, {
      url: server.url,
      secret: DEFAULT_TEST_SECRET,
      timeoutMs: 2000,
      schedule: parseSchedule({ retries: false }),
      userAgent: 'ua',
      concurrency: 3,
      onReport: () => {},
    });
    expect(summary).toMatchObject({ total: 12, delivered: 9, failed: 3, attempts: 12 });
    expect(peak).toBe(3);
    expect(server.requests).toHaveLength(12);
  });

  it('arrangeBatch() follows each message with a same-id copy, and a shuffle is never the original order', () => {
    const messages = ['a', 'b', 'c'].map((id) => ({ messageId: id, body: Buffer.from(id) }));
    expect([...arrangeBatch(messages, { duplicate: true })].map((m) => [m.messageId, m.copy])).toEqual([
      ['a', undefined],
      ['a', 2],
      ['b', undefined],
      ['b', 2],
      ['c', undefined],
      ['c', 2],
    ]);
    // random() ≈ 1 makes Fisher–Yates swap nothing: the rotation still moves every message.
    expect([...arrangeBatch(messages, { shuffle: true, random: () => 0.9999 })].map((m) => m.messageId)).toEqual(['b', 'c', 'a']);
    expect([...arrangeBatch(messages, { shuffle: true, random: () => 0 })].map((m) => m.messageId)).toEqual(['b', 'c', 'a']);
    const two = [...arrangeBatch(messages.slice(0, 2), { shuffle: true, random: () => 0.9999 })];
    expect(two.map((m) => m.messageId)).toEqual(['b', 'a']);
  });
});
