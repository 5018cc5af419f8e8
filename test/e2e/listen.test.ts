import { createHmac } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ROTATED = 'whsec_b3RoZXItYXBwLXNlY3JldC0xMjM0NTY3OA==';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-listen-'));

const clis: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(clis.splice(0).map((cli) => cli.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Starts the real `listen` on a free port and waits for its ready line. */
async function listen(args: string[] = [], env?: Record<string, string>): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli(['listen', '--port', '0', ...args], { env });
  clis.push(cli);
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/[\d.:]+)/);
  return { cli, url: url! };
}

async function app(handler?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

let sequence = 0;
/** svix-* headers made by the real svix library, as Scan Documents' sender makes them. */
function signed(body: string | Buffer, options: { secret?: string; id?: string; timestamp?: number } = {}): Record<string, string> {
  const id = options.id ?? `msg_e2e${Date.now()}${++sequence}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const payload = typeof body === 'string' ? body : body.toString('utf8');
  const signature = new Webhook(options.secret ?? TEST_SECRET).sign(id, new Date(timestamp * 1000), payload);
  return { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signature };
}

function event(type: string, id = `event_e2e${++sequence}`): string {
  return JSON.stringify(buildEvent(type, { id }));
}

async function deliver(url: string, body: string | Buffer, headers: Record<string, string>, path = '/webhooks') {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('listen: start-up and shutdown', () => {
  it('prints the URL, the masked secret and a ready line; Ctrl-C prints the summary and exits 0', async () => {
    const { cli, url } = await listen();
    expect(cli.stdout()).toContain(`url       ${url} (any path)`);
    expect(cli.stdout()).toContain('secret    whsec_c2Nh•••••• (the built-in test secret; --print-secret shows it)');
    expect(cli.stdout()).not.toContain(TEST_SECRET);
    const body = event('task.completed', 'event_summary1');
    expect((await deliver(url, body, signed(body))).status).toBe(200);
    expect((await deliver(url, body, { ...signed(body), 'svix-signature': 'v1,bm90IGl0' })).status).toBe(401);
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.stdout()).toContain('Stopped. 2 deliveries received: 1 verified, 1 failed verification');
    expect(cli.stdout()).toContain('by type    task.completed 2');
    expect(cli.stdout()).toContain('answered   200 ×1 · 401 ×1');
    expect(cli.stderr()).toBe('');
  });

  it('Ctrl-C does not wait out a delivery held by --delay: it answers it at once and stops, exit 0 (issue 11)', async () => {
    const { cli, url } = await listen(['--delay', '30s']);
    const body = event('task.completed');
    const pending = fetch(`${url}/webhooks`, { method: 'POST', headers: signed(body), body }).then((r) => r.status);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await pending).toBe(200);
    expect(cli.stdout()).toContain('Stopped. 1 delivery received: 1 verified');
  });

  it('SIGTERM stops it the same way, exit 0', async () => {
    const { cli } = await listen();
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.stdout()).toContain('Stopped. 0 deliveries received');
  });

  it('--print-secret shows the secret whole; --secret and $SCANDOCS_WEBHOOK_SECRET are named as the source', async () => {
    const shown = await listen(['--print-secret', '--secret', SECRET]);
    expect(shown.cli.stdout()).toContain(`secret    ${SECRET} (--secret)`);
    const fromEnv = await listen([], { SCANDOCS_WEBHOOK_SECRET: SECRET });
    expect(fromEnv.cli.stdout()).toContain('secret    whsec_MfKQ•••••• (from $SCANDOCS_WEBHOOK_SECRET; --print-secret shows it)');
  });

  it('--json writes {"type":"ready","url":…} first on stdout, human lines on stderr, and a summary object at the end', async () => {
    const cli = startCli(['listen', '--port', '0', '--json']);
    clis.push(cli);
    await cli.waitFor(/Ready: waiting for deliveries on/);
    const ready = JSON.parse(cli.stdout().split('\n')[0]!);
    expect(ready).toMatchObject({ type: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(cli.stderr()).toContain('Ready: waiting for deliveries on');
    expect(await cli.stop()).toBe(0);
    const summary = jsonLines(cli.stdout()).at(-1);
    expect(summary).toMatchObject({ type: 'summary', received: 0, verified: 0, failed: 0, byType: {} });
  });

  it('answers a GET (a browser, a readiness probe) with 200 and does not count it as a delivery', async () => {
    const { cli, url } = await listen();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('scandocs-webhooks listen is running');
    await cli.waitFor(/GET \/ {2}not a delivery/);
    await cli.stop();
    expect(cli.stdout()).toContain('Stopped. 0 deliveries received');
  });

  it('port in use: one line, exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stdout, stderr } = await runCli(['listen', '--port', String(port)]);
      expect(code).toBe(2);
      expect(stderr).toBe(`error: port ${port} is in use: pass --port 0 for any free port, or stop the other process\n`);
      expect(stdout).toBe('');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('unreachable --forward-to, unwritable --record and bad flags: one line each, exit 2', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cases: Array<[string[], RegExp]> = [
      [['--forward-to', `http://127.0.0.1:${port}/webhooks`], new RegExp(`^error: --forward-to http://127.0.0.1:${port}/webhooks is unreachable: connection refused: .*\\(start your app first, or fix the URL\\)\n$`)],
      [['--record', join(dir, 'no-such-folder', 'events.jsonl')], /^error: cannot write --record file ".*events.jsonl": its folder does not exist \(choose a writable file, e.g. --record .\/events.jsonl\)\n$/],
      [['--record', dir], /^error: cannot write --record file ".*": it is a directory/],
      [['--respond', 'sometimes'], /^error: --respond "sometimes" is not a status sequence: use HTTP statuses 200-599 separated by commas/],
      [['--events', 'task.complete'], /^error: --events "task.complete" matches no Scan Documents event type: did you mean task.completed\?/],
      [['--port', 'http'], /^error: --port "http" is not a port: use a number from 1 to 65535, or 0 for any free port\n$/],
      [['--max-body', 'huge'], /^error: invalid --max-body "huge"/],
      [['--forward-timeout', 'forever'], /^error: invalid --forward-timeout "forever"/],
      [['--secret', 'sk_live_123'], /^error: invalid secret: the secret looks like an API key/],
    ];
    for (const [args, expected] of cases) {
      const { code, stderr } = await runCli(['listen', '--port', '0', ...args]);
      expect(stderr, args.join(' ')).toMatch(expected);
      expect(code, args.join(' ')).toBe(2);
    }
  });
});

