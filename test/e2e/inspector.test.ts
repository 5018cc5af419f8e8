import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { listenWithInspector, rawRequest, type RunningInspector, inspectorApi as api, json } from '../helpers/inspector.js';
import { startServer } from '../helpers/server.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-inspector-'));

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop('SIGKILL')));
});

async function start(args: string[] = []): Promise<RunningInspector> {
  const inspector = await listenWithInspector(args);
  running.push(inspector.cli);
  return inspector;
}

async function trigger(url: string, ...args: string[]): Promise<void> {
  const result = await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`, ...args]);
  expect(result.code, result.stderr).toBe(0);
}

describe('listen: the inspector is served beside the listener', () => {
  it('prints its URL in the start-up block and in the --json ready object; --no-inspect serves none', async () => {
    const cli = startCli(['listen', '--port', '0', '--inspect-port', '0', '--json']);
    running.push(cli);
    await cli.waitFor(/Ready: waiting/);
    const ready = JSON.parse(cli.stdout().split('\n')[0]!);
    expect(ready.inspectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(cli.stderr()).toContain(`inspect   ${ready.inspectUrl}`);
    const page = await fetch(ready.inspectUrl, { redirect: 'manual' });
    expect(page.status).toBe(303);

    const off = startCli(['listen', '--port', '0', '--no-inspect', '--json']);
    running.push(off);
    await off.waitFor(/Ready: waiting/);
    expect(JSON.parse(off.stdout().split('\n')[0]!).inspectUrl).toBeUndefined();
    expect(off.stderr()).not.toContain('inspect ');
  });

  it('takes 4040 by default, or the next free port, and never the webhook port', async () => {
    const a = startCli(['listen', '--port', '0', '--json']);
    const b = startCli(['listen', '--port', '0', '--json']);
    running.push(a, b);
    await Promise.all([a.waitFor(/Ready: waiting/), b.waitFor(/Ready: waiting/)]);
    const [pa, pb] = [a, b].map((c) => Number(new URL(JSON.parse(c.stdout().split('\n')[0]!).inspectUrl).port));
    expect(pa).not.toBe(pb);
    for (const port of [pa, pb]) expect((await rawRequest(port!, { path: '/', headers: { host: `127.0.0.1:${port}` } })).status).toBe(401);

    const clash = await runCli(['listen', '--port', '0', '--inspect-port', String(pa)], { timeoutMs: 10_000 });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`--inspect-port ${pa} is in use: pass --inspect-port 0 for any free port, or --no-inspect`);
    const same = await runCli(['listen', '--port', '4999', '--inspect-port', '4999'], { timeoutMs: 10_000 });
    expect(same.code).toBe(2);
    expect(same.stderr).toBe('error: --inspect-port 4999 is the webhook port (--port): a tunnel would publish the page; choose another\n');
  });
});

describe('inspector security', () => {
  it('refuses a foreign Host (DNS rebinding), a missing or wrong token, and a POST from another origin', async () => {
    const i = await start();
    await trigger(i.url);
    const foreign = await rawRequest(i.port, { path: `/?token=${i.token}`, headers: { host: `evil.example:${i.port}` } });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('answers only to 127.0.0.1 or localhost');
    expect((await rawRequest(i.port, { path: '/api/deliveries', headers: { host: `rebind.example:${i.port}`, authorization: `Bearer ${i.token}` } })).status).toBe(403);

    expect((await fetch(`${i.origin}/`)).status).toBe(401);
    expect((await fetch(`${i.origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${i.origin}/api/deliveries`)).status).toBe(401);
    const noToken = await fetch(`${i.origin}/api/deliveries/1/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
    const crossSite = await api(i, '/api/deliveries/1/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    const form = await api(i, '/api/deliveries/1/replay', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });

  it('trades the URL token for an HttpOnly, SameSite=Strict cookie and serves the page under a strict CSP', async () => {
    const i = await start();
    const first = await fetch(i.inspectUrl, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toContain(`scandocs_inspector_${i.port}=${i.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await fetch(`${i.origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\/(?!127)/);
    const vendor = await fetch(`${i.origin}/vendor/htm-preact.js`);
    expect(vendor.status).toBe(200);
    expect(await vendor.text()).toContain('export{');
  });

  it('never sends the secret to the page: details and curl commands hold signatures only', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const i = await start(['--secret', secret]);
    await trigger(i.url, '--secret', secret);
    const everything = [
      await (await api(i, '/api/info')).text(),
      await (await api(i, '/api/deliveries')).text(),
      await (await api(i, '/api/deliveries/1')).text(),
      await (await api(i, '/api/deliveries/1/curl', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text(),
    ].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(6));
  });
});

describe('inspector API', () => {
  it('lists deliveries newest first with the size of its history, and filters them by type, status, verification and body text', async () => {
    const i = await start();
    await trigger(i.url, '--set', 'data.result.content=alpha.pdf');
    const r = await runCli(['trigger', 'file.created', '--url', `${i.url}/webhooks`, '--secret', 'whsec_b3RoZXItYXBwLXNlY3JldC0xMjM0NTY3OA==', '--no-retries']);
    expect(r.code).toBe(1);
    const all = await json(api(i, '/api/deliveries'));
    expect(all).toMatchObject({ held: 2, capacity: 1000, lastSeq: 2, more: false });
    expect(all.items.map((s: { eventType: string; status: number; verified: boolean }) => [s.eventType, s.status, s.verified])).toEqual([
      ['file.created', 401, false],
      ['task.completed', 200, true],
    ]);
    const ids = async (q: string) => (await json(api(i, `/api/deliveries?${q}`))).items.map((s: { seq: number }) => s.seq);
    expect(await ids('type=task.completed')).toEqual([1]);
    expect(await ids('status=4xx')).toEqual([2]);
    expect(await ids('verification=verified')).toEqual([1]);
    expect(await ids('q=ALPHA.pdf')).toEqual([1]);
    expect(await ids('limit=1')).toEqual([2]);
    expect(await ids('limit=1&before=2')).toEqual([1]);
    const info = await json(api(i, '/api/info'));
    expect(info.history).toEqual({ kind: 'memory', capacity: 1000, bytes: 4 * 1024 * 1024, loadedFromJournal: 0 });
  });

  it('explains a failed delivery: expected and received signatures, signed content, skew against the tolerance', async () => {
    const i = await start();
    const body = JSON.stringify({ type: 'file.created', id: 'event_tampered', data: { name: 'a.pdf' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = new Webhook(TEST_SECRET).sign('msg_tampered1', new Date(timestamp * 1000), body);
    const tampered = body.replace('a.pdf', 'b.pdf');
    const sent = await fetch(`${i.url}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'svix-id': 'msg_tampered1', 'svix-timestamp': String(timestamp), 'svix-signature': signature },
      body: tampered,
    });
    expect(sent.status).toBe(401);
    const d = await json(api(i, '/api/deliveries/1'));
    expect(d.diagnosis).toMatchObject({
      reason: 'no-matching-signature',
      signedContent: `msg_tampered1.${timestamp}.${tampered}`,
      received: [{ value: signature, matches: false }],
      skew: { toleranceSeconds: 300, within: true },
    });
    expect(d.diagnosis.expected).toEqual([new Webhook(TEST_SECRET).sign('msg_tampered1', new Date(timestamp * 1000), tampered)]);
  });

  it('replays re-signed (an attempt that verifies), byte for byte (the original signature), and refuses to re-sign a failed one', async () => {
    const i = await start();
    await trigger(i.url);
    const replay = (seq: number, body: object) =>
      api(i, `/api/deliveries/${seq}/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // A second later, so the fresh timestamp (whole seconds) differs from the original's.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await json(replay(1, { target: 'listener', signature: 'fresh' }));
    expect(fresh.result).toMatchObject({ status: 200 });
    const original = await json(replay(1, { target: 'listener', signature: 'original' }));
    expect(original.result).toMatchObject({ status: 200 });
    await i.cli.waitFor(/event_\w+ {2}✓ verified {2}↻ duplicate #3/);
    const [one, two, three] = await Promise.all([1, 2, 3].map(async (s) => json(api(i, `/api/deliveries/${s}`))));
    expect(two).toMatchObject({ messageId: one.messageId, attempt: 2, verified: true, repeat: 'duplicate', body: one.body });
    expect(Number(two.headers['svix-timestamp'])).toBeGreaterThan(Number(one.headers['svix-timestamp']));
    expect(two.headers['svix-signature']).not.toBe(one.headers['svix-signature']);
    expect(three.headers['svix-signature']).toBe(one.headers['svix-signature']);
    expect(three.headers['svix-timestamp']).toBe(one.headers['svix-timestamp']);
    expect(three.timeline.map((a: { seq: number }) => a.seq)).toEqual([1, 2, 3]);
    expect(three.timeline[1].productionOffsetMs).toBe(5_000);

    const renamed = await json(replay(1, { target: 'listener', signature: 'new-id', body: one.body.replace('task.completed', 'task.failed') }));
    expect(renamed.result.status).toBe(200);
    const four = await json(api(i, '/api/deliveries/4'));
    expect(four).toMatchObject({ eventType: 'task.failed', verified: true, attempt: 1 });
    expect(four.messageId).not.toBe(one.messageId);

    await fetch(`${i.url}/webhooks`, { method: 'POST', headers: { ...two.headers, 'svix-signature': 'v1,bm90IGl0' }, body: one.body });
    const refused = await replay(5, { target: 'listener', signature: 'fresh' });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error).toContain('failed verification, so it is not re-signed');
  });

  it('shows the app’s answer when forwarding and the rule that chose the status, and replays to the forward target', async () => {
    const app = await startServer((_req, res) => {
      res.setHeader('x-app', 'yes');
      res.end('{"received":true}');
    });
    const i = await start(['--forward-to', `${app.url}/hooks`, '--respond', '500,200']);
    await runCli(['trigger', 'task.completed', '--url', `${i.url}/webhooks`, '--no-retries']);
    const d = await json(api(i, '/api/deliveries/1'));
    expect(d).toMatchObject({ status: 500, policy: { source: 'respond', rule: '500,200', step: 1, steps: 2 }, forwardStatus: 200, forwardTarget: `${app.url}/hooks` });
    expect(d.forward).toMatchObject({ url: `${app.url}/hooks`, status: 200, body: '{"received":true}' });
    expect(d.forward.headers).toContainEqual(['x-app', 'yes']);
    const replayed = await json(
      api(i, '/api/deliveries/1/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"target":"forward","signature":"fresh"}' }),
    );
    expect(replayed.result).toMatchObject({ status: 200, url: `${app.url}/hooks` });
    expect(app.requests).toHaveLength(2);
    expect(app.requests[1]!.body.toString()).toBe(d.body);
    await app.close();
  });

  it('replays to another URL: the answer is shown and listed as a new entry', async () => {
    const i = await start();
    const other = await start();
    await trigger(i.url);
    const response = await api(i, '/api/deliveries/1/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'url', url: `${other.url}/elsewhere`, signature: 'fresh' }),
    });
    const { result, seq } = await json(response);
    expect(result).toMatchObject({ status: 200, url: `${other.url}/elsewhere` });
    expect(seq).toBe(2);
    const listed = await json(api(i, '/api/deliveries/2'));
    expect(listed).toMatchObject({ source: 'replay', sentTo: `${other.url}/elsewhere`, status: 200 });
    await other.cli.waitFor(/POST \/elsewhere {2}task\.completed .* ✓ verified/);
  });

  it('refuses to replay to a URL that is not http(s), saying which and how it should look', async () => {
    const i = await start();
    await trigger(i.url);
    for (const url of ['not a url', 'ftp://127.0.0.1/webhooks']) {
      const response = await api(i, '/api/deliveries/1/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'url', url, signature: 'fresh' }),
      });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe(`the replay URL "${url}" is not an http(s) URL, e.g. http://127.0.0.1:3000/webhooks`);
    }
  });

  it('lists a replay to another URL with the exact bytes it sent, base64 when they are not UTF-8', async () => {
    const i = await start();
    const other = await start();
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const file = join(dir, 'not-utf8.bin');
    writeFileSync(file, bytes);
    // Signed, so it verifies; not JSON, so the listener answers 400 (and trigger exits 1): it is listed all the same.
    const sent = await runCli(['trigger', '--data', `@${file}`, '--raw', '--no-retries', '--url', `${i.url}/webhooks`]);
    expect(sent.stdout).toContain('400');
    const { seq } = await json(
      api(i, '/api/deliveries/1/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'url', url: `${other.url}/webhooks`, signature: 'original' }),
      }),
    );
    const [original, listed, received] = await Promise.all([json(api(i, '/api/deliveries/1')), json(api(i, `/api/deliveries/${seq}`)), json(api(other, '/api/deliveries/1'))]);
    expect(original).toMatchObject({ bodyEncoding: 'base64', body: bytes.toString('base64') });
    expect(received).toMatchObject({ bodyEncoding: 'base64', body: bytes.toString('base64'), verified: true });
    expect(listed).toMatchObject({ source: 'replay', bodyEncoding: 'base64', body: bytes.toString('base64'), bodyBytes: 5 });
  });

  it('gives a freshly signed, quiet curl command that the listener accepts and that shows the status (issue 23 item 6)', async () => {
    const i = await start();
    await trigger(i.url);
    const { command } = await json(api(i, '/api/deliveries/1/curl', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"signature":"new-id"}' }));
    // The same form as `sign --curl`: no progress meter (-sS), and the status on a line of its own (-w).
    expect(command).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/webhooks' \\\n {2}-w '\\nHTTP %\{http_code\}\\n' \\\n/);
    // Running the printed command is the point of this test: without curl it fails rather than passing unseen.
    expect(existsSync('/usr/bin/curl'), 'curl must be installed to run the printed command (apt-get install curl)').toBe(true);
    const answer = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile('/bin/sh', ['-c', `${command} --max-time 5`], (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr }))),
    );
    expect(answer).toEqual({ stdout: 'ok\n\nHTTP 200\n', stderr: '' });
    await i.cli.waitFor(/task\.completed .* ✓ verified .*\n.*task\.completed .* ✓ verified/);
  });

  it('saves a fixture that trigger --data @file sends, and exports JSONL that replay sends', async () => {
    const i = await start();
    await trigger(i.url, '--set', 'data.result.content=fixture.pdf');
    const fixture = await api(i, '/api/deliveries/1/fixture');
    expect(fixture.headers.get('content-disposition')).toMatch(/^attachment; filename="task\.completed-event_\w+\.json"$/);
    const file = join(dir, 'fixture.json');
    writeFileSync(file, Buffer.from(await fixture.arrayBuffer()));
    await runCli(['trigger', '--data', `@${file}`, '--url', `${i.url}/webhooks`]);
    const two = await json(api(i, '/api/deliveries/2'));
    expect(two.body).toBe(readFileSync(file, 'utf8'));
    expect(two.verified).toBe(true);

    const jsonl = join(dir, 'export.jsonl');
    writeFileSync(jsonl, await (await api(i, '/api/export.jsonl')).text());
    expect(readFileSync(jsonl, 'utf8').trim().split('\n')).toHaveLength(2);
    const target = await start();
    const replayed = await runCli(['replay', jsonl, '--url', `${target.url}/webhooks`]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect((await json(api(target, '/api/deliveries'))).items).toHaveLength(2);

    const har = await json(api(i, '/api/export.har?type=task.completed'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(2);
    expect(har.log.entries[0].request.postData.text).toContain('fixture.pdf');
  });

  it('with --record, shows the journal’s past deliveries after a restart', async () => {
    const journal = join(dir, `history-${Date.now()}.jsonl`);
    const first = await start(['--record', journal]);
    await trigger(first.url, '--set', 'data.result.content=before-restart.pdf');
    await trigger(first.url);
    await first.cli.stop('SIGINT');
    const second = await start(['--record', journal]);
    await trigger(second.url);
    const page = await json(api(second, '/api/deliveries'));
    expect(page.items.map((s: { seq: number; source: string }) => [s.seq, s.source])).toEqual([
      [3, 'live'],
      [2, 'journal'],
      [1, 'journal'],
    ]);
    const past = await json(api(second, '/api/deliveries/1'));
    expect(past.body).toContain('before-restart.pdf');
    expect((await json(api(second, '/api/deliveries?q=before-restart'))).items).toHaveLength(1);
    const info = await json(api(second, '/api/info'));
    expect(info.history).toEqual({ kind: 'journal', journal, capacity: 10_000, loadedFromJournal: 2 });
  });

  it('keeps serving when the journal it reads is swapped for a directory while a page is open', async () => {
    const journal = join(dir, `swapped-${Date.now()}.jsonl`);
    const i = await start(['--record', journal]);
    const controller = new AbortController();
    const stream = await fetch(`${i.origin}/api/events`, { headers: { authorization: `Bearer ${i.token}` }, signal: controller.signal });
    expect(stream.status).toBe(200);
    rmSync(journal);
    mkdirSync(journal);
    // The listener still writes to the file it opened; the inspector, reading by path, finds a directory.
    await trigger(i.url);
    await trigger(i.url);
    expect(i.cli.child.exitCode).toBeNull();
    expect((await api(i, '/api/deliveries')).status).toBe(200);
    controller.abort();
  });

  it.each([
    ['in memory', []],
    ['from the --record journal', ['--record', join(dir, 'stream.jsonl')]],
  ])('streams deliveries as server-sent events and resumes after Last-Event-ID (history %s)', async (_, args) => {
    const i = await start(args);
    await trigger(i.url);
    await trigger(i.url);
    const controller = new AbortController();
    const stream = await fetch(`${i.origin}/api/events`, { headers: { authorization: `Bearer ${i.token}`, 'last-event-id': '1' }, signal: controller.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 5_000;
      while (!pattern.test(text) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
      return pattern.test(text);
    };
    expect(await readUntil(/id: 2\nevent: delivery\ndata: \{"seq":2/)).toBe(true);
    expect(text).not.toContain('id: 1\n');
    await trigger(i.url);
    expect(await readUntil(/id: 3\nevent: delivery\ndata: \{"seq":3,"source":"live".*"latencyMs":[\d.]+/)).toBe(true);
    controller.abort();
  });
});
