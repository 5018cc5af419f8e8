// Issue 20 ("drift warnings"): listen marks a verified delivery whose body is not in the union Scan Documents is
// known to send, in its line, in --json (`shape`) and in the inspector, without changing its answer.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';

const TRACE_IMPORTS = fileURLToPath(new URL('../fixtures/trace-imports.mjs', import.meta.url));
const MESSAGE = 'task.completed: data.result.pages is not in the known shape (Scan Documents may have changed this event; check your handler)';
/** This file's journals (per-user state is private to each test file already: test/helpers/cli.ts). */
const STATE = mkdtempSync(join(tmpdir(), 'listen-drift-'));

let running: RunningCli | undefined;
afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

async function listen(args: string[], env: Record<string, string> = {}): Promise<{ cli: RunningCli; url: string; inspect?: URL }> {
  const cli = (running = startCli(['listen', '--port', '0', ...args], { env }));
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/[\d.:]+)/);
  const inspect = /inspect\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(cli.stdout() + cli.stderr())?.[1];
  return { cli, url: url!, inspect: inspect ? new URL(inspect) : undefined };
}

/** Posts `body` signed with the real svix library (or with a wrong secret). */
async function post(url: string, body: string, secret = DEFAULT_TEST_SECRET): Promise<{ status: number; text: string }> {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const now = new Date();
  const response = await fetch(`${url}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': new Webhook(secret).sign(id, now, body) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

function drifted(): string {
  const event = buildEvent('task.completed', { variant: 'extract-text' }) as any;
  event.data.result.pages = 3;
  return JSON.stringify(event);
}

async function jsonLines(cli: RunningCli, count: number): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = cli.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((r) => r.type === 'delivery');
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('listen marks deliveries outside the known union', () => {
  it('with --record, the journal line carries the mark, and with no page open the inspector reads it from there', async () => {
    const journal = join(STATE, 'drift.jsonl');
    const { url, inspect } = await listen(['--inspect-port', '0', '--record', journal]);
    await post(url, JSON.stringify(buildEvent('task.completed')));
    await post(url, drifted());
    // The line holds the verdict (a member's line has none), so reading the journal back needs no parse and no
    // validation of every body: with 10,000 lines that made the page's first rows twice as slow.
    const [member, drift] = readFileSync(journal, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(member.shape).toBeUndefined();
    expect(drift.shape).toEqual({ ok: false, path: 'data.result.pages', message: 'data.result.pages is not in the known shape' });
    const token = inspect!.searchParams.get('token')!;
    const deadline = Date.now() + 10_000;
    let items: any[] = [];
    while (items.length < 2 && Date.now() < deadline) items = ((await (await fetch(`${inspect!.origin}/api/deliveries`, { headers: { authorization: `Bearer ${token}` } })).json()) as any).items;
    expect(items.map((item) => item.drift)).toEqual(expect.arrayContaining([undefined, 'data.result.pages is not in the known shape']));
  });

  it('the line says which field drifted; a member has no mark; the answer is 200 either way', async () => {
    const { cli, url } = await listen(['--no-inspect']);
    expect(await post(url, JSON.stringify(buildEvent('task.completed')))).toEqual({ status: 200, text: 'ok\n' });
    expect(await post(url, drifted())).toEqual({ status: 200, text: 'ok\n' });
    await cli.waitFor(/data\.result\.pages/);
    const lines = cli.stdout().split('\n').filter((line) => line.includes('task.completed  event_'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain('⚠');
    expect(lines[1]).toContain(`✓ verified  ⚠ ${MESSAGE}  → 200`);
  });

  it('--json: a `shape` field on verified deliveries; none on one that failed verification', async () => {
    const { cli, url } = await listen(['--no-inspect', '--json']);
    await post(url, JSON.stringify(buildEvent('file.created', { variant: 'pdf-generated' })));
    await post(url, drifted());
    expect((await post(url, drifted(), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).status).toBe(401);
    const [member, drift, refused] = await jsonLines(cli, 3);
    expect(member!.shape).toEqual({ ok: true });
    expect(drift!.shape).toEqual({ ok: false, path: 'data.result.pages', message: 'data.result.pages is not in the known shape' });
    expect(drift!.status).toBe(200);
    expect(refused!.verified).toBe(false);
    expect(refused!).not.toHaveProperty('shape');
  });

  it('--skip-verify checks nothing, and loads no validator', async () => {
    const trace = join(STATE, 'skip-verify-imports.txt');
    const { cli, url } = await listen(['--no-inspect', '--json', '--skip-verify'], { NODE_OPTIONS: `--import ${TRACE_IMPORTS}`, TRACE_IMPORTS_FILE: trace });
    await post(url, drifted());
    const [line] = await jsonLines(cli, 1);
    expect(line).not.toHaveProperty('shape');
    const loaded = readFileSync(trace, 'utf8').split('\n');
    expect(loaded.some((url) => url.endsWith('/dist/listener/listen.js'))).toBe(true); // the trace works
    expect(loaded.filter((url) => /\/node_modules\/zod\/|\/dist\/events\/shape\.js$/.test(url))).toEqual([]);
  });

  it('the inspector lists the mark and shows it in the detail (API, and the page in Chromium)', async () => {
    const { url, inspect } = await listen(['--inspect-port', '0']);
    await post(url, JSON.stringify(buildEvent('task.created')));
    await post(url, drifted());
    const token = inspect!.searchParams.get('token')!;
    const api = async (path: string) => (await fetch(`${inspect!.origin}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
    const deadline = Date.now() + 10_000;
    let items: any[] = [];
    while (items.length < 2 && Date.now() < deadline) items = (await api('/api/deliveries')).items;
    const drift = items.find((item) => item.eventType === 'task.completed');
    expect(drift.drift).toBe('data.result.pages is not in the known shape');
    expect(items.find((item) => item.eventType === 'task.created').drift).toBeUndefined();
    expect((await api(`/api/deliveries/${drift.seq}`)).drift).toBe('data.result.pages is not in the known shape');

    if (!existsSync(CHROMIUM)) return void console.warn(`SKIPPED the page half: no Chromium at ${CHROMIUM}`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(inspect!.href);
      const marks = page.getByTestId('drift');
      await marks.first().waitFor({ timeout: 10_000 });
      expect(await marks.count()).toBe(1);
      expect(await marks.first().getAttribute('title')).toBe(`data.result.pages is not in the known shape (Scan Documents may have changed this event; check your handler)`);
      await page.locator(`[data-seq="${drift.seq}"]`).click();
      expect(await page.getByTestId('drift-detail').textContent()).toBe(`⚠ ${MESSAGE}`);
    } finally {
      await browser.close();
    }
  });
});