describe('listen: receiving and verifying', () => {
  it('answers a delivery signed by svix 200 and prints one line: time, method, path, type, id, ✓, status, latency', async () => {
    const { cli, url } = await listen();
    const body = event('task.completed', 'event_line1');
    const response = await deliver(url, body, signed(body), '/hooks/scan');
    expect(response.status).toBe(200);
    const [line] = await cli.waitFor(/.*event_line1.*/);
    expect(line).toMatch(/^\d\d:\d\d:\d\d {2}POST \/hooks\/scan {2}task\.completed {2}event_line1 {2}✓ verified {2}→ 200 {2}\d+(\.\d)?ms$/);
  });

  it('answers 401 with the exact reason verify gives: wrong secret, re-serialized body, stale timestamp, missing headers', async () => {
    const { cli, url } = await listen(['--secret', SECRET]);
    const body = event('file.deleted', 'event_bad1');
    const wrongSecret = await deliver(url, body, signed(body));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.text).toContain('signed-with-other-secret');
    await cli.waitFor(/event_bad1 {2}✗ signed-with-other-secret: the signature was made with the built-in test secret \(whsec_c2Nh••••••\), not the secret given: use the same secret on both sides {2}→ 401/);

    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect((await deliver(url, reserialized, signed(body, { secret: SECRET }))).status).toBe(401);
    await cli.waitFor(/✗ body-reserialized: the signature matches the minified form of this JSON, not these bytes/);

    const old = Math.floor(Date.now() / 1000) - 3_600;
    expect((await deliver(url, body, signed(body, { secret: SECRET, timestamp: old }))).status).toBe(401);
    await cli.waitFor(/✗ timestamp-too-old: svix-timestamp is 36\d\d s too old \(tolerance 300 s\)/);

    expect((await deliver(url, body, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' })).status).toBe(401);
    await cli.waitFor(/✗ missing-headers: missing svix-id, svix-timestamp and svix-signature headers .*found stripe-signature/);
  });

  it('several --secret verify during key rotation', async () => {
    const { cli, url } = await listen(['--secret', SECRET, '--secret', ROTATED]);
    const body = event('task.created');
    expect((await deliver(url, body, signed(body, { secret: SECRET }))).status).toBe(200);
    expect((await deliver(url, body, signed(body, { secret: ROTATED }))).status).toBe(200);
    expect(cli.stdout()).toContain('secret    whsec_MfKQ••••••, whsec_b3Ro•••••• (--secret');
  });

  it('--skip-verify accepts unsigned deliveries and says so on every line', async () => {
    const { cli, url } = await listen(['--skip-verify']);
    expect(cli.stdout()).toContain('secret    none: --skip-verify accepts every delivery without checking its signature');
    const body = event('file.created', 'event_unsigned1');
    expect((await deliver(url, body, { 'content-type': 'application/json' })).status).toBe(200);
    await cli.waitFor(/event_unsigned1 {2}⚠ unverified \(--skip-verify\) {2}→ 200/);
    await cli.stop();
    expect(cli.stdout()).toContain('1 unverified (--skip-verify)');
  });

  it('flags a repeated svix-id: a retry after a failure, a duplicate after a success', async () => {
    const { cli, url } = await listen(['--respond', '500,200']);
    const body = event('task.failed', 'event_repeat1');
    const id = 'msg_repeat1';
    expect((await deliver(url, body, signed(body, { id }))).status).toBe(500);
    expect((await deliver(url, body, signed(body, { id }))).status).toBe(200);
    expect((await deliver(url, body, signed(body, { id }))).status).toBe(200);
    await cli.waitFor(/event_repeat1 .*↻ duplicate #3/);
    const lines = cli.stdout().split('\n').filter((l) => l.includes('event_repeat1'));
    expect(lines[0]).not.toContain('↻');
    expect(lines[1]).toContain('↻ retry #2  → 200');
    expect(lines[2]).toContain('↻ duplicate #3  → 200');
  });

  it('-v adds the headers and the body as indented JSON, and marks a body that is not JSON', async () => {
    const { cli, url } = await listen(['-v', '--skip-verify']);
    const body = event('file.deleted', 'event_verbose1');
    await deliver(url, body, signed(body));
    await cli.waitFor(/"id": "event_verbose1",\n/);
    expect(cli.stdout()).toMatch(/ {4}headers\n {6}host: 127\.0\.0\.1:\d+\n/);
    expect(cli.stdout()).toMatch(/ {6}svix-id: msg_e2e\d+\n/);
    expect(cli.stdout()).toMatch(/ {4}body\n {6}\{\n {8}"id": "event_verbose1",\n {8}"type": "file\.deleted",/);
    await deliver(url, 'plain text, not json', {});
    await cli.waitFor(/ {4}body \(not JSON, shown raw\)\n {6}plain text, not json/);
  });

  it("--events 'task.*' answers other types 200 with a dim line, and does not forward them", async () => {
    const target = await app((_req, res) => void res.end('app'));
    const { cli, url } = await listen(['--events', 'task.*', '--forward-to', `${target.url}/webhooks`]);
    const file = event('file.created', 'event_filtered1');
    const task = event('task.created', 'event_kept1');
    expect((await deliver(url, file, signed(file))).status).toBe(200);
    expect((await deliver(url, task, signed(task))).status).toBe(200);
    await cli.waitFor(/file\.created {4}event_filtered1 {2}filtered out by --events {2}→ 200/);
    await cli.waitFor(/event_kept1 {2}✓ verified {2}→ 200/);
    expect(target.requests.map((r) => JSON.parse(r.body.toString()).id)).toEqual(['event_kept1']);
  });
});

describe('listen: rehearsing failures', () => {
  it('--respond 500,500,200 walks the sequence per svix-id, and a new svix-id starts it again', async () => {
    const { cli, url } = await listen(['--respond', '500,500,200']);
    const body = event('task.completed');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver(url, body, signed(body, { id: 'msg_seq1' }))).status);
    statuses.push((await deliver(url, body, signed(body, { id: 'msg_seq2' }))).status);
    expect(statuses).toEqual([500, 500, 200, 200, 500]);
    // Lines come in the order answered; the last one is msg_seq2 starting the sequence again.
    await cli.waitFor(/→ 500 \(--respond 500,500,200: 1\/3\)[^]*→ 500 \(--respond 500,500,200: 2\/3\)[^]*→ 200 \(--respond 500,500,200: 3\/3\)[^]*→ 500 \(--respond 500,500,200: 1\/3\)/);
  });

  it('--respond task.failed=500 fails one type only; --fail-header rides on the failures', async () => {
    const { url } = await listen(['--respond', 'task.failed=500', '--fail-header', 'Retry-After: 120', '--fail-header', 'webhook-delivery: abort-message']);
    const failed = event('task.failed');
    const completed = event('task.completed');
    const failure = await deliver(url, failed, signed(failed));
    expect(failure.status).toBe(500);
    expect(failure.headers.get('retry-after')).toBe('120');
    expect(failure.headers.get('webhook-delivery')).toBe('abort-message');
    const success = await deliver(url, completed, signed(completed));
    expect(success.status).toBe(200);
    expect(success.headers.get('retry-after')).toBeNull();
  });

  it('--fail-rate 1 fails every delivery and --fail-rate 0 none', async () => {
    const always = await listen(['--fail-rate', '1']);
    const never = await listen(['--fail-rate', '0']);
    const body = event('file.created');
    for (let i = 0; i < 5; i++) {
      expect((await deliver(always.url, body, signed(body))).status).toBe(500);
      expect((await deliver(never.url, body, signed(body))).status).toBe(200);
    }
    await always.cli.waitFor(/→ 500 \(--fail-rate 1\)/);
  });

  it('--delay answers late, and says when the sender had already hung up', async () => {
    const { cli, url } = await listen(['--delay', '700ms']);
    const body = event('task.completed', 'event_late1');
    const started = Date.now();
    expect((await deliver(url, body, signed(body))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    await cli.waitFor(/event_late1 .*→ 200 after --delay 700ms/);

    const impatient = event('task.completed', 'event_gone1');
    const abandoned = await fetch(`${url}/webhooks`, { method: 'POST', headers: signed(impatient), body: impatient, signal: AbortSignal.timeout(200) }).catch((e: Error) => e);
    expect(abandoned).toBeInstanceOf(Error);
    await cli.waitFor(/event_gone1 .*→ 200 after --delay 700ms {2}\d+ms {2}the sender had hung up/);
  });
});

describe('listen: forwarding', () => {
  it('forwards the method, headers and raw body byte for byte, and answers with the app status and body', async () => {
    const target = await app((req, res) => {
      // The app verifies the signature on what it received, as a real handler does.
      new Webhook(TEST_SECRET).verify(req.body.toString('utf8'), req.headers as Record<string, string>);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"received":true,"queued":"yes"}');
    });
    const { cli, url } = await listen(['--forward-to', `${target.url}/webhooks?tenant=1`]);
    // Odd spacing and a non-ASCII name: any re-serialization would break the app's verification.
    const body = `{"id":"event_fwd1", "type":"file.created",\n "timestamp":"${new Date().toISOString()}","data":{"name":"reçu fiscal"}}`;
    const headers = { ...signed(body), 'x-trace': 'abc' };
    const response = await deliver(url, body, headers, '/anything');
    expect(response.status).toBe(202);
    expect(response.text).toBe('{"received":true,"queued":"yes"}');
    expect(response.headers.get('content-type')).toBe('application/json');

    const received = target.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/webhooks?tenant=1');
    expect(received.body.equals(Buffer.from(body))).toBe(true);
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature', 'content-type', 'x-trace']) expect(received.headers[name]).toBe(headers[name as keyof typeof headers]);
    // The body is a partial file.created: since issue 20 its line also carries the drift mark before the answer.
    await cli.waitFor(/event_fwd1 {2}✓ verified {2}⚠ file\.created: data\.\S+ is missing \(Scan Documents may have changed this event; check your handler\) {2}→ 202 {2}\S+ {2}⇢ app 202 in \S+: \{"received":true,"queued":"yes"\}/);
  });

  it("answers the sender with the app's failure status, so the sender retries as in production", async () => {
    let calls = 0;
    const target = await app((_req, res) => {
      res.statusCode = ++calls === 1 ? 503 : 200;
      res.end(calls === 1 ? 'database down' : 'ok');
    });
    const { url } = await listen(['--forward-to', target.url]);
    const body = event('task.completed');
    expect((await deliver(url, body, signed(body, { id: 'msg_fwdretry' }))).status).toBe(503);
    expect((await deliver(url, body, signed(body, { id: 'msg_fwdretry' }))).status).toBe(200);
    expect(target.requests).toHaveLength(2);
  });

  it("per-type routes: 'task.*=URL' goes to one app, the plain URL catches the rest", async () => {
    const tasks = await app();
    const rest = await app();
    const { url } = await listen(['--forward-to', rest.url, '--forward-to', `task.*=${tasks.url}/tasks`]);
    for (const type of ['task.completed', 'file.created', 'task.failed']) {
      const body = event(type);
      expect((await deliver(url, body, signed(body))).status).toBe(200);
    }
    expect(tasks.requests.map((r) => JSON.parse(r.body.toString()).type)).toEqual(['task.completed', 'task.failed']);
    expect(rest.requests.map((r) => JSON.parse(r.body.toString()).type)).toEqual(['file.created']);
  });

  it('--respond overrides the status answered while the app still receives every attempt', async () => {
    const target = await app();
    const { url } = await listen(['--forward-to', target.url, '--respond', '500,200']);
    const body = event('task.completed');
    expect((await deliver(url, body, signed(body, { id: 'msg_both' }))).status).toBe(500);
    expect((await deliver(url, body, signed(body, { id: 'msg_both' }))).status).toBe(200);
    expect(target.requests).toHaveLength(2);
  });

  it('does not forward what fails verification', async () => {
    const target = await app();
    const { url } = await listen(['--forward-to', target.url]);
    const body = event('task.completed');
    expect((await deliver(url, body, signed(body, { secret: SECRET }))).status).toBe(401);
    expect(target.requests).toHaveLength(0);
  });

  it('app down: 502 and a clear line; app too slow: 504; the listener keeps serving', async () => {
    const slow = await app(async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      res.end('late');
    });
    const down = await app();
    const { cli, url } = await listen(['--forward-to', `task.failed=${slow.url}`, '--forward-to', down.url, '--forward-timeout', '300ms']);
    await down.close(); // the app stops after the listener started
    const file = event('file.created', 'event_down1');
    const failed = event('task.failed', 'event_slow1');
    const downAnswer = await deliver(url, file, signed(file));
    expect(downAnswer.status).toBe(502);
    expect(downAnswer.text).toContain('connection refused');
    await cli.waitFor(/event_down1 .*→ 502 .*⇢ app unreachable: connection refused: nothing is listening on 127\.0\.0\.1:\d+, is your app running\?/);
    expect((await deliver(url, failed, signed(failed))).status).toBe(504);
    await cli.waitFor(/event_slow1 .*→ 504 .*⇢ app timed out: no answer within 300ms \(--forward-timeout\)/);
    const probe = await fetch(url);
    expect(probe.status).toBe(200);
  });
});

describe('listen: journal and --json', () => {
  it('--record appends one JSON line per delivery, on disk before the 2xx is answered', async () => {
    const journal = join(dir, 'events.jsonl');
    const target = await app((_req, res) => void res.end('stored'));
    const { url } = await listen(['--record', journal, '--forward-to', target.url]);
    const body = event('task.completed', 'event_rec1');
    const headers = signed(body, { id: 'msg_rec1' });
    expect((await deliver(url, body, headers, '/webhooks')).status).toBe(200);
    // Read right after the answer: the line must already be there.
    const [record] = readFileSync(journal, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as JournalRecord);
    expect(record).toMatchObject({
      type: 'delivery',
      method: 'POST',
      path: '/webhooks',
      body,
      bodyEncoding: 'utf8',
      messageId: 'msg_rec1',
      eventType: 'task.completed',
      eventId: 'event_rec1',
      verification: { ok: true, id: 'msg_rec1', family: 'svix' },
      status: 200,
      forward: { url: `${target.url}/`, status: 200 },
    });
    expect(record!.headers['svix-signature']).toBe(headers['svix-signature']);
    expect(Date.parse(record!.receivedAt)).toBeGreaterThan(Date.now() - 60_000);

    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect((await deliver(url, bad, signed(bad.toString('latin1')))).status).toBe(401);
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as JournalRecord);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ bodyEncoding: 'base64', status: 401, verification: { ok: false } });
    expect(Buffer.from(lines[1]!.body, 'base64').equals(bad)).toBe(true);
  });

  it('--json prints one object per delivery on stdout with what the line shows plus headers and body', async () => {
    const cli = startCli(['listen', '--port', '0', '--json', '--respond', '503']);
    clis.push(cli);
    const [, url] = await cli.waitFor(/"url":"(http:\/\/[\d.:]+)"/);
    const body = event('file.deleted', 'event_json1');
    const headers = signed(body, { id: 'msg_json1' });
    expect((await deliver(url!, body, headers, '/j')).status).toBe(503);
    await cli.waitFor(/"type":"delivery"/);
    await cli.waitFor(/\d\d:\d\d:\d\d {2}POST \/j {2}file\.deleted/);
    const delivery = jsonLines(cli.stdout()).find((o) => o.type === 'delivery')!;
    expect(delivery).toMatchObject({
      type: 'delivery',
      method: 'POST',
      path: '/j',
      messageId: 'msg_json1',
      attempt: 1,
      eventType: 'file.deleted',
      eventId: 'event_json1',
      verified: true,
      verification: { ok: true },
      filtered: false,
      status: 503,
      policy: { source: 'respond', rule: '503', step: 1, steps: 1 },
      senderGone: false,
      body,
      bodyEncoding: 'utf8',
    });
    expect(typeof delivery.latencyMs).toBe('number');
    expect(delivery.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((delivery.headers as Record<string, string>)['svix-id']).toBe('msg_json1');
    // Human lines went to stderr, not mixed into the JSON stream.
    expect(cli.stderr()).toContain('event_json1');
    expect(cli.stdout().split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
  });
});

describe('listen: bad input', () => {
  it('answers each bad request with the right status and a clear line, and keeps serving', async () => {
    const { cli, url } = await listen(['--max-body', '2kb']);

    const malformed = '{"type": "task.completed", ';
    const r1 = await deliver(url, malformed, signed(malformed));
    expect(r1.status).toBe(400);
    await cli.waitFor(/✓ verified {2}✗ invalid-json: the body is not JSON \(.*\) {2}→ 400/);

    // Signed over the raw bytes (svix's sign() decodes a Buffer as UTF-8 first, which would change them).
    const notUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = Buffer.from(TEST_SECRET.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`msg_utf8.${timestamp}.`).update(notUtf8).digest('base64');
    expect((await deliver(url, notUtf8, { 'svix-id': 'msg_utf8', 'svix-timestamp': timestamp, 'svix-signature': `v1,${mac}` })).status).toBe(400);
    await cli.waitFor(/✓ verified {2}✗ invalid-utf8: the body \(10 bytes\) is not valid UTF-8, so it cannot be JSON {2}→ 400/);

    expect((await deliver(url, '{}', { 'svix-id': 'x', 'svix-timestamp': 'soon', 'svix-signature': 'v1,x' })).status).toBe(401);
    await cli.waitFor(/✗ invalid-timestamp: svix-timestamp "soon" is not unix seconds/);

    const empty = '';
    expect((await deliver(url, empty, signed(empty))).status).toBe(400);
    await cli.waitFor(/✗ empty-body: the body is empty: a Scan Documents event is a JSON object {2}→ 400/);

    const garbageSignature = event('task.completed');
    expect((await deliver(url, garbageSignature, { ...signed(garbageSignature), 'svix-signature': 'garbage' })).status).toBe(401);
    await cli.waitFor(/✗ no-signatures: svix-signature holds no signature/);

    const big = JSON.stringify({ ...buildEvent('task.completed'), padding: 'x'.repeat(3_000) });
    const tooLarge = await deliver(url, big, signed(big));
    expect(tooLarge.status).toBe(413);
    await cli.waitFor(/POST \/webhooks {2}✗ body-too-large: body of \d\.\d KiB is over the 2 KiB limit \(raise it with --max-body\) {2}→ 413/);

    const hugeHeaders = await fetch(`${url}/webhooks`, { method: 'POST', headers: { ...signed('{}'), 'x-huge': 'h'.repeat(20_000) }, body: '{}' });
    expect(hugeHeaders.status).toBe(431);
    await cli.waitFor(/✗ headers-too-large: request headers are over the 16 KiB limit {2}→ 431/);

    // A client that sends half a body and hangs up.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1', () => {
        socket.write('POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"id":"event_');
        setTimeout(() => (socket.destroy(), resolve()), 100);
      });
    });
    await cli.waitFor(/✗ aborted: the client went away after sending 13 B of the body; nothing was answered$/m);

    const good = event('task.completed', 'event_still1');
    expect((await deliver(url, good, signed(good))).status).toBe(200);
    await cli.waitFor(/event_still1 {2}✓ verified {2}→ 200/);
    expect(await cli.stop()).toBe(0);
    expect(cli.stdout()).toContain('3 requests rejected before verification');
  });
});

