import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

// Issue 22 ("mistakes explain themselves at once"): the two commonest mistakes (nothing started at the URL, a
// different secret) are each said in one line on the first attempt, not after ten seconds of silent retries.
const dir = mkdtempSync(join(tmpdir(), 'scandocs-mistakes-'));
const journal = join(dir, 'events.jsonl');
writeFileSync(
  journal,
  `${JSON.stringify({
    type: 'delivery',
    receivedAt: new Date().toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'content-type': 'application/json', 'svix-id': 'msg_1' },
    body: JSON.stringify({ id: 'event_1', type: 'task.created', data: {} }),
    bodyEncoding: 'utf8',
    messageId: 'msg_1',
    eventType: 'task.created',
    eventId: 'event_1',
    // Verified when it was recorded, so replay re-signs it (one never verified is not re-signed: issue 19 defect 7).
    verification: { ok: true, id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), family: 'svix', signature: 'v1,x', secretIndex: 0 },
    status: 200,
  })}\n`,
);

const running: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((cli) => cli.stop()), ...servers.splice(0).map((s) => s.close())]);
});

describe('nothing listening at the URL', () => {
  it.each([
    ['trigger', (url: string) => ['trigger', 'task.completed', '--url', url]],
    ['replay', (url: string) => ['replay', journal, '--url', url]],
  ])('%s says so on the first attempt, while it keeps retrying, and what to do', async (command, args) => {
    const port = await closedPort();
    const cli = startCli(args(`http://127.0.0.1:${port}/webhooks`));
    running.push(cli);
    const started = Date.now();
    const [line] = await cli.waitFor(/^nothing is listening at .*$/m, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(line).toBe(`nothing is listening at 127.0.0.1:${port}: start your app (or \`scandocs-webhooks listen\`); ${command} keeps retrying as production would (Ctrl-C stops)`);
    // Said once, not once per attempt.
    expect(cli.child.exitCode).toBe(null);
    expect(await cli.stop('SIGTERM')).not.toBe(0);
    expect(cli.stdout().match(/nothing is listening/g)).toHaveLength(1);
  }, 20_000);

  it('with --no-retries, the line says no retry follows', async () => {
    const port = await closedPort();
    const { code, stdout } = await runCli(['trigger', 'task.completed', '--no-retries', '--url', `http://127.0.0.1:${port}/webhooks`]);
    expect(stdout).toContain(`nothing is listening at 127.0.0.1:${port}: start your app (or \`scandocs-webhooks listen\`); trigger makes no retries`);
    expect(code).toBe(1);
  });
});

describe('the endpoint answers 401 or 403', () => {
  it.each([
    ['trigger', 401, (url: string) => ['trigger', 'task.completed', '--url', url]],
    ['replay', 403, (url: string) => ['replay', journal, '--url', url]],
  ])('%s says at once that the endpoint probably verifies with another secret, naming its own, masked', async (command, status, args) => {
    const server = await startServer((_req, res) => {
      res.statusCode = status as number;
      res.end('invalid signature');
    });
    servers.push(server);
    const cli = startCli(args(`${server.url}/webhooks`));
    running.push(cli);
    const [line] = await cli.waitFor(/^the endpoint answered .*$/m, 3_000);
    expect(line).toBe(
      `the endpoint answered ${status}: it probably verifies with another secret than ${command} signed with, whsec_c2Nh•••••• (the built-in test secret): pass your app's secret with --secret, or set SCANDOCS_WEBHOOK_SECRET`,
    );
    expect(cli.child.exitCode).toBe(null);
    await cli.stop('SIGTERM');
    expect(cli.stdout().match(/the endpoint answered/g)).toHaveLength(1);
  }, 20_000);

  it('names the environment variable when the secret came from it, and never prints it whole', async () => {
    const server = await startServer((_req, res) => void ((res.statusCode = 401), res.end()));
    servers.push(server);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { stdout, code } = await runCli(['trigger', 'task.completed', '--no-retries', '--url', server.url], { env: { SCANDOCS_WEBHOOK_SECRET: secret } });
    expect(stdout).toContain('another secret than trigger signed with, whsec_MfKQ•••••• (from $SCANDOCS_WEBHOOK_SECRET)');
    expect(stdout).not.toContain(secret);
    expect(code).toBe(1);
  });

  it('a signature header replaced on purpose with -H gets no secret hint (the 401 is the point)', async () => {
    const server = await startServer((_req, res) => void ((res.statusCode = 401), res.end()));
    servers.push(server);
    const { stdout } = await runCli(['trigger', 'task.completed', '--no-retries', '--url', server.url, '-H', 'svix-signature: v1,bad']);
    expect(stdout).toContain('401');
    expect(stdout).not.toContain('another secret');
  });
});
