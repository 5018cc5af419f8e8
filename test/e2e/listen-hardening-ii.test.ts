// Regression tests for issue 19 ("Hardening II"), part A: the listener's HTTP layer. Each test spawns the real CLI
// and was seen failing on the code before its fix.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import type { RunningInspector } from '../helpers/inspector.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { rawExchange } from '../helpers/raw-exchange.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-hardening-ii-'));

const clis: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(clis.splice(0).map((cli) => cli.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function listen(args: string[] = []): Promise<{ cli: RunningCli; url: string; port: number }> {
  const cli = startCli(['listen', '--port', '0', '--no-inspect', ...args]);
  clis.push(cli);
  const [, url, port] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/127\.0\.0\.1:(\d+))/);
  return { cli, url: url!, port: Number(port) };
}

/** `listen` with its inspector, as test/helpers/inspector.ts starts it, with this file's per-user state. */
async function inspector(): Promise<RunningInspector> {
  const cli = startCli(['listen', '--port', '0', '--inspect-port', '0']);
  clis.push(cli);
  const [, inspectUrl] = await cli.waitFor(/inspect\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/[\d.:]+)/);
  const parsed = new URL(inspectUrl!);
  return { cli, url: url!, inspectUrl: inspectUrl!, origin: parsed.origin, port: Number(parsed.port), token: parsed.searchParams.get('token')! };
}

let sequence = 0;
function signed(body: string, options: { id?: string; secret?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_hardii${Date.now()}${++sequence}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = new Webhook(options.secret ?? TEST_SECRET).sign(id, new Date(timestamp * 1000), body);
  return { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signature };
}

function event(type = 'task.completed', id = `event_hardii${++sequence}`): string {
  return JSON.stringify(buildEvent(type, { id }));
}

function rawPost(body: string, headers: Record<string, string>, target = '/webhooks', contentLength = Buffer.byteLength(body)): string {
  const lines = [`POST ${target} HTTP/1.1`, 'host: 127.0.0.1', `content-length: ${contentLength}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function statuses(raw: string): number[] {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

describe('replay never goes where a request says (issue 19 defect 1)', () => {
  // The would-be victim: a real server the hostile request names, which must receive nothing.
  async function victim(): Promise<TestServer> {
    const server = await startServer();
    servers.push(server);
    return server;
  }

  function api(i: RunningInspector, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${i.origin}${path}`, { ...init, headers: { authorization: `Bearer ${i.token}`, ...(init.headers as Record<string, string>) } });
  }

  async function replay(i: RunningInspector, seq: number, signature: 'fresh' | 'original', target = 'listener') {
    const response = await api(i, `/api/deliveries/${seq}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target, signature }),
    });
    return { status: response.status, body: (await response.json()) as { result?: { status?: number; url?: string }; error?: string } };
  }

  it('an absolute-form target (POST http://127.0.0.1:PORT/x) is recorded as its path only, and replayed to the listener', async () => {
    const target = await victim();
    const i = await inspector();
    const listenerPort = Number(new URL(i.url).port);
    const body = event();
    const headers = { ...signed(body), authorization: 'Bearer from-the-sender' };
    const answer = await rawExchange(listenerPort, rawPost(body, headers, `http://127.0.0.1:${target.port}/x?q=1`), (text) => text.endsWith('ok\n'));
    expect(statuses(answer)).toEqual([200]);
    const recorded = (await (await api(i, '/api/deliveries/1')).json()) as { path: string };
    expect(recorded.path).toBe('/x?q=1');

    const fresh = await replay(i, 1, 'fresh');
    expect(fresh.body.result).toMatchObject({ status: 200, url: `${i.url}/x?q=1` });
    const original = await replay(i, 1, 'original');
    expect(original.body.result).toMatchObject({ status: 200, url: `${i.url}/x?q=1` });
    const [two, three] = await Promise.all([2, 3].map(async (s) => (await api(i, `/api/deliveries/${s}`)).json() as Promise<{ path: string; verified: boolean }>));
    expect(two).toMatchObject({ path: '/x?q=1', verified: true });
    expect(three).toMatchObject({ path: '/x?q=1', verified: true });
    expect(target.requests).toEqual([]);
  });

  it('a //host:port/path target, forged or signed, is replayed to the listener under that path, never to that host', async () => {
    const target = await victim();
    const i = await inspector();
    const listenerPort = Number(new URL(i.url).port);
    const path = `//127.0.0.1:${target.port}/x`;
    const body = event();
    // A forgery first (answered 401, recorded all the same), then a genuine delivery sent to the same odd path.
    const forged = { ...signed(body), 'svix-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}` };
    expect(statuses(await rawExchange(listenerPort, rawPost(body, forged, path), (text) => text.includes('\r\n\r\ninvalid signature')))).toEqual([401]);
    expect(statuses(await rawExchange(listenerPort, rawPost(body, signed(body), path), (text) => text.endsWith('ok\n')))).toEqual([200]);

    const original = await replay(i, 1, 'original');
    expect(original.body.result).toMatchObject({ status: 401, url: `${i.url}${path}` });
    const fresh = await replay(i, 2, 'fresh');
    expect(fresh.body.result).toMatchObject({ status: 200, url: `${i.url}${path}` });
    const replayed = (await (await api(i, '/api/deliveries/4')).json()) as { path: string };
    expect(replayed.path).toBe(path);
    expect(target.requests).toEqual([]);
  });
});