describe('listen with trigger and replay as the sender', () => {
  it('trigger delivers a signed event that listen verifies', async () => {
    const { cli, url } = await listen();
    const sent = await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`]);
    expect(sent.code).toBe(0);
    await cli.waitFor(/POST \/webhooks {2}task\.completed {2}event_\w+ {2}✓ verified {2}→ 200/);
  });

  it("--respond 500,500,200 makes trigger's retries meet 500, 500, then 200 under one svix-id", async () => {
    const cli = startCli(['listen', '--port', '0', '--json', '--respond', '500,500,200']);
    clis.push(cli);
    const [, url] = await cli.waitFor(/"url":"(http:\/\/[\d.:]+)"/);
    const sent = await runCli(['trigger', 'task.failed', '--url', `${url}/webhooks`, '--schedule', '0,100ms,100ms,100ms']);
    expect(sent.code).toBe(0);
    await cli.waitFor(/"attempt":3/);
    const deliveries = jsonLines(cli.stdout()).filter((o) => o.type === 'delivery');
    expect(deliveries.map((d) => [d.attempt, d.repeat, d.status, d.verified])).toEqual([
      [1, undefined, 500, true],
      [2, 'retry', 500, true],
      [3, 'retry', 200, true],
    ]);
    expect(new Set(deliveries.map((d) => d.messageId)).size).toBe(1);
  });

  it('a journal written by listen --record replays byte for byte with replay', async () => {
    const journal = join(dir, 'replayed.jsonl');
    const first = await listen(['--record', journal]);
    const body = `{"id":"event_replay1",  "type":"task.created", "timestamp":"${new Date().toISOString()}", "data":{"id":"task_1","operation":"warp"}}`;
    expect((await deliver(first.url, body, signed(body, { id: 'msg_replay1' }))).status).toBe(200);

    const target = await app();
    const replayed = await runCli(['replay', journal, '--url', `${target.url}/webhooks`]);
    expect(replayed.code).toBe(0);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]!.body.equals(Buffer.from(body))).toBe(true);
    expect(target.requests[0]!.headers['svix-id']).toBe('msg_replay1');
    // Re-signed with a fresh timestamp, so it verifies.
    expect(() => new Webhook(TEST_SECRET).verify(target.requests[0]!.body.toString(), target.requests[0]!.headers as Record<string, string>)).not.toThrow();
  });
});

describe('listen: edge cases', () => {
  it('verifies the unbranded webhook-* headers too', async () => {
    const { cli, url } = await listen();
    const body = event('task.deleted', 'event_unbranded1');
    const svix = signed(body, { id: 'msg_unbranded1' });
    const headers = { 'content-type': 'application/json', 'webhook-id': svix['svix-id']!, 'webhook-timestamp': svix['svix-timestamp']!, 'webhook-signature': svix['svix-signature']! };
    expect((await deliver(url, body, headers)).status).toBe(200);
    await cli.waitFor(/event_unbranded1 {2}✓ verified {2}→ 200/);
  });

  it.skipIf(!existsSync('/dev/full'))('a journal that cannot be written answers 500, so nothing is acknowledged unrecorded', async () => {
    const { cli, url } = await listen(['--record', '/dev/full']);
    const body = event('task.completed', 'event_full1');
    const response = await deliver(url, body, signed(body));
    expect(response.status).toBe(500);
    expect(response.text).toContain('could not record this delivery');
    await cli.waitFor(/event_full1 {2}✓ verified {2}✗ not recorded: ENOSPC: no space left on device, write {2}→ 500/);
  });
});
