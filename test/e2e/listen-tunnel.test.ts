import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { FAKE_NGROK_MODULE, installFakeCloudflared, isRunning, PATH_WITHOUT_CLOUDFLARED, type FakeCloudflared } from '../helpers/tunnel.js';
import { fileURLToPath } from 'node:url';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const READY = /Ready: waiting for deliveries on http:\/\/127\.0\.0\.1:(\d+)/;
const QUICK_URL = 'https://seasonal-deck-organisms-sf.trycloudflare.com';
const NGROK_SILENT_SERVER_MODULE = fileURLToPath(new URL('../fixtures/ngrok-silent-server.mjs', import.meta.url));
const TRACE_IMPORTS = fileURLToPath(new URL('../fixtures/trace-imports.mjs', import.meta.url));

let running: RunningCli | undefined;
afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

/** Posts a delivery signed with the real svix library to the local listener. */
async function postSigned(port: number): Promise<Response> {
  const body = JSON.stringify({ id: 'event_tunnel_1', type: 'file.deleted', timestamp: new Date().toISOString(), data: { id: 'file_1' } });
  const id = 'msg_tunnel_1';
  const timestamp = new Date();
  const signature = new Webhook(TEST_SECRET).sign(id, timestamp, body);
  return fetch(`http://127.0.0.1:${port}/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': signature,
    },
    body,
  });
}

/** One non-empty line: the CLI's contract for bad input. */
function onlyLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('listen --tunnel cloudflared', () => {
  let fake: FakeCloudflared;
  beforeEach(async () => {
    fake = await installFakeCloudflared();
  });
  afterEach(async () => {
    await fake.remove();
  });

  it('listen --tunnel cloudflared runs the quick tunnel for its port, prints the URL to paste, and stops it on Ctrl-C', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: fake.env('ok') });
    const port = Number((await running.waitFor(READY))[1]);
    await running.waitFor(/restart with --secret whsec_…\n/); // the last start-up line
    const out = running.stdout();
    expect(out).toContain(`  public    ${QUICK_URL} → http://127.0.0.1:${port} (cloudflared)`);
    expect(out).toContain(`    ${QUICK_URL}/webhooks\n`);
    expect(out).toContain('  verify    on: requests to the public URL need a valid svix-signature, anything else is answered 401');
    expect(out).toContain("real events are signed with your endpoint's secret: copy it from the Dashboard and restart with --secret whsec_…");

    const [started] = await fake.events();
    expect(started).toMatchObject({ event: 'started', argv: ['tunnel', '--url', `http://127.0.0.1:${port}`] });
    expect(isRunning(started!.pid)).toBe(true);

    expect(await running.stop('SIGINT')).toBe(0);
    expect((await fake.events()).map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(isRunning(started!.pid)).toBe(false);
    // The tunnel closes before the listener prints its summary.
    const after = running.stdout().slice(out.length);
    expect(after.indexOf('cloudflared tunnel closed')).toBeGreaterThanOrEqual(0);
    expect(after.indexOf('cloudflared tunnel closed')).toBeLessThan(after.search(/received|deliver/i));
  });

  it('--cloudflared-path runs the binary given instead of the one on PATH', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--cloudflared-path', fake.path], {
      env: { ...fake.env('ok'), PATH: PATH_WITHOUT_CLOUDFLARED },
    });
    await running.waitFor(new RegExp(`${QUICK_URL}/webhooks`));
    expect(await running.stop('SIGINT')).toBe(0);
    expect((await fake.events()).map((e) => e.event)).toEqual(['started', 'stopped']);
  });

  it('with --json, prints a tunnel-ready object holding the Dashboard URL', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--json'], { env: fake.env('ok') });
    await running.waitFor(/"type":"tunnel-ready"/);
    const ready = running
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string })
      .find((record) => record.type === 'tunnel-ready');
    expect(ready).toEqual({ type: 'tunnel-ready', provider: 'cloudflared', url: QUICK_URL, dashboardUrl: `${QUICK_URL}/webhooks` });
    expect(await running.stop('SIGINT')).toBe(0);
  });

  it('says how to install cloudflared and exits 2 when it is not on PATH', async () => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: { PATH: PATH_WITHOUT_CLOUDFLARED } });
    expect(result.code).toBe(2);
    expect(onlyLine(result.stderr)).toMatch(
      /^error: cloudflared is not installed \(not found on PATH\): install it \(macOS: brew install cloudflared; Linux and Windows: https:\/\/developers\.cloudflare\.com\/\S+\), or pass its location with --cloudflared-path$/,
    );
  });

  // Issue 12: the binary is looked for before the listener starts, so nothing says "ready" for a run that cannot be.
  it('with cloudflared missing, prints no ready line and no banner, and exits 2', async () => {
    const human = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: { PATH: PATH_WITHOUT_CLOUDFLARED } });
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^error: cloudflared is not installed \(not found on PATH\)[^\n]*\n$/);
    expect(human.code).toBe(2);
    const json = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--json', '--cloudflared-path', '/nonexistent/cloudflared']);
    expect(json.stdout).toBe('');
    expect(json.stderr).toMatch(/^error: cloudflared not found at "\/nonexistent\/cloudflared": fix --cloudflared-path/);
    expect(json.code).toBe(2);
  });

  it('with --json, a tunnel that fails after ready prints an error object before exiting 2', async () => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--json'], { env: fake.env('fail') });
    const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; code?: string; message?: string });
    expect(records[0]!.type).toBe('ready');
    expect(records.at(-1)).toEqual({ type: 'error', code: 'tunnel', message: expect.stringMatching(/^cloudflared exited with code 1 before giving a public URL/) });
    expect(result.code).toBe(2);
  });

  it('exits 2 with cloudflared\'s own reason when it exits before giving a URL', async () => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: fake.env('fail') });
    expect(result.code).toBe(2);
    expect(onlyLine(result.stderr)).toBe(
      'error: cloudflared exited with code 1 before giving a public URL: failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host',
    );
  });

  it('exits 2 after --tunnel-timeout when cloudflared never gives a URL, and stops it', async () => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--tunnel-timeout', '1s'], { env: fake.env('silent') });
    expect(result.code).toBe(2);
    expect(onlyLine(result.stderr)).toBe('error: cloudflared gave no public URL within 1s: Requesting new quick Tunnel on trycloudflare.com...');
    const events = await fake.events();
    expect(events.map((e) => e.event)).toEqual(['started', 'stopped']);
  });

  it('when cloudflared dies later, says the public URL is gone and keeps the local listener serving', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: fake.env('die') });
    const port = Number((await running.waitFor(READY))[1]);
    await running.waitFor(/\(restart listen for a new URL\)\n/);
    expect(running.stdout()).toContain(
      '✗ cloudflared tunnel closed: cloudflared exited with code 1: Serve tunnel error error="connection with edge closed" connIndex=0\n' +
        `  the public URL no longer works; the local listener keeps running on http://127.0.0.1:${port} (restart listen for a new URL)\n`,
    );
    const response = await postSigned(port);
    expect(response.status).toBe(200);
    await running.waitFor(/file\.deleted\s+event_tunnel_1/);
    expect(await running.stop('SIGINT')).toBe(0);
  });

  it('Ctrl-C while waiting for the URL stops cloudflared and the listener, exit 0', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared'], { env: fake.env('silent') });
    await running.waitFor(/opening the cloudflared tunnel/);
    for (let i = 0; i < 50 && (await fake.events()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await running.stop('SIGINT')).toBe(0);
    expect((await fake.events()).map((e) => e.event)).toEqual(['started', 'stopped']);
  });
});

