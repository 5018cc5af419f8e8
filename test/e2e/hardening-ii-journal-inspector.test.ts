// Regression tests for issue 19 ("Hardening II"), part B: the inspector, the journal and replay under hostile or
// unlucky input, and control characters on the terminal. Each test spawns the real CLI and was seen failing on the
// code before its fix.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-hardening-ii-'));

const clis: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(clis.splice(0).map((cli) => cli.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Listener {
  cli: RunningCli;
  url: string;
  port: number;
  /** The inspector, when it was not turned off. */
  origin?: string;
  token?: string;
}

async function listen(args: string[] = []): Promise<Listener> {
  const cli = startCli(['listen', '--port', '0', ...(args.includes('--no-inspect') ? [] : ['--inspect-port', '0']), ...args]);
  clis.push(cli);
  const [, url, port] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/127\.0\.0\.1:(\d+))/);
  const inspect = /inspect\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(cli.stdout() + cli.stderr())?.[1];
  const parsed = inspect ? new URL(inspect) : undefined;
  return { cli, url: url!, port: Number(port), origin: parsed?.origin, token: parsed?.searchParams.get('token') ?? undefined };
}

async function app(): Promise<TestServer> {
  const server = await startServer();
  servers.push(server);
  return server;
}

/** The inspector's API as the page calls it, with the token as a bearer header (never in the URL). */
function api(l: Listener, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${l.origin}${path}`, { ...init, headers: { authorization: `Bearer ${l.token}`, ...(init.headers as Record<string, string>) } });
}

/** The body of an API answer, as the test reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(response: Promise<Response> | Response): Promise<any> {
  return (await response).json();
}

function postJson(l: Listener, path: string, value: unknown): Promise<Response> {
  return api(l, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
}

let sequence = 0;
function signed(body: string | Buffer, options: { id?: string; secret?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_b19${Date.now()}${++sequence}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = new Webhook(options.secret ?? TEST_SECRET).sign(id, new Date(timestamp * 1000), body.toString());
  return { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signature };
}

function event(type = 'task.completed', id = `event_b19n${++sequence}`): string {
  return JSON.stringify(buildEvent(type, { id }));
}

async function deliver(url: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${url}/webhooks`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('replay of a journal recorded with --skip-verify (issue 19 defect 7)', () => {
  it('does not re-sign deliveries that were never verified unless --include-unverified', async () => {
    const path = join(dir, 'skip-verify.jsonl');
    const { cli, url } = await listen(['--no-inspect', '--skip-verify', '--record', path]);
    const forged = event('task.failed', 'event_forged19');
    expect((await deliver(url, forged, { ...signed(forged), 'svix-signature': 'v1,Zm9yZ2Vk' })).status).toBe(200);
    await cli.stop('SIGINT');

    const target = await app();
    const refused = await runCli(['replay', path, '--url', target.url, '--no-retries']);
    expect(refused.stderr).toContain(`all 1 matching deliveries in ${path} was recorded without signature verification: pass --include-unverified to send them anyway`);
    expect(refused.code).toBe(2);
    expect(target.requests).toHaveLength(0);

    const sent = await runCli(['replay', path, '--url', target.url, '--no-retries', '--include-unverified']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(target.requests.map((r) => JSON.parse(r.body.toString()).id)).toEqual(['event_forged19']);
  });

  it('skips the never-verified ones of a mixed journal and says how many', async () => {
    const path = join(dir, 'mixed.jsonl');
    const skipping = await listen(['--no-inspect', '--skip-verify', '--record', path]);
    const forged = event('task.failed', 'event_mixed_forged');
    expect((await deliver(skipping.url, forged, { 'content-type': 'application/json' })).status).toBe(200);
    await skipping.cli.stop('SIGINT');
    const verifying = await listen(['--no-inspect', '--record', path]);
    const real = event('task.completed', 'event_mixed_real');
    expect((await deliver(verifying.url, real, signed(real))).status).toBe(200);
    await verifying.cli.stop('SIGINT');

    const target = await app();
    const result = await runCli(['replay', path, '--url', target.url, '--no-retries']);
    expect(result.code, result.stderr).toBe(0);
    expect(target.requests.map((r) => JSON.parse(r.body.toString()).id)).toEqual(['event_mixed_real']);
    expect(result.stdout).toContain('skipped 1 recorded delivery that was recorded without signature verification (--include-unverified sends them)');
  });

  it("the inspector's replay does not re-sign a delivery recorded without verification", async () => {
    const path = join(dir, 'skip-verify-inspector.jsonl');
    const skipping = await listen(['--no-inspect', '--skip-verify', '--record', path]);
    const forged = event('task.failed', 'event_forged_inspector');
    expect((await deliver(skipping.url, forged, { 'content-type': 'application/json', 'svix-id': 'msg_forged19' })).status).toBe(200);
    await skipping.cli.stop('SIGINT');

    // A verifying listener (it holds a secret that signs) on the same journal lists the past delivery.
    const l = await listen(['--record', path]);
    const list = await json(api(l, '/api/deliveries'));
    expect(list.items.map((s: { eventId: string; verified: boolean | null }) => [s.eventId, s.verified])).toEqual([['event_forged_inspector', null]]);
    const seq = list.items[0].seq;
    for (const signature of ['fresh', 'new-id']) {
      const response = await postJson(l, `/api/deliveries/${seq}/replay`, { target: 'url', url: `${l.url}/x`, signature });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toContain('never verified');
    }
  });
});

describe('the inspector token stays out of API URLs (issue 19, smaller: ?token= only on the page URL)', () => {
  it('refuses ?token= on /api/ URLs, and takes it on the page URL, which trades it for the cookie the API accepts', async () => {
    const l = await listen();
    for (const path of ['/api/info', '/api/deliveries', '/api/events', '/api/export.jsonl']) {
      const response = await fetch(`${l.origin}${path}?token=${l.token}`);
      expect(response.status, path).toBe(401);
      expect((await json(response)).error).toContain('a ?token= in an API URL is not accepted');
    }
    const page = await fetch(`${l.origin}/?token=${l.token}`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${l.origin}/api/info`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${l.origin}/`, { headers: { cookie } })).status).toBe(200);
    expect((await api(l, '/api/info')).status).toBe(200);
  });
});

