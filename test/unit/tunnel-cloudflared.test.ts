import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCloudflared } from '../../src/tunnel/cloudflared.js';
import type { TunnelReport } from '../../src/tunnel/types.js';
import { InputError } from '../../src/errors.js';
import { installFakeCloudflared, isRunning, PATH_WITHOUT_CLOUDFLARED, type FakeCloudflared } from '../helpers/tunnel.js';

let fake: FakeCloudflared;
const savedEnv = { ...process.env };

beforeEach(async () => {
  fake = await installFakeCloudflared();
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await fake.remove();
});

/** The fake reads its mode from the environment it inherits. */
function useMode(mode: 'ok' | 'fail' | 'die' | 'silent'): void {
  Object.assign(process.env, fake.env(mode));
}

describe('startCloudflared', () => {
  it('startCloudflared({command}) runs `tunnel --url http://127.0.0.1:PORT` and returns the URL from the banner', async () => {
    useMode('ok');
    const reports: TunnelReport[] = [];
    const tunnel = await startCloudflared({ provider: 'cloudflared', command: fake.path }, { port: 4123, onReport: (r) => reports.push(r) });
    try {
      expect(tunnel.url).toBe('https://seasonal-deck-organisms-sf.trycloudflare.com');
      const [started] = await fake.events();
      expect(started).toMatchObject({ event: 'started', argv: ['tunnel', '--url', 'http://127.0.0.1:4123'] });
      expect(reports).toEqual([
        { type: 'tunnel-starting', provider: 'cloudflared' },
        { type: 'tunnel-ready', provider: 'cloudflared', url: 'https://seasonal-deck-organisms-sf.trycloudflare.com' },
      ]);
    } finally {
      await tunnel.stop();
    }
  });

  it('finds `cloudflared` on PATH when no command is given', async () => {
    useMode('ok');
    const tunnel = await startCloudflared({ provider: 'cloudflared' }, { port: 4124 });
    await tunnel.stop();
    const [started] = await fake.events();
    expect(started?.argv).toEqual(['tunnel', '--url', 'http://127.0.0.1:4124']);
  });

  it('stop() terminates the process with SIGTERM and reports tunnel-closed, not tunnel-exited', async () => {
    useMode('ok');
    const reports: TunnelReport[] = [];
    const tunnel = await startCloudflared({ provider: 'cloudflared', command: fake.path }, { port: 4125, onReport: (r) => reports.push(r) });
    const pid = (await fake.events())[0]!.pid;
    expect(isRunning(pid)).toBe(true);
    await tunnel.stop();
    await tunnel.stop(); // twice is harmless
    expect(isRunning(pid)).toBe(false);
    expect((await fake.events()).map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(reports.map((r) => r.type)).toEqual(['tunnel-starting', 'tunnel-ready', 'tunnel-closed']);
  });

  it('reports tunnel-exited with cloudflared\'s last error when it dies after the URL was shown', async () => {
    useMode('die');
    const reports: TunnelReport[] = [];
    const exited = new Promise<TunnelReport>((resolve) => {
      void startCloudflared(
        { provider: 'cloudflared', command: fake.path },
        { port: 4126, onReport: (r) => (reports.push(r), r.type === 'tunnel-exited' && resolve(r)) },
      );
    });
    expect(await exited).toEqual({
      type: 'tunnel-exited',
      provider: 'cloudflared',
      reason: 'cloudflared exited with code 1: Serve tunnel error error="connection with edge closed" connIndex=0',
    });
    expect(reports.map((r) => r.type)).toEqual(['tunnel-starting', 'tunnel-ready', 'tunnel-exited']);
  });

  it('throws a tunnel InputError with cloudflared\'s reason when it exits before giving a URL', async () => {
    useMode('fail');
    const error = await startCloudflared({ provider: 'cloudflared', command: fake.path }, { port: 4127 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('tunnel');
    expect((error as Error).message).toBe(
      'cloudflared exited with code 1 before giving a public URL: failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host',
    );
  });

  it('gives up after timeoutMs when no URL appears, and stops the process', async () => {
    useMode('silent');
    const error = await startCloudflared({ provider: 'cloudflared', command: fake.path }, { port: 4128, timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('cloudflared gave no public URL within 1s: Requesting new quick Tunnel on trycloudflare.com...');
    const events = await fake.events();
    expect(events.map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(isRunning(events[0]!.pid)).toBe(false);
  });

  it('says how to install cloudflared when it is not on PATH', async () => {
    process.env.PATH = PATH_WITHOUT_CLOUDFLARED;
    const error = await startCloudflared({ provider: 'cloudflared' }, { port: 4129 }).catch((e: unknown) => e);
    expect((error as InputError).code).toBe('tunnel');
    expect((error as Error).message).toMatch(/^cloudflared is not installed \(not found on PATH\): install it \(macOS: brew install cloudflared; .*\), or give the path to it$/);
  });

  it('names the bad --cloudflared-path when the given file does not exist', async () => {
    const error = await startCloudflared({ provider: 'cloudflared', command: `${fake.dir}/nope` }, { port: 4130 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`^cloudflared not found at "${fake.dir}/nope": fix the path to it, or install it`));
  });

  it('says the file is not executable when --cloudflared-path points at one', async () => {
    const error = await startCloudflared({ provider: 'cloudflared', command: fake.logFile.replace('events.jsonl', '') }, { port: 4131 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/^cannot run ".*": permission denied/);
  });
});

describe('startCloudflared with an abort signal', () => {
  it('stops cloudflared and rejects with the reason when aborted before the URL appears', async () => {
    useMode('silent');
    const abort = new AbortController();
    const starting = startCloudflared({ provider: 'cloudflared', command: fake.path }, { port: 4132, signal: abort.signal });
    await waitForEvent('started');
    abort.abort(new Error('stopped by Ctrl-C'));
    await expect(starting).rejects.toThrow('stopped by Ctrl-C');
    const events = await fake.events();
    expect(events.map((e) => e.event)).toEqual(['started', 'stopped']);
  });
});

/** Polls the fake's log, bounded: 50 × 20 ms. */
async function waitForEvent(event: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await fake.events()).some((e) => e.event === event)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the fake never logged ${event}`);
}