describe('listen --tunnel safety', () => {
  it('refuses --skip-verify with --tunnel, before opening anything', async () => {
    const fake = await installFakeCloudflared();
    try {
      const result = await runCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--skip-verify'], { env: fake.env('ok') });
      expect(result.code).toBe(2);
      expect(onlyLine(result.stderr)).toBe(
        "error: --skip-verify with --tunnel would accept unsigned requests from anyone on the internet: drop --skip-verify (pass the endpoint's --secret), or add --allow-unverified if you mean it",
      );
      expect(result.stdout).toBe('');
      expect(await fake.events()).toEqual([]);
    } finally {
      await fake.remove();
    }
  });

  it('with --allow-unverified as well, starts and says verification is off', async () => {
    const fake = await installFakeCloudflared();
    try {
      running = startCli(['listen', '--port', '0', '--tunnel', 'cloudflared', '--skip-verify', '--allow-unverified'], { env: fake.env('ok') });
      await running.waitFor(/verify {4}OFF/);
      expect(running.stdout()).toContain(
        '  verify    OFF (--skip-verify --allow-unverified): anyone who finds this URL can post anything to your listener',
      );
      expect(await running.stop('SIGINT')).toBe(0);
    } finally {
      await fake.remove();
    }
  });

  it('rejects an unknown provider with the choices', async () => {
    const result = await runCli(['listen', '--tunnel', 'localtunnel']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are ngrok, cloudflared/);
  });
});