/** Every character that must never reach a terminal or a script raw (line feed and tab aside). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffd]/;

function rawControlsIn(text: string): string[] {
  return [...text].filter((c) => RAW_CONTROL.test(c)).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A POST whose header values may carry bytes 0x80–0xff (sent as they are, read back by Node as latin1). */
function postRaw(url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/webhooks`, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('control characters never reach terminals or scripts raw (issue 19 defect 9)', () => {
  const id = 'msg_c1\u009b31m\u0085x';
  const text = JSON.stringify({ ...buildEvent('task.completed', { id: 'event_ctl19' }), note: 'a\u009b2Jb\u007fc\u202ed\u2066e\u2028f\u200fg\u061ch' });

  it('listen --json escapes C1, DEL, bidi and U+2028 in strings as \\uXXXX, and the human lines escape them too', async () => {
    const path = join(dir, 'controls.jsonl');
    const l = await listen(['--no-inspect', '--json', '--record', path]);
    const human = await listen(['--no-inspect', '-v']);
    for (const target of [l, human]) expect(await postRaw(target.url, signed(text, { id }), Buffer.from(text))).toBe(200);
    await l.cli.waitFor(/"type":"delivery"/);
    await human.cli.waitFor(/event_ctl19/);
    await Promise.all([l.cli.stop('SIGINT'), human.cli.stop('SIGINT')]);
    const line = l.cli.stdout().split('\n').find((x) => x.includes('"type":"delivery"'))!;
    expect(rawControlsIn(l.cli.stdout() + l.cli.stderr())).toEqual([]);
    expect(rawControlsIn(human.cli.stdout() + human.cli.stderr())).toEqual([]);
    expect(line).toContain('"svix-id":"msg_c1\\u009b31m\\u0085x"');
    expect(line).toContain('a\\u009b2Jb\\u007fc\\u202ed\\u2066e\\u2028f\\u200fg\\u061ch');
    // Escaped, not changed: the line parses back to the very bytes received.
    const parsed = JSON.parse(line);
    expect(parsed.headers['svix-id']).toBe(id);
    expect(parsed.body).toBe(text);
  });

  it('replay -v shows a recorded svix-id\'s C1 bytes escaped', async () => {
    const path = join(dir, 'controls-replay.jsonl');
    const l = await listen(['--no-inspect', '--record', path]);
    expect(await postRaw(l.url, signed(text, { id }), Buffer.from(text))).toBe(200);
    await l.cli.stop('SIGINT');
    const target = await app();
    const result = await runCli(['replay', path, '--url', target.url, '--no-retries', '-v']);
    expect(result.code, result.stderr).toBe(0);
    expect(target.requests[0]!.headers['svix-id']).toBe(id);
    expect(rawControlsIn(result.stdout + result.stderr)).toEqual([]);
    expect(result.stdout).toContain('> svix-id: msg_c1\\x9b31m\\x85x');
    const json = await runCli(['replay', path, '--url', target.url, '--no-retries', '--json']);
    expect(rawControlsIn(json.stdout + json.stderr)).toEqual([]);
  });

  it("verify's invalid-timestamp message quotes the header escaped (ESC, BEL), in lines and in --json", async () => {
    const headers = join(dir, 'controls-headers.txt');
    writeFileSync(headers, 'svix-id: msg_1\nsvix-timestamp: 1\u001b]0;pwned\u0007\u009b\nsvix-signature: v1,Zm9v\n');
    const common = ['verify', '--payload', '{}', '--secret', TEST_SECRET];
    for (const args of [
      [...common, '--headers', `@${headers}`],
      [...common, '--headers', `@${headers}`, '--json'],
      [...common, '--id', 'msg_1', '--signature', 'v1,Zm9v', '--timestamp', '12\u001b[31m\u0007'],
    ]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout + result.stderr).toContain('invalid-timestamp');
      expect(rawControlsIn(result.stdout + result.stderr), args.join(' ')).toEqual([]);
    }
  });
});

/** A JSON event body of exactly `bytes` bytes, its padding made of `fill`. */
function sizedEvent(bytes: number, id: string, fill = 'a'): Buffer {
  const head = `{"id":"${id}","type":"task.completed","data":{},"pad":"`;
  return Buffer.from(`${head}${fill.repeat(bytes - head.length - 2)}"}`);
}

describe('a body up to --max-body is kept whole by the in-memory inspector, and replayed whole (issue 19 defect 5)', () => {
  const MAX_BODY = 1024 * 1024;

  it('keeps 1,048,547 bytes and the largest accepted body (1 MiB) whole, and their replay sends every byte', async () => {
    const l = await listen();
    const target = await app();
    const sizes = [1_048_547, MAX_BODY];
    for (const [n, size] of sizes.entries()) {
      const body = sizedEvent(size, `event_big${n}`);
      expect((await deliver(l.url, body, signed(body))).status).toBe(200);
    }
    expect((await deliver(l.url, sizedEvent(MAX_BODY + 1, 'event_over'), signed(sizedEvent(MAX_BODY + 1, 'event_over')))).status).toBe(413);
    for (const [n, size] of sizes.entries()) {
      const detail = await json(api(l, `/api/deliveries/${n + 1}`));
      expect(detail.bodyKept).toBeUndefined();
      expect(detail.bodyBytes).toBe(size);
      expect(detail.body).toBe(sizedEvent(size, `event_big${n}`).toString());
      const replayed = await json(postJson(l, `/api/deliveries/${n + 1}/replay`, { target: 'url', url: `${target.url}/in`, signature: 'fresh' }));
      expect(replayed.result.status).toBe(200);
      expect(target.requests.at(-1)!.body.equals(sizedEvent(size, `event_big${n}`))).toBe(true);
    }
  });

  it('across the first wrap of its 4 MiB ring, every delivery it lists reads back whole', async () => {
    const l = await listen();
    const sent = new Map<number, Buffer>();
    for (let n = 1; n <= 7; n++) {
      const body = sizedEvent(900_000 + n * 20_011, `event_wrap${n}`, String.fromCharCode(96 + n));
      sent.set(n, body);
      expect((await deliver(l.url, body, signed(body))).status).toBe(200);
    }
    const listed = (await json(api(l, '/api/deliveries'))).items.map((s: { seq: number }) => s.seq);
    expect(listed[0]).toBe(7);
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed.length).toBeLessThan(7);
    for (const seq of listed) {
      const detail = await json(api(l, `/api/deliveries/${seq}`));
      expect(detail.bodyKept, `seq ${seq}`).toBeUndefined();
      expect(detail.body === sent.get(seq)!.toString(), `seq ${seq}`).toBe(true);
    }
    expect((await api(l, '/api/deliveries/1')).status).toBe(404);
  });

  it('marks a body it did not keep as such and refuses to replay, copy or save it, never sending an empty body', async () => {
    const l = await listen(['--max-body', '2mb']);
    const target = await app();
    const body = sizedEvent(1_500_000, 'event_huge');
    expect((await deliver(l.url, body, signed(body))).status).toBe(200);
    const detail = await json(api(l, '/api/deliveries/1'));
    expect(detail).toMatchObject({ bodyKept: false, bodyBytes: 1_500_000, body: '' });
    for (const signature of ['fresh', 'new-id', 'original']) {
      for (const action of ['replay', 'curl']) {
        const response = await postJson(l, `/api/deliveries/1/${action}`, { target: 'url', url: `${target.url}/in`, signature });
        expect(response.status, `${action} ${signature}`).toBe(409);
        expect((await json(response)).error).toBe(
          'the body of delivery 1 (1,500,000 bytes) was too large for the in-memory history to keep, so it cannot be replayed or saved from here: record deliveries to a journal to keep every body',
        );
      }
    }
    expect((await api(l, '/api/deliveries/1/fixture')).status).toBe(409);
    const exported = await api(l, '/api/export.jsonl');
    expect(await exported.text()).toBe('');
    expect(exported.headers.get('x-deliveries-left-out')).toMatch(/^1 /);
    expect(target.requests).toHaveLength(0);
  });
});

