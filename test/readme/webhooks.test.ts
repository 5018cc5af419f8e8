// webhooks.test.ts
import { expect, test } from 'vitest';
import { listen, trigger } from 'scandocs-webhooks';

test('a task.failed answered 500 is retried under the same svix-id, then delivered', async () => {
  // The listener answers the first attempt 500 and the retry 200, as a flaky endpoint would.
  const listener = await listen({ respond: [500, 200] });
  try {
    const run = await trigger({ types: ['task.failed'], url: `${listener.url}/webhooks`, schedule: 'fast' });
    expect(run.delivered).toBe(1);
    expect(run.deliveries[0]!.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);

    const first = await listener.waitFor('delivery');
    const retry = await listener.waitFor('delivery');
    expect(first).toMatchObject({ eventType: 'task.failed', status: 500, verification: { ok: true } });
    expect(retry).toMatchObject({ messageId: first.messageId, repeat: 'retry', status: 200 });
  } finally {
    await listener.close();
  }
});