describe('listen --tunnel ngrok', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-ngrok-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const sdkCalls = async () =>
    (await readFile(join(dir, 'ngrok.jsonl'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string; config?: Record<string, unknown> });
  const fakeSdkEnv = (mode: 'ok' | 'auth-error' | 'hang', extra: Record<string, string> = {}) => ({
    SCANDOCS_WEBHOOKS_NGROK_MODULE: FAKE_NGROK_MODULE,
    FAKE_NGROK_LOG: join(dir, 'ngrok.jsonl'),
    FAKE_NGROK_MODE: mode,
    ...extra,
  });

  it('listen --tunnel ngrok passes the port, NGROK_AUTHTOKEN and --ngrok-domain to the SDK, prints the URL, and closes it on Ctrl-C', async () => {
    running = startCli(['listen', '--port', '0', '--secret', TEST_SECRET, '--tunnel', 'ngrok', '--ngrok-domain', 'my-app.ngrok.app'], {
      env: fakeSdkEnv('ok', { NGROK_AUTHTOKEN: 'token-from-env' }),
    });
    const port = Number((await running.waitFor(READY))[1]);
    await running.waitFor(/verify {4}on: .*\n/); // the last start-up line
    const [call] = await sdkCalls();
    expect(call).toEqual({
      event: 'forward',
      config: {
        addr: `127.0.0.1:${port}`,
        authtoken: 'token-from-env',
        domain: 'my-app.ngrok.app',
        forwards_to: `scandocs-webhooks listen on 127.0.0.1:${port}`,
        onStatusChange: '[function]',
      },
    });
    const out = running.stdout();
    expect(out).toContain(`  public    https://my-app.ngrok.app → http://127.0.0.1:${port} (ngrok)`);
    expect(out).toContain('    https://my-app.ngrok.app/webhooks\n');
    expect(out).not.toContain('restart with --secret'); // the endpoint's secret was given
    expect(await running.stop('SIGINT')).toBe(0);
    expect((await sdkCalls()).map((c) => c.event)).toEqual(['forward', 'close']);
  });

  it('--ngrok-authtoken wins over NGROK_AUTHTOKEN', async () => {
    running = startCli(['listen', '--port', '0', '--tunnel', 'ngrok', '--ngrok-authtoken', 'token-from-flag'], {
      env: fakeSdkEnv('ok', { NGROK_AUTHTOKEN: 'token-from-env' }),
    });
    await running.waitFor(/ngrok-free\.app\/webhooks/);
    expect((await sdkCalls())[0]?.config).toMatchObject({ authtoken: 'token-from-flag' });
    expect((await sdkCalls())[0]?.config).not.toHaveProperty('domain');
    expect(await running.stop('SIGINT')).toBe(0);
  });

  it('without an authtoken, says where to get one and exits 2', async () => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'ngrok'], { env: { NGROK_AUTHTOKEN: undefined, ...fakeSdkEnv('ok') } });
    expect(result.code).toBe(2);
    expect(onlyLine(result.stderr)).toBe(
      'error: ngrok needs an authtoken: copy yours from https://dashboard.ngrok.com/get-started/your-authtoken and set NGROK_AUTHTOKEN=<token> (or pass --ngrok-authtoken <token>); no ngrok account? use --tunnel cloudflared',
    );
    expect(await sdkCalls()).toEqual([]);
  });

  it('an auth failure is ngrok\'s reason on one line, token masked, exit 2', async () => {
    const token = '2abcDEFghiJKLmnoPQRstuVWXyz_1a2B3c4D5e6F7g8H9';
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'ngrok'], { env: fakeSdkEnv('auth-error', { NGROK_AUTHTOKEN: token }) });
    expect(result.code).toBe(2);
    const line = onlyLine(result.stderr);
    expect(line).toMatch(/^error: ngrok could not open the tunnel: failed to connect session: authentication failed: The authtoken you specified/);
    expect(line).toContain('Your authtoken: 2abc••••••');
    expect(result.stderr + result.stdout).not.toContain(token);
  });

  it('with the real @ngrok/ngrok SDK and a bogus token, fails clearly and exits 2 within the time bound', async () => {
    const started = Date.now();
    const result = await runCli(['listen', '--port', '0', '--tunnel', 'ngrok', '--tunnel-timeout', '10s'], {
      env: { NGROK_AUTHTOKEN: 'bogus_token_for_tests_0123456789' },
      timeoutMs: 25_000,
    });
    expect(result.code).toBe(2);
    expect(onlyLine(result.stderr)).toMatch(/^error: ngrok (could not open the tunnel: \S.*|did not answer within 10s: .*)$/);
    expect(result.stderr).not.toContain('bogus_token_for_tests_0123456789');
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('with the real SDK stuck on a server that never answers, gives up after --tunnel-timeout and the process still exits', async () => {
    // The SDK's pending connect holds the event loop open forever; the CLI must exit regardless.
    const silent: Server = createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address() as { port: number };
    try {
      const result = await runCli(['listen', '--port', '0', '--tunnel', 'ngrok', '--tunnel-timeout', '2s'], {
        env: {
          NGROK_AUTHTOKEN: 'bogus_token_for_tests_0123456789',
          SCANDOCS_WEBHOOKS_NGROK_MODULE: NGROK_SILENT_SERVER_MODULE,
          FAKE_NGROK_SERVER_ADDR: `127.0.0.1:${address.port}`,
        },
        timeoutMs: 15_000,
      });
      expect(result.code).toBe(2);
      expect(onlyLine(result.stderr)).toBe(
        'error: ngrok did not answer within 2s: check your internet connection (or a proxy/firewall blocking ngrok), then try again',
      );
    } finally {
      silent.close();
    }
  }, 20_000);
});

