// The inspector as a tool used all day (issue 23), through its API: each test names the item it guards.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type RunningCli } from '../helpers/cli.js';
import { listenWithInspector, type RunningInspector, inspectorApi as api, json } from '../helpers/inspector.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-inspector-daily-'));

const running: RunningCli[] = [];
const streams: AbortController[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  await Promise.all(running.splice(0).map((cli) => cli.stop('SIGKILL')));
});

async function start(args: string[] = []): Promise<RunningInspector> {
  const inspector = await listenWithInspector(args);
  running.push(inspector.cli);
  return inspector;
}

/** An open page's event stream, so the inspector keeps the listener's live reports as a page would. */
async function openStream(i: RunningInspector): Promise<void> {
  const controller = new AbortController();
  streams.push(controller);
  const stream = await fetch(`${i.origin}/api/events`, { headers: { authorization: `Bearer ${i.token}` }, signal: controller.signal });
  expect(stream.status).toBe(200);
}

/** A delivery under a chosen svix-id, signed with the real svix library; `tamper` changes the body after signing. */
async function deliver(url: string, messageId: string, options: { tamper?: boolean } = {}): Promise<number> {
  const body = JSON.stringify({ type: 'task.completed', id: `event_${messageId}`, timestamp: new Date().toISOString(), data: { id: 'task_1', name: 'invoice.pdf' } });
  const timestamp = new Date();
  const signature = new Webhook(TEST_SECRET).sign(messageId, timestamp, body);
  const response = await fetch(`${url}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': messageId, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature },
    body: options.tamper ? body.replace('invoice.pdf', 'invoice-final.pdf') : body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function listed(i: RunningInspector, count: number): Promise<Array<{ seq: number; attempt: number; repeat?: string; status: number }>> {
  let items: Array<{ seq: number; attempt: number; repeat?: string; status: number }> = [];
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    items = (await json(api(i, '/api/deliveries'))).items;
    if (items.length >= count) break;
  }
  return items;
}

describe('issue 23 item 10: one owner per fact', () => {
  it('numbers the attempts of journal entries across a restart as the listener does: a retry after the restart is attempt 2, a forged copy is no attempt', async () => {
    const journal = join(dir, `attempts-${Date.now()}.jsonl`);
    const first = await start(['--record', journal, '--respond', '500']);
    expect(await deliver(first.url, 'msg_restart1')).toBe(500);
    // Same svix-id, body changed after signing: refused, and (as the listener counts) not an attempt of that id.
    expect(await deliver(first.url, 'msg_restart1', { tamper: true })).toBe(401);
    await first.cli.stop('SIGINT');

    const second = await start(['--record', journal]);
    await openStream(second);
    expect(await deliver(second.url, 'msg_restart1')).toBe(200);
    const items = await listed(second, 3);
    expect(items.map((s) => [s.seq, s.status, s.attempt, s.repeat ?? null])).toEqual([
      [3, 200, 2, 'retry'],
      [2, 401, 1, null],
      [1, 500, 1, null],
    ]);
    const detail = await json(api(second, '/api/deliveries/3'));
    expect(detail.timeline.map((a: { seq: number; attempt: number }) => [a.seq, a.attempt])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
  });
});

describe('issue 23 item 2: latency is never blank', () => {
  it('the journal line carries the latency, so deliveries read back from it (before a page opened, after a restart) show one; old lines without it still load', async () => {
    const journal = join(dir, `latency-${Date.now()}.jsonl`);
    // A line from a journal written before latencies were recorded.
    const old = { type: 'delivery', receivedAt: new Date(Date.now() - 60_000).toISOString(), method: 'POST', path: '/webhooks', headers: {}, body: '{}', bodyEncoding: 'utf8', status: 200 };
    appendFileSync(journal, `${JSON.stringify(old)}\n`);
    const first = await start(['--record', journal, '--delay', '150ms']);
    const sent = await runCli(['trigger', 'task.completed', '--url', `${first.url}/webhooks`]);
    expect(sent.code, sent.stderr).toBe(0);
    const line = JSON.parse(readFileSync(journal, 'utf8').trim().split('\n')[1]!);
    expect(line.latencyMs).toBeGreaterThanOrEqual(150);
    // No page was open when it arrived: the list and the detail read it from the journal.
    const before = await listed(first, 2);
    expect(before.map((s) => (s as { latencyMs?: number }).latencyMs)).toEqual([line.latencyMs, undefined]);
    expect((await json(api(first, '/api/deliveries/2'))).latencyMs).toBe(line.latencyMs);
    await first.cli.stop('SIGINT');

    const second = await start(['--record', journal]);
    const after = await listed(second, 2);
    expect(after.map((s) => [s.seq, (s as { latencyMs?: number }).latencyMs])).toEqual([
      [2, line.latencyMs],
      [1, undefined],
    ]);
    const exported = (await (await api(second, '/api/export.jsonl')).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(exported[1].latencyMs).toBe(line.latencyMs);
  });
});

describe('issue 23 item 5: a big journal never holds up deliveries', () => {
  it('deliveries are answered while the page’s first request is still reading a 100,000-line journal', async () => {
    const journal = join(dir, `big-${Date.now()}.jsonl`);
    const lines: string[] = [];
    const at = Date.now() - 200_000_000;
    for (let n = 1; n <= 100_000; n++) {
      const body = JSON.stringify({ type: 'task.completed', id: `event_big${n}`, data: { id: `task_big${n}`, result: { content: `Invoice ${n}` } } });
      lines.push(
        JSON.stringify({ type: 'delivery', receivedAt: new Date(at + n * 1000).toISOString(), method: 'POST', path: '/webhooks', headers: { 'svix-id': `msg_big${n}` }, body, bodyEncoding: 'utf8', messageId: `msg_big${n}`, eventType: 'task.completed', eventId: `event_big${n}`, status: 200, latencyMs: 1 }),
      );
    }
    writeFileSync(journal, `${lines.join('\n')}\n`);
    const i = await start(['--record', journal]);
    // The journal is read when a page first asks. While that answer is pending, deliveries keep being answered:
    // with the journal read in one blocking call, none could be (the structure is tested, not a duration).
    let pending = true;
    const first = json(api(i, '/api/deliveries?limit=1')).then((value) => {
      pending = false;
      return value;
    });
    let answeredWhilePending = 0;
    let sent = 0;
    for (let n = 0; n < 400 && pending; n++) {
      sent++;
      expect(await deliver(i.url, `msg_during${n}`)).toBe(200);
      if (pending) answeredWhilePending++;
    }
    const page = await first;
    expect(answeredWhilePending).toBeGreaterThanOrEqual(3);
    expect(page.held).toBe(10_000);
    expect(page.lastSeq).toBeGreaterThanOrEqual(100_000);
    // Every delivery sent meanwhile is listed once the journal has been read to its end.
    const all = await json(api(i, `/api/deliveries?limit=500`));
    expect(all.items.filter((s: { messageId?: string }) => s.messageId?.startsWith('msg_during'))).toHaveLength(sent);

    // A search reads the bodies of the 10,000 listed deliveries back from the journal: deliveries are answered
    // meanwhile too.
    pending = true;
    const search = json(api(i, '/api/deliveries?q=no+such+text')).then((value) => {
      pending = false;
      return value;
    });
    let answeredWhileSearching = 0;
    for (let n = 0; n < 400 && pending; n++) {
      expect(await deliver(i.url, `msg_searching${n}`)).toBe(200);
      if (pending) answeredWhileSearching++;
    }
    expect((await search).items).toEqual([]);
    expect(answeredWhileSearching).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

describe('issue 23 item 1: the inspector URL survives a restart', () => {
  it('keeps the token in a 0600 file in a 0700 per-user state directory ($XDG_STATE_HOME), so the same ports give the same URL; --new-token rotates it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'scandocs-state-item1-'));
    const env = { XDG_STATE_HOME: state };
    const first = await listenWithInspector([], { env });
    running.push(first.cli);
    const file = join(state, 'scandocs-webhooks', 'inspector-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(state, 'scandocs-webhooks')).mode & 0o777).toBe(0o700);
    await first.cli.stop('SIGINT');

    const again = await listenWithInspector(['--inspect-port', String(first.port)], { env });
    running.push(again.cli);
    expect(again.inspectUrl).toBe(first.inspectUrl);
    await again.cli.stop('SIGINT');

    const rotated = await listenWithInspector(['--inspect-port', String(first.port), '--new-token'], { env });
    running.push(rotated.cli);
    expect(rotated.token).not.toBe(first.token);
    expect(readFileSync(file, 'utf8').trim()).toBe(rotated.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The old URL is refused; the new one is what the next start prints.
    expect((await fetch(first.inspectUrl, { redirect: 'manual' })).status).toBe(401);
    await rotated.cli.stop('SIGINT');
    const next = await listenWithInspector([], { env });
    running.push(next.cli);
    expect(next.token).toBe(rotated.token);
  });

  it('without $XDG_STATE_HOME, keeps it under ~/.local/state/scandocs-webhooks', async () => {
    const home = mkdtempSync(join(tmpdir(), 'scandocs-home-item1-'));
    const i = await listenWithInspector([], { env: { XDG_STATE_HOME: undefined, HOME: home } });
    running.push(i.cli);
    const file = join(home, '.local', 'state', 'scandocs-webhooks', 'inspector-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(i.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a state directory that cannot be made leaves a one-line warning, and the inspector runs with a token for this run', async () => {
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'scandocs-state-item1-')), 'a-file');
    writeFileSync(notADirectory, 'not a folder\n');
    const i = await listenWithInspector([], { env: { XDG_STATE_HOME: notADirectory } });
    running.push(i.cli);
    expect(i.cli.stdout() + i.cli.stderr()).toContain(
      `  warning: the inspector's token is not kept (cannot keep it in ${join(notADirectory, 'scandocs-webhooks', 'inspector-token')}: a part of that path is a file, not a folder): its URL changes at each start\n`,
    );
    expect((await fetch(i.inspectUrl, { redirect: 'manual' })).status).toBe(303);
  });

  it('a token file others can read is not trusted: a new token replaces it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'scandocs-state-item1-'));
    const first = await listenWithInspector([], { env: { XDG_STATE_HOME: state } });
    running.push(first.cli);
    await first.cli.stop('SIGINT');
    const file = join(state, 'scandocs-webhooks', 'inspector-token');
    chmodSync(file, 0o644);
    const second = await listenWithInspector([], { env: { XDG_STATE_HOME: state } });
    running.push(second.cli);
    expect(second.token).not.toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(second.token);
  });
});
