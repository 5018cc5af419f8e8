import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, runCli, type RunningCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Issue 22 ("small untruths"), in listen's lines: a delay the stop cut short is not labelled "after --delay 30s",
// and with two --forward-to targets the line names the one that answered.
const running: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((cli) => cli.stop('SIGKILL')), ...servers.splice(0).map((s) => s.close())]);
});

async function startListen(args: string[]): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli(['listen', '--port', '0', '--no-inspect', ...args]);
  running.push(cli);
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
  return { cli, url: url! };
}

describe('listen --delay, stopped during the delay', () => {
  it('the delivery answered at the stop says the delay was cut short, with the time it was held', async () => {
    const { cli, url } = await startListen(['--delay', '30s']);
    const trigger = startCli(['trigger', 'task.created', '--no-retries', '--timeout', '60s', '--url', `${url}/webhooks`]);
    running.push(trigger);
    await trigger.waitFor(/sending 1 event/);
    await sleep(600);
    expect(await cli.stop('SIGINT')).toBe(0);
    const line = cli.stdout().split('\n').find((l) => l.includes('task.created'))!;
    expect(line).toMatch(/→ 200 after \d+ms \(--delay cut short: the listener stopped\)/);
    expect(line).not.toContain('after --delay 30s');
    // The sender got its 200 at the stop, and finishes on its own.
    await trigger.waitFor(/delivered 1 of 1 event/);
    expect(await new Promise((resolve) => (trigger.child.exitCode !== null ? resolve(trigger.child.exitCode) : trigger.child.on('exit', resolve)))).toBe(0);
  }, 20_000);

  it('a delay that ran its course keeps its label', async () => {
    const { cli, url } = await startListen(['--delay', '100ms']);
    expect((await runCli(['trigger', 'task.created', '--no-retries', '--url', `${url}/webhooks`])).code).toBe(0);
    await cli.waitFor(/task\.created.*→ 200 after --delay 100ms/);
  }, 20_000);
});

describe('two --forward-to targets', () => {
  it('each forward line names the app that answered', async () => {
    const tasks = await startServer((_req, res) => void res.end('tasks'));
    const rest = await startServer((_req, res) => void res.end('rest'));
    servers.push(tasks, rest);
    const { cli, url } = await startListen(['--forward-to', `task.*=${tasks.url}/t`, '--forward-to', `${rest.url}/r`]);
    expect((await runCli(['trigger', 'task.created', 'file.created', '--no-retries', '--url', `${url}/webhooks`])).code).toBe(0);
    await cli.waitFor(/file\.created.*⇢ app/);
    const lines = cli.stdout().split('\n');
    expect(lines.find((l) => l.includes('task.created'))).toContain(`⇢ app at ${tasks.url}/t 200`);
    expect(lines.find((l) => l.includes('file.created'))).toContain(`⇢ app at ${rest.url}/r 200`);
  }, 20_000);

  it('with one target the line stays as it was', async () => {
    const app = await startServer((_req, res) => void res.end('ok'));
    servers.push(app);
    const { cli, url } = await startListen(['--forward-to', `${app.url}/a`]);
    expect((await runCli(['trigger', 'task.created', '--no-retries', '--url', `${url}/webhooks`])).code).toBe(0);
    await cli.waitFor(/task\.created.*⇢ app 200/);
  }, 20_000);
});
