import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { startHttpServer, type Answer, type ReceivedRequest, type Rejection, type RunningServer } from '../../src/listener/server.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close(0);
  server = undefined;
});

interface Harness {
  server: RunningServer;
  received: ReceivedRequest[];
  rejections: Rejection[];
  errors: unknown[];
}

async function start(options: { maxBodyBytes?: number; requestTimeoutMs?: number; headersTimeoutMs?: number; handle?: (r: ReceivedRequest) => Promise<Answer> } = {}): Promise<Harness> {
  const received: ReceivedRequest[] = [];
  const rejections: Rejection[] = [];
  const errors: unknown[] = [];
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: options.maxBodyBytes ?? 1024,
    requestTimeoutMs: options.requestTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    handle: async (request) => {
      received.push(request);
      return options.handle ? options.handle(request) : { status: 200, body: 'ok\n' };
    },
    onRejected: (r) => rejections.push(r),
    onHandlerError: (e) => errors.push(e),
  });
  return { server, received, rejections, errors };
}

/** Writes raw bytes on a socket and collects everything the server sends until it closes (or `waitMs`). */
function raw(port: number, chunks: Array<string | Buffer>, options: { waitMs?: number; gapMs?: number; destroyAfter?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => (socket.destroy(), resolve(response)), options.waitMs ?? 3_000);
    socket.on('close', () => (clearTimeout(timer), resolve(response)));
    void (async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.destroyAfter) socket.destroy();
    })();
  });
}

const post = (body: string, extra = '') => `POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;

describe('startHttpServer', () => {
  it('hands the handler the raw body, headers and path, and writes its answer with a length', async () => {
    const h = await start({ handle: async () => ({ status: 202, headers: [['x-test', '1']], body: 'accepted\n' }) });
    const response = await raw(h.server.port, [post('{"a": 1}')]);
    expect(response).toMatch(/^HTTP\/1.1 202 Accepted\r\n/);
    expect(response).toMatch(/content-length: 9\r\n/);
    expect(response).toMatch(/x-test: 1\r\n/);
    expect(response.endsWith('accepted\n')).toBe(true);
    expect(h.received[0]).toMatchObject({ method: 'POST', path: '/webhooks' });
    expect(h.received[0]!.body.toString()).toBe('{"a": 1}');
  });

  it('gives the handler every header as one string: repeated ones joined, set-cookie included', async () => {
    const h = await start();
    await raw(h.server.port, [post('{}', 'X-Tag: a\r\nX-Tag: b\r\nSet-Cookie: s=1\r\nSet-Cookie: t=2\r\n')]);
    expect(h.received[0]!.headers).toMatchObject({ 'x-tag': 'a, b', 'set-cookie': 's=1, t=2' });
    expect(h.received[0]!.rawHeaders).toEqual(expect.arrayContaining(['Set-Cookie', 's=1', 'Set-Cookie', 't=2']));
  });

  it('answers 413 to a body over the limit, declared or chunked, without calling the handler', async () => {
    const h = await start({ maxBodyBytes: 10 });
    expect(await raw(h.server.port, [post('x'.repeat(11))])).toMatch(/^HTTP\/1.1 413 .*body of 11 B is over the 10 B limit\n$/s);
    const chunked = `POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n`;
    expect(await raw(h.server.port, [chunked])).toMatch(/^HTTP\/1.1 413 .*body of more than 10 B is over the 10 B limit/s);
    expect(h.received).toHaveLength(0);
    expect(h.rejections.map((r) => [r.reason, r.status, r.path])).toEqual([
      ['body-too-large', 413, '/webhooks'],
      ['body-too-large', 413, '/c'],
    ]);
  });

  it('answers 431 to huge headers and 400 to a malformed request, and keeps serving', async () => {
    const h = await start();
    const huge = `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`;
    expect(await raw(h.server.port, [huge])).toMatch(/^HTTP\/1.1 431 .*request headers are over the 16 KiB limit/s);
    expect(await raw(h.server.port, ['GARBAGE\r\n\r\n'])).toMatch(/^HTTP\/1.1 400 .*malformed HTTP request/s);
    expect(await raw(h.server.port, [post('{}')])).toMatch(/^HTTP\/1.1 200/);
    expect(h.rejections.map((r) => r.reason)).toEqual(['headers-too-large', 'malformed-request']);
  });

  it('answers 408 to a client that stalls mid-body, while serving others meanwhile', async () => {
    const h = await start({ requestTimeoutMs: 1_000, headersTimeoutMs: 1_000 });
    const stalled = raw(h.server.port, ['POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":'], { waitMs: 5_000 });
    expect(await raw(h.server.port, [post('{}')])).toMatch(/^HTTP\/1.1 200/);
    expect(await stalled).toMatch(/^HTTP\/1.1 408 .*the client did not finish sending the body in time/s);
    expect(h.rejections).toMatchObject([{ reason: 'timeout', status: 408, method: 'POST', path: '/slow' }]);
  });

  it('reports a client that hangs up mid-body as aborted, with nothing answered', async () => {
    const h = await start();
    await raw(h.server.port, ['POST /gone HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"par'], { destroyAfter: true, gapMs: 50 });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.rejections).toMatchObject([{ reason: 'aborted', path: '/gone', status: undefined, message: 'the client went away after sending 5 B of the body; nothing was answered' }]);
    await raw(h.server.port, ['POST /cut HTTP/1.1\r\nHost: x\r\nsvix-id: msg'], { destroyAfter: true, gapMs: 50 });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.rejections[1]?.status).toBeUndefined();
    expect(h.rejections[1]).toMatchObject({ reason: 'aborted', message: 'the client went away in the middle of its request headers; nothing was answered' });
    expect(h.received).toHaveLength(0);
  });

  it('answers 500 when the handler throws, reports it, and keeps serving', async () => {
    let calls = 0;
    const h = await start({
      handle: async () => {
        if (++calls === 1) throw new Error('boom');
        return { status: 200, body: 'ok\n' };
      },
    });
    expect(await raw(h.server.port, [post('{}')])).toMatch(/^HTTP\/1.1 500/);
    expect(await raw(h.server.port, [post('{}')])).toMatch(/^HTTP\/1.1 200/);
    expect(h.errors).toHaveLength(1);
  });

  it('onSent reports latency, and senderGone when the client left before the answer', async () => {
    const sent: Array<{ latencyMs: number; senderGone: boolean }> = [];
    const h = await start({
      handle: async (request) => {
        if (request.path === '/slow') await new Promise((r) => setTimeout(r, 300));
        return { status: 200, body: 'ok\n', onSent: (s) => sent.push(s) };
      },
    });
    await raw(h.server.port, [post('{}')]);
    await raw(h.server.port, [post('{}').replace('/webhooks', '/slow')], { waitMs: 50 });
    await new Promise((r) => setTimeout(r, 400));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.senderGone).toBe(false);
    expect(sent[1]).toMatchObject({ senderGone: true });
    expect(sent[1]!.latencyMs).toBeGreaterThanOrEqual(250);
  });

  it('refuses a port in use with the fix', async () => {
    const h = await start();
    const second = startHttpServer({ host: '127.0.0.1', port: h.server.port, maxBodyBytes: 1, handle: async () => ({ status: 200 }), onRejected() {}, onHandlerError() {} });
    await expect(second).rejects.toThrow(InputError);
    await expect(second).rejects.toThrow(`port ${h.server.port} is in use: listen on port 0 for any free port, or stop the other process`);
  });
});