describe('one deeply nested body does not blind the inspector API (issue 19 defect 2)', () => {
  /** 40 KB nested 20,000 deep. */
  const DEEP = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;

  for (const mode of ['in memory', 'with a journal']) {
    it(`answers every API call about it, /api/diff included, never 500 (${mode})`, async () => {
      const l = await listen(mode === 'in memory' ? [] : ['--record', join(dir, `deep-api-${Date.now()}.jsonl`)]);
      // Unsigned is enough: the listener answers 401 and lists it.
      expect((await deliver(l.url, DEEP, { 'content-type': 'application/json' })).status).toBe(401);
      const normal = event('task.completed', `event_after_deep_${mode.length}`);
      expect((await deliver(l.url, normal, signed(normal))).status).toBe(200);
      const deepOne = `${'['.repeat(300)}2${']'.repeat(300)}`;
      expect((await deliver(l.url, deepOne, { 'content-type': 'application/json' })).status).toBe(401);

      const list = await json(api(l, '/api/deliveries'));
      expect(list.items.map((s: { seq: number }) => s.seq)).toEqual([3, 2, 1]);
      const detail = await json(api(l, '/api/deliveries/1'));
      expect(detail.body).toBe(DEEP);
      for (const [a, b] of [[1, 2], [1, 1], [1, 3], [2, 3]]) {
        const response = await api(l, `/api/diff?a=${a}&b=${b}`);
        expect(response.status, `diff ${a} ${b}`).toBe(200);
        const diff = await json(response);
        // Too deep to compare field by field: compared as text, and said to be the same or not.
        expect(diff.body.kind).toBe('text');
        expect(diff.body.same).toBe(a === b);
      }
      for (const path of ['/api/info', '/api/deliveries?q=1', '/api/deliveries/1/fixture', '/api/export.jsonl', '/api/export.har']) {
        expect((await api(l, path)).status, path).toBe(200);
      }
      expect((await postJson(l, '/api/deliveries/1/curl', { target: 'listener', signature: 'original' })).status).toBe(400);
    });
  }
});