describe('listen --tunnel loads only what it uses', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trace-imports-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The tunnel modules and SDK files a run of `listen …` loaded. */
  async function tunnelModulesLoaded(args: string[], env: Record<string, string | undefined> = {}): Promise<string[]> {
    const file = join(dir, `${args.join('-').replace(/\W+/g, '_')}.txt`);
    const cli = startCli(['listen', '--port', '0', ...args], { env: { NODE_OPTIONS: `--import ${TRACE_IMPORTS}`, TRACE_IMPORTS_FILE: file, ...env } });
    await cli.waitFor(/Ready: waiting for deliveries|error:/);
    await cli.stop('SIGINT');
    const loaded = (await readFile(file, 'utf8')).split('\n');
    expect(loaded.some((url) => url.endsWith('/dist/cli/listen/flags.js'))).toBe(true); // the trace itself works
    return loaded.filter((url) => /\/dist\/tunnel\/|@ngrok/.test(url)).map((url) => url.replace(/^.*\/(dist\/tunnel\/|node_modules\/@ngrok\/)/, '$1'));
  }

  it('listen without --tunnel loads no tunnel module and no ngrok SDK', async () => {
    expect(await tunnelModulesLoaded([])).toEqual([]);
  });

  it('listen --tunnel cloudflared loads the cloudflared provider, not the ngrok SDK', async () => {
    const loaded = await tunnelModulesLoaded(['--tunnel', 'cloudflared'], { PATH: PATH_WITHOUT_CLOUDFLARED });
    expect(loaded).toContain('dist/tunnel/cloudflared.js');
    expect(loaded.filter((m) => /ngrok/.test(m))).toEqual([]);
  });
});
