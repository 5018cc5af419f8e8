import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

// Issue 22 ("Ctrl-C keeps what was found"): trigger and replay, stopped by SIGINT or SIGTERM, send nothing more,
// print the lines so far and the summary (--json too), and exit 130, without waiting out an attempt in flight.
const dir = mkdtempSync(join(tmpdir(), 'scandocs-interrupt-'));
const journal = join(dir, 'events.jsonl');
const record = (n: number) =>
  JSON.stringify({
    type: 'delivery',
    receivedAt: new Date().toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'content-type': 'application/json', 'svix-id': `msg_${n}` },
    body: JSON.stringify({ id: `event_${n}`, type: 'task.created', data: {} }),
    bodyEncoding: 'utf8',
    messageId: `msg_${n}`,
    eventType: 'task.created',
    eventId: `event_${n}`,
    // Verified when recorded, so replay re-signs it (one never verified is not re-signed: issue 19 defect 7).
    verification: { ok: true, id: `msg_${n}`, timestamp: Math.floor(Date.now() / 1000), family: 'svix', signature: 'v1,x', secretIndex: 0 },
    status: 200,
  });
writeFileSync(journal, `${record(1)}\n${record(2)}\n${record(3)}\n`);

const running: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((cli) => cli.stop('SIGKILL')), ...servers.splice(0).map((s) => s.close())]);
});

/** Answers the first request 200, then holds every later one (an attempt in flight when the user stops). */
async function answersOnceThenHangs(): Promise<TestServer> {
  const server = await startServer((_req, res, index) => {
    if (index === 0) res.end('ok');
  });
  servers.push(server);
  return server;
}

describe('Ctrl-C during trigger and replay', () => {
  it('trigger: SIGINT with an attempt in flight prints the delivered one and the summary at once, exit 130', async () => {
    const server = await answersOnceThenHangs();
    const cli = startCli(['trigger', 'task.completed', '--count', '3', '--url', `${server.url}/webhooks`]);
    running.push(cli);
    await cli.waitFor(/✓ task\.completed/);
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const stopped = Date.now();
    expect(await cli.stop('SIGINT')).toBe(130);
    // Not the 5 s timeout of the attempt in flight.
    expect(Date.now() - stopped).toBeLessThan(2_000);
    const lines = cli.stdout().trim().split('\n');
    expect(lines.filter((line) => line.startsWith('✓ task.completed'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^stopped \(Ctrl-C\): delivered 1 of 3 events, 2 not finished · 1 attempt · \S+$/);
    // Nothing was sent after the stop.
    const sent = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.length).toBe(sent);
  }, 20_000);

  it('trigger --json: the summary is the last JSON line, marked interrupted, during a retry wait', async () => {
    const port = await closedPort();
    const cli = startCli(['trigger', 'task.completed', '--json', '--time-scale', '100', '--url', `http://127.0.0.1:${port}/webhooks`]);
    running.push(cli);
    await cli.waitFor(/nothing is listening/);
    expect(await cli.stop('SIGINT')).toBe(130);
    const records = cli
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.at(-1)).toMatchObject({ type: 'summary', total: 1, delivered: 0, failed: 0, attempts: 1, interrupted: 'SIGINT', unfinished: 1 });
    expect(records.filter((r) => r.type === 'attempt')).toHaveLength(1);
    expect(cli.stderr()).toMatch(/stopped \(Ctrl-C\): delivered 0 of 1 event, 1 not finished/);
  }, 20_000);

  it('replay: SIGTERM stops the same way, exit 130', async () => {
    const server = await answersOnceThenHangs();
    const cli = startCli(['replay', journal, '--url', `${server.url}/webhooks`]);
    running.push(cli);
    await cli.waitFor(/✓ task\.created/);
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cli.stop('SIGTERM')).toBe(130);
    expect(cli.stdout().trim().split('\n').at(-1)).toMatch(/^stopped \(SIGTERM\): delivered 1 of 3 events, 2 not finished · 1 attempt/);
  }, 20_000);
});
