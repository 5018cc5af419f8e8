import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';
import { inTerminal, screen } from '../helpers/terminal.js';

// Issue 22 ("it fits the terminal"): on a terminal, trigger's and replay's lines are laid out for its width, as
// listen's are: no line longer than the terminal, nothing broken mid-word or mid-URL; off a terminal, whole lines.
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const width = (line: string) => [...line].length;
/** The screen's text with line breaks and indentation folded into single spaces: a broken word would show a space. */
const folded = (lines: string[]) => lines.join(' ').replace(/\s+/g, ' ');

describe.each([80, 120])('trigger in a %i-column terminal', (cols) => {
  it('nothing listening: every line fits, the URL and the hint whole', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/webhooks/with/a/rather/long/path`;
    const run = inTerminal(['trigger', 'task.completed', '--schedule', '0,10ms,20ms', '--url', url], { cols });
    expect(await run.exited()).toBe(1);
    const lines = screen(run.output());
    for (const line of lines) expect(width(line), line).toBeLessThanOrEqual(cols);
    const text = folded(lines);
    expect(text).toContain(url);
    expect(text).toContain(`nothing is listening at 127.0.0.1:${port}: start your app (or \`scandocs-webhooks listen\`); trigger keeps retrying as production would (Ctrl-C stops)`);
    expect(text).toContain('signed with whsec_c2Nh•••••• (the built-in test secret)');
    expect(text).toMatch(/1 of 1 event gave up, 0 delivered · 3 attempts/);
  }, 20_000);

  it('a 401: the secret hint fits, whole', async () => {
    const server = await startServer((_req, res) => void ((res.statusCode = 401), res.end('no')));
    servers.push(server);
    const run = inTerminal(['trigger', 'task.completed', '--no-retries', '--url', `${server.url}/webhooks`], { cols });
    expect(await run.exited()).toBe(1);
    const lines = screen(run.output());
    for (const line of lines) expect(width(line), line).toBeLessThanOrEqual(cols);
    expect(folded(lines)).toContain(
      "the endpoint answered 401: it probably verifies with another secret than trigger signed with, whsec_c2Nh•••••• (the built-in test secret): pass your app's secret with --secret, or set SCANDOCS_WEBHOOK_SECRET",
    );
  }, 20_000);
});

describe('replay in an 80-column terminal', () => {
  it('its lines fit too: the same layout as trigger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scandocs-fit-'));
    const journal = join(dir, 'journal-recorded-on-friday-afternoon-by-qa.jsonl');
    const body = JSON.stringify({ id: 'event_1', type: 'task.created', data: {} });
    const record = { type: 'delivery', receivedAt: new Date().toISOString(), method: 'POST', path: '/webhooks', headers: { 'svix-id': 'msg_1' }, body, bodyEncoding: 'utf8', messageId: 'msg_1', eventType: 'task.created', eventId: 'event_1', verification: { ok: true }, status: 200 };
    writeFileSync(journal, `${JSON.stringify(record)}\n`);
    const port = await closedPort();
    const run = inTerminal(['replay', journal, '--no-retries', '--url', `http://127.0.0.1:${port}/webhooks`], { cols: 80 });
    expect(await run.exited()).toBe(1);
    const lines = screen(run.output());
    for (const line of lines) expect(width(line), line).toBeLessThanOrEqual(80);
    const text = folded(lines);
    expect(text).toContain(`replaying 1 of 1 recorded delivery from ${journal}`);
    expect(text).toContain(`nothing is listening at 127.0.0.1:${port}: start your app (or \`scandocs-webhooks listen\`); replay makes no retries`);
  }, 20_000);
});

describe('off a terminal', () => {
  it('lines stay whole, however long', async () => {
    const port = await closedPort();
    const { stdout } = await runCli(['trigger', 'task.completed', '--no-retries', '--url', `http://127.0.0.1:${port}/webhooks`]);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^→ sending 1 event to http:\S+ · schedule no retries · timeout 5s · signed with whsec_c2Nh•••••• \(the built-in test secret\)$/);
    expect(lines.find((l) => l.startsWith('nothing is listening'))!.length).toBeGreaterThan(80);
  });
});
