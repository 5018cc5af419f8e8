import { afterAll, describe, expect, it } from 'vitest';
import { createForwarder, probeForwardTarget } from '../../src/listener/forward.js';
import { startServer, type TestServer, closedPort } from '../helpers/server.js';

const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

async function app(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

describe('forwarder', () => {
  it('forward() passes method, headers and body byte for byte, and returns the app status and body', async () => {
    const target = await app((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json', 'retry-after': '30' }).end('{"received":true}');
    });
    const forwarder = await createForwarder({ timeoutMs: 5_000 });
    const body = Buffer.from('{"type":"task.completed",  "id":"event_1", "name":"reçu"}\n');
    const rawHeaders = ['Host', 'sender.example', 'Content-Type', 'application/json', 'svix-id', 'msg_1', 'X-Custom', 'a', 'x-custom', 'b', 'Connection', 'keep-alive'];
    const result = await forwarder.forward(new URL(`${target.url}/webhooks?x=1`), { method: 'PUT', rawHeaders, body });
    await forwarder.close();

    const received = target.requests[0]!;
    expect(received.method).toBe('PUT');
    expect(received.url).toBe('/webhooks?x=1');
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers['svix-id']).toBe('msg_1');
    expect(received.headers['x-custom']).toBe('a, b');
    expect(received.headers.host).toBe(`127.0.0.1:${target.port}`);
    expect(result).toMatchObject({ status: 202, contentType: 'application/json' });
    expect(result.error).toBeUndefined();
    expect(result.body?.toString()).toBe('{"received":true}');
    expect(result.headers).toContainEqual(['retry-after', '30']);
  });

  it('forward() reports an app that does not answer in time as a timeout', async () => {
    const target = await app(async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      res.end('late');
    });
    const forwarder = await createForwarder({ timeoutMs: 200 });
    const result = await forwarder.forward(new URL(target.url), { method: 'POST', rawHeaders: [], body: Buffer.from('{}') });
    await forwarder.close(true);
    expect(result).toMatchObject({ errorKind: 'timeout', error: 'no answer within 200ms' });
    expect(result.status).toBeUndefined();
  });

  it('forward() reports a closed port as unreachable', async () => {
    const port = await closedPort();
    const forwarder = await createForwarder({ timeoutMs: 5_000 });
    const result = await forwarder.forward(new URL(`http://127.0.0.1:${port}/webhooks`), { method: 'POST', rawHeaders: [], body: Buffer.from('{}') });
    await forwarder.close();
    expect(result).toMatchObject({ errorKind: 'unreachable', error: `connection refused: nothing is listening on 127.0.0.1:${port}, is your app running?` });
  });

  it('probeForwardTarget() accepts a listening app and refuses a closed port with the fix', async () => {
    const target = await app((_req, res) => void res.end());
    await expect(probeForwardTarget(new URL(`${target.url}/webhooks`))).resolves.toBeUndefined();
    expect(target.requests).toHaveLength(0); // a TCP connection only: the app sees no request
    const port = await closedPort();
    await expect(probeForwardTarget(new URL(`http://127.0.0.1:${port}/webhooks`))).rejects.toThrow(
      `the forward target http://127.0.0.1:${port}/webhooks is unreachable: connection refused: nothing is listening on 127.0.0.1:${port}, is your app running? (start your app first, or fix the URL)`,
    );
  });
});
