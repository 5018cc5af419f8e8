import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Issue 22: `--forward-to 3000` and `--forward-to localhost:3000/webhooks` mean http://localhost:3000/…, as
// Hookdeck users type them (this machine's localhost is 127.0.0.1, where the test app listens).
const running: RunningCli[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((cli) => cli.stop()), ...servers.splice(0).map((s) => s.close())]);
});

describe('--forward-to shorthands', () => {
  it.each([
    ['a bare port', (port: number) => String(port), (port: number) => `http://localhost:${port}/`, '/'],
    ['host:port/path', (port: number) => `localhost:${port}/webhooks`, (port: number) => `http://localhost:${port}/webhooks`, '/webhooks'],
  ])('%s is an http://localhost URL, and deliveries reach the app there', async (_name, given, expected, path) => {
    const app = await startServer();
    servers.push(app);
    const listen = startCli(['listen', '--port', '0', '--no-inspect', '--forward-to', given(app.port)]);
    running.push(listen);
    const [, url] = await listen.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
    expect(listen.stdout()).toContain(expected(app.port));
    const { code } = await runCli(['trigger', 'task.created', '--no-retries', '--url', `${url}/webhooks`]);
    expect(code).toBe(0);
    expect(app.requests).toHaveLength(1);
    expect(app.requests[0]!.url).toBe(path);
  }, 30_000);

  it('anything else that is not a URL is still refused with the whole form', async () => {
    const { code, stderr } = await runCli(['listen', '--port', '0', '--no-inspect', '--forward-to', 'my app']);
    expect(stderr).toMatch(/^error: --forward-to "my app" is not an http\(s\) URL/);
    expect(code).toBe(2);
  });
});
