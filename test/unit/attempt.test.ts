import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptDelivery, classifyNetworkError, createDeliveryAgent, RESPONSE_BODY_LIMIT } from '../../src/delivery/attempt.js';
import { startServer, type TestServer, closedPort } from '../helpers/server.js';

const servers: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** A node:http server that also counts TCP connections, to see keep-alive reuse. */
async function countingServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer(handler);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe('attemptDelivery', () => {
  it('attemptDelivery() posts the exact headers and body bytes, and returns status, headers and body', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('x-handled-by', 'test');
      res.statusCode = 204;
      res.end();
    });
    const body = Buffer.from([0x7b, 0x7d, 0xff, 0x00]);
    const result = await attemptDelivery({ url: `${server.url}/hook?x=1`, headers: { 'svix-id': 'msg_1', 'content-type': 'application/json' }, body, timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'response', ok: true, status: 204, body: '' });
    expect(result.kind === 'response' && result.headers['x-handled-by']).toBe('test');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/hook?x=1' });
    expect(server.requests[0]!.headers['svix-id']).toBe('msg_1');
    expect(server.requests[0]!.body.equals(body)).toBe(true);
  });

  it('attemptDelivery() counts a 3xx as a failed attempt and does not follow the redirect', async () => {
    const server = await serve((req, res) => {
      res.statusCode = req.url === '/moved' ? 302 : 200;
      res.setHeader('location', '/elsewhere');
      res.end('moved');
    });
    const result = await attemptDelivery({ url: `${server.url}/moved`, headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'response', ok: false, status: 302, body: 'moved' });
    expect(server.requests.map((r) => r.url)).toEqual(['/moved']);
  });

  it('attemptDelivery() reports a refused connection as cause "refused"', async () => {
    const port = await closedPort();
    const result = await attemptDelivery({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'error', ok: false, cause: 'refused' });
    expect(result.kind === 'error' && result.message).toMatch(/ECONNREFUSED/);
  });

  it('attemptDelivery() reports https to a plain-http port as cause "tls" with the reason in one line', async () => {
    const server = await serve((_req, res) => void res.end('plain'));
    const result = await attemptDelivery({ url: server.url.replace('http:', 'https:'), headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'error', cause: 'tls', message: 'TLS handshake failed: wrong version number (is the endpoint plain http?)' });
  });

  it('classifyNetworkError() maps DNS, TLS, reset and wrapped errors to their causes', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyNetworkError(coded('ENOTFOUND'))).toBe('dns');
    expect(classifyNetworkError(coded('EAI_AGAIN'))).toBe('dns');
    expect(classifyNetworkError(coded('CERT_HAS_EXPIRED'))).toBe('tls');
    expect(classifyNetworkError(coded('DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe('tls');
    expect(classifyNetworkError(coded('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('tls');
    expect(classifyNetworkError(coded('UND_ERR_SOCKET'))).toBe('reset');
    expect(classifyNetworkError(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe('refused');
    expect(classifyNetworkError(new Error('wrapped', { cause: coded('ENOTFOUND') }))).toBe('dns');
    expect(classifyNetworkError(new Error('no code'))).toBe('other');
  });

  it('attemptDelivery() times out when the response headers come too late', async () => {
    const server = await serve((_req, res) => void setTimeout(() => res.end('late'), 1000));
    const result = await attemptDelivery({ url: server.url, headers: {}, body: '{}', timeoutMs: 150 });
    expect(result).toMatchObject({ kind: 'error', cause: 'timeout', message: 'no complete response within 150ms' });
    expect(result.latencyMs).toBeLessThan(900);
  });

  it('attemptDelivery() times out when the body is still streaming at the deadline', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial');
      setTimeout(() => res.end('done'), 1000);
    });
    const result = await attemptDelivery({ url: server.url, headers: {}, body: '{}', timeoutMs: 150 });
    expect(result).toMatchObject({ kind: 'error', cause: 'timeout' });
  });

  it('attemptDelivery() reports a connection closed without an answer as cause "reset"', async () => {
    // The server destroys the socket as soon as the request arrives, without answering.
    const raw = await countingServer((req) => req.socket.destroy());
    const result = await attemptDelivery({ url: raw.url, headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'error', cause: 'reset' });
  });

  it('attemptDelivery() keeps the first 64 KiB of a large body', async () => {
    const big = 'x'.repeat(RESPONSE_BODY_LIMIT + 1000);
    const server = await serve((_req, res) => void res.end(big));
    const result = await attemptDelivery({ url: server.url, headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result.kind === 'response' && result.body.length).toBe(RESPONSE_BODY_LIMIT);
  });

  it('attemptDelivery() stops reading a response past 1 MiB and still reports its status and first 64 KiB', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(256 * 1024, 'y');
      for (let i = 0; i < 16; i++) res.write(chunk); // 4 MiB in all
      res.end();
    });
    const result = await attemptDelivery({ url: server.url, headers: {}, body: '{}', timeoutMs: 5000 });
    expect(result).toMatchObject({ kind: 'response', ok: false, status: 500 });
    expect(result.kind === 'response' && result.body).toBe('y'.repeat(RESPONSE_BODY_LIMIT));
  });

  it('attemptDelivery() reuses keep-alive connections across sequential attempts through an Agent', async () => {
    const server = await countingServer((_req, res) => void res.end('a body that must be drained for reuse'));
    const agent = createDeliveryAgent();
    try {
      for (let i = 0; i < 10; i++) {
        const result = await attemptDelivery({ url: server.url, headers: {}, body: '{}', timeoutMs: 2000 }, agent);
        expect(result.ok).toBe(true);
      }
    } finally {
      await agent.close();
    }
    // undici's pool may open a second socket while the first is being released; never one per attempt.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });
});