describe('a journal torn by a crash (issue 19 defect 3)', () => {
  it('a restarted listener ends the torn line first and says so; the next delivery is a whole line; replay skips the fragment, --strict refuses', async () => {
    const path = join(dir, `torn-restart-${Date.now()}.jsonl`);
    const first = await listen(['--no-inspect', '--record', path]);
    for (const id of ['event_torn_a', 'event_torn_b']) {
      const body = event('task.completed', id);
      expect((await deliver(first.url, body, signed(body))).status).toBe(200);
    }
    await first.cli.stop('SIGKILL');
    // What kill -9 during a large write leaves: the start of a line, without its newline.
    const whole = readFileSync(path, 'utf8');
    const fragment = whole.split('\n')[0]!.slice(0, 80);
    appendFileSync(path, fragment);

    const restarted = await listen(['--no-inspect', '--record', path]);
    await restarted.cli.waitFor(/line 3 was cut off/);
    expect(restarted.cli.stdout() + restarted.cli.stderr()).toContain(
      `warning: ${path} line 3 was cut off (80 bytes, the listener stopped mid-write; it was never answered 2xx): ended it, so new deliveries start on a line of their own (replay skips it with a warning)`,
    );
    const after = event('task.completed', 'event_torn_after');
    expect((await deliver(restarted.url, after, signed(after))).status).toBe(200);
    await restarted.cli.stop('SIGINT');
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[2]).toBe(fragment);
    // The acknowledged delivery is a whole line of its own.
    expect(JSON.parse(lines[3]!).eventId).toBe('event_torn_after');
    expect(lines[4]).toBe('');

    const target = await app();
    const replayed = await runCli(['replay', path, '--url', target.url, '--no-retries']);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain(`warning: ${path} line 3 is not JSON (cut off by a crash, or damaged): skipped (--strict refuses the journal instead)`);
    expect(target.requests.map((r) => JSON.parse(r.body.toString()).id)).toEqual(['event_torn_a', 'event_torn_b', 'event_torn_after']);

    const strict = await runCli(['replay', path, '--url', target.url, '--no-retries', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`error: ${path} line 3 is not JSON`);
    expect(target.requests).toHaveLength(3);
  });

  it('listen --json reports the repair as one JSON object, just after ready (which stays the first line)', async () => {
    const path = join(dir, `torn-json-${Date.now()}.jsonl`);
    writeFileSync(path, '{"type":"delivery","recei');
    const l = await listen(['--no-inspect', '--json', '--record', path]);
    await l.cli.waitFor(/"journal-repaired"/);
    const [ready, repaired] = l.cli.stdout().split('\n').map((line) => line && JSON.parse(line));
    expect(repaired).toEqual({ type: 'journal-repaired', path, line: 1, bytes: 25 });
    expect(ready.type).toBe('ready');
    expect(readFileSync(path, 'utf8')).toBe('{"type":"delivery","recei\n');
  });

  it('the inspector lists the deliveries around a line that is not JSON and names that line', async () => {
    const path = join(dir, `damaged-inspector-${Date.now()}.jsonl`);
    const first = await listen(['--no-inspect', '--record', path]);
    for (const id of ['event_dmg_a', 'event_dmg_b']) {
      const body = event('task.completed', id);
      expect((await deliver(first.url, body, signed(body))).status).toBe(200);
    }
    await first.cli.stop('SIGINT');
    const [a, b] = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, `${a}\n${b!.slice(0, 50)}${a}\n${b}\n`);
    const l = await listen(['--record', path]);
    const info = await json(api(l, '/api/info'));
    expect(info.history).toMatchObject({ damagedLines: [2], damagedCount: 1 });
    const list = await json(api(l, '/api/deliveries'));
    expect(list.items.map((s: { eventId: string }) => s.eventId)).toEqual(['event_dmg_b', 'event_dmg_a']);
  });
});