describe('pipelined requests before a malformed one (issue 19 defect 6)', () => {
  const closed = (socketText: string) => socketText.includes('malformed HTTP request');

  it('three deliveries and a malformed fourth in one write get three answers, in order, then the 400 and the close', async () => {
    const { cli, port } = await listen(['--record', join(dir, 'pipelined-malformed.jsonl')]);
    let bytes = '';
    for (let i = 0; i < 3; i++) {
      const body = event('task.completed', `event_pipebad${i}`);
      bytes += rawPost(body, signed(body));
    }
    bytes += 'NOT A REQUEST AT ALL\r\n\r\n';
    const received = await rawExchange(port, bytes);
    expect(statuses(received)).toEqual([200, 200, 200, 400]);
    expect(received.split('\r\n\r\nok\n')).toHaveLength(4);
    expect(closed(received)).toBe(true);
    await cli.waitFor(/event_pipebad2/);
    const order = [...cli.stdout().matchAll(/event_pipebad(\d)/g)].map((m) => Number(m[1]));
    expect(order).toEqual([0, 1, 2]);
    await cli.waitFor(/malformed HTTP request/);
  });

  it('a content-length shorter than the bytes sent: the deliveries before the garbage are answered, then the 400', async () => {
    const { port } = await listen();
    const bodies = [0, 1, 2].map((i) => event('task.completed', `event_pipeshort${i}`));
    // The third declares its body only, and garbage follows it in the same write.
    const bytes = bodies.map((body) => rawPost(body, signed(body))).join('') + '}}} trailing garbage\r\n\r\n';
    const received = await rawExchange(port, bytes);
    expect(statuses(received)).toEqual([200, 200, 200, 400]);
    expect(closed(received)).toBe(true);
  });
});

describe('requests that are not deliveries get an answer and a line (issue 19, smaller items)', () => {
  it('CONNECT is answered 405 and shown, not closed in silence', async () => {
    const { cli, port } = await listen();
    const received = await rawExchange(port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1:22\r\n\r\n');
    expect(statuses(received)).toEqual([405]);
    expect(received).toMatch(/\r\nallow: POST, GET, HEAD\r\n/i);
    await cli.waitFor(/CONNECT 127\.0\.0\.1:22 {2}✗ method-not-allowed: .* {2}→ 405/);
  });

  it('an Upgrade: websocket request is answered 400 and shown, with --json too', async () => {
    const { cli, port } = await listen(['--json']);
    const received = await rawExchange(port, 'GET /ws HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(statuses(received)).toEqual([400]);
    const [line] = await cli.waitFor(/\{"type":"rejected".*\n/);
    expect(JSON.parse(line)).toMatchObject({ type: 'rejected', reason: 'upgrade-refused', method: 'GET', path: '/ws', status: 400 });
  });
});

describe('a forward target that resets or answers garbage is reported as such, not as unreachable (issue 19, smaller items)', () => {
  const rawServers: Server[] = [];
  afterEach(() => rawServers.splice(0).forEach((server) => server.close()));

  /** A TCP server that accepts connections (so the start-up probe passes) and does `onData` with the request. */
  async function rawApp(onData: (socket: Socket) => void): Promise<string> {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => onData(socket));
    });
    rawServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  }

  it('says the app reset the connection, or answered something that is not HTTP, each answered 502', async () => {
    const reset = await rawApp((socket) => socket.resetAndDestroy());
    const garbage = await rawApp((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const { cli, url } = await listen(['--forward-to', `task.*=${reset}`, '--forward-to', `file.*=${garbage}`]);
    for (const type of ['task.completed', 'file.created']) {
      const body = event(type, `event_fwd_${type.replace('.', '_')}`);
      expect((await fetch(`${url}/webhooks`, { method: 'POST', headers: signed(body), body })).status).toBe(502);
    }
    await cli.waitFor(/event_fwd_task_completed .*→ 502 .*⇢ app reset the connection: /);
    await cli.waitFor(/event_fwd_file_created .*→ 502 .*⇢ app answered something that is not HTTP: /);
    expect(cli.stdout()).not.toContain('unreachable');
  });
});

describe('a stdout nobody reads (issue 19 defect 8)', () => {
  it('listen --json drops output lines past a bound, says so once on stderr, and the journal keeps every delivery', async () => {
    const journal = join(dir, 'stalled.jsonl');
    const cli = startCli(['listen', '--port', '0', '--no-inspect', '--json', '--record', journal]);
    clis.push(cli);
    const [, url] = await cli.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    // The harness read the ready line and stops reading: the pipe fills, then the listener holds what it writes.
    cli.child.stdout.pause();
    // 200 deliveries of ~60 KB: ~12 MB of --json lines, past the 8 MiB the listener lets wait for a reader.
    const count = 200;
    const padding = 'x'.repeat(60_000);
    for (let sent = 0; sent < count; sent += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const body = JSON.stringify({ ...buildEvent('task.completed', { id: `event_stall${sent + k}` }), padding });
          return (await fetch(`${url}/webhooks`, { method: 'POST', headers: signed(body), body })).status;
        }),
      );
      expect(answers).toEqual(Array(10).fill(200));
    }
    await cli.waitFor(/warning: stdout is not being read: 8 MiB of output is waiting, so lines are dropped until it is read again; the journal still records every delivery/);
    expect(cli.stderr().match(/stdout is not being read/g)).toHaveLength(1);
    const recorded = readFileSync(journal, 'utf8').split('\n').filter((line) => line !== '');
    expect(recorded).toHaveLength(count);
    // Read again, then stop: the count of what was dropped is told, and the run ends cleanly.
    cli.child.stdout.resume();
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.stderr()).toMatch(/warning: \d+ output lines were dropped in all because the output was not being read/);
    const shown = cli.stdout().split('\n').filter((line) => line.startsWith('{"type":"delivery"'));
    expect(shown.length).toBeLessThan(count);
  });
});
