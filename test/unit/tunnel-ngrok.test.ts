import { describe, expect, it } from 'vitest';
import { describeSdkError, startNgrok, type NgrokForwardConfig, type NgrokListener, type NgrokSdk } from '../../src/tunnel/ngrok.js';
import type { TunnelReport } from '../../src/tunnel/types.js';
import { InputError } from '../../src/errors.js';

const TOKEN = '2abcDEFghiJKLmnoPQRstuVWXyz_1a2B3c4D5e6F7g8H9';

/** The message the real SDK gives for a malformed token (ERR_NGROK_105), authtoken echoed back and all. */
const AUTH_FAILURE =
  'failed to connect session: authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.\n' +
  `Your authtoken: ${TOKEN}\n` +
  'Instructions to install your authtoken are on your ngrok dashboard:\n' +
  'https://dashboard.ngrok.com/get-started/your-authtoken\n\nERR_NGROK_105\n';

/** An SDK double that records what it was asked and answers as told. */
function fakeSdk(answer: (config: NgrokForwardConfig) => Promise<NgrokListener>) {
  const calls: NgrokForwardConfig[] = [];
  const sdk: NgrokSdk = {
    forward: (config) => {
      calls.push(config);
      return answer(config);
    },
  };
  return { calls, loadSdk: async () => sdk };
}

function fakeListener(url: string | null, close: () => Promise<void> = async () => {}) {
  const listener = { closed: 0, url: () => url, close: async () => (listener.closed++, close()) };
  return listener;
}

describe('startNgrok', () => {
  it('startNgrok() forwards 127.0.0.1:PORT with the authtoken and domain, and reports the public URL', async () => {
    const listener = fakeListener('https://my-app.ngrok.app');
    const { calls, loadSdk } = fakeSdk(async () => listener);
    const reports: TunnelReport[] = [];
    const tunnel = await startNgrok(
      { provider: 'ngrok', authtoken: TOKEN, domain: 'my-app.ngrok.app', loadSdk },
      { port: 4321, onReport: (r) => reports.push(r) },
    );
    expect(tunnel.url).toBe('https://my-app.ngrok.app');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ addr: '127.0.0.1:4321', authtoken: TOKEN, domain: 'my-app.ngrok.app' });
    expect(reports).toEqual([
      { type: 'tunnel-starting', provider: 'ngrok' },
      { type: 'tunnel-ready', provider: 'ngrok', url: 'https://my-app.ngrok.app' },
    ]);
  });

  it('sends no domain when none is given, so ngrok assigns one', async () => {
    const { calls, loadSdk } = fakeSdk(async () => fakeListener('https://1b2c-203-0-113-7.ngrok-free.app/'));
    const tunnel = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000, host: '127.0.0.1' });
    expect(calls[0]).not.toHaveProperty('domain');
    expect(tunnel.url).toBe('https://1b2c-203-0-113-7.ngrok-free.app');
  });

  it('stop() closes the listener once and reports tunnel-closed', async () => {
    const listener = fakeListener('https://my-app.ngrok.app');
    const { loadSdk } = fakeSdk(async () => listener);
    const reports: TunnelReport[] = [];
    const tunnel = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000, onReport: (r) => reports.push(r) });
    await Promise.all([tunnel.stop(), tunnel.stop()]);
    expect(listener.closed).toBe(1);
    expect(reports.at(-1)).toEqual({ type: 'tunnel-closed', provider: 'ngrok' });
  });

  it('stop() returns even when ngrok never answers the close', async () => {
    const listener = fakeListener('https://my-app.ngrok.app', () => new Promise(() => {}));
    const { loadSdk } = fakeSdk(async () => listener);
    const tunnel = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000 });
    await tunnel.stop();
    expect(listener.closed).toBe(1);
  });

  it('turns the SDK\'s multi-line auth failure into one line, with the authtoken masked', async () => {
    const { loadSdk } = fakeSdk(async () => {
      throw new Error(AUTH_FAILURE);
    });
    const error = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('tunnel');
    expect((error as Error).message).toBe(
      'ngrok could not open the tunnel: failed to connect session: authentication failed: The authtoken you specified does not look like ' +
        'a proper ngrok tunnel authtoken. Your authtoken: 2abc•••••• Instructions to install your authtoken are on your ngrok dashboard: ' +
        'https://dashboard.ngrok.com/get-started/your-authtoken ERR_NGROK_105',
    );
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('gives up after timeoutMs when ngrok never answers, and closes a session that opens later', async () => {
    const late = fakeListener('https://late.ngrok.app');
    let open: (listener: NgrokListener) => void = () => {};
    const { loadSdk } = fakeSdk(() => new Promise((resolve) => (open = resolve)));
    const error = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000, timeoutMs: 50 }).catch((e: unknown) => e);
    expect((error as InputError).code).toBe('tunnel');
    expect((error as Error).message).toBe(
      'ngrok did not answer within 50ms: check your internet connection (or a proxy/firewall blocking ngrok), then try again',
    );
    open(late);
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.closed).toBe(1);
  });

  it('fails clearly when the session opens without a public URL', async () => {
    const listener = fakeListener(null);
    const { loadSdk } = fakeSdk(async () => listener);
    const error = await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^ngrok opened a session but gave no public URL/);
    expect(listener.closed).toBe(1);
  });

  it('reports tunnel-interrupted when the session drops after start, and tunnel-reconnected when it is back', async () => {
    let statusChange: (status: string) => void = () => {};
    const { loadSdk } = fakeSdk(async (config) => {
      statusChange = config.onStatusChange;
      config.onStatusChange('connected'); // the SDK's own status during connect: not a reconnection
      return fakeListener('https://my-app.ngrok.app');
    });
    const reports: TunnelReport[] = [];
    await startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000, onReport: (r) => reports.push(r) });
    statusChange('closed');
    statusChange('closed');
    statusChange('connected');
    expect(reports.map((r) => r.type)).toEqual(['tunnel-starting', 'tunnel-ready', 'tunnel-interrupted', 'tunnel-reconnected']);
    expect(reports[2]).toEqual({ type: 'tunnel-interrupted', provider: 'ngrok', reason: 'lost the connection to ngrok; reconnecting' });
  });

  it('with the real @ngrok/ngrok SDK and a bogus token, fails with a one-line reason within the time bound', async () => {
    // This machine is offline: the real SDK fails to reach ngrok (or, online, rejects the token). Either way: a
    // clear tunnel error, never a hang, and never the token in the message.
    const bogus = 'bogus_token_for_tests_0123456789';
    const error = await startNgrok({ provider: 'ngrok', authtoken: bogus }, { port: 4000, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('tunnel');
    expect((error as Error).message).toMatch(/^ngrok (could not open the tunnel: \S.*|did not answer within 10s: .*)$/);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain(bogus);
  }, 20_000);
});

describe('describeSdkError', () => {
  it('describeSdkError(non-Error) still gives a line', () => {
    expect(describeSdkError('boom', TOKEN)).toBe('boom');
    expect(describeSdkError(new Error(''), TOKEN)).toBe('unknown error');
  });
});

describe('startNgrok with an abort signal', () => {
  it('rejects with the abort reason while the SDK is still connecting', async () => {
    const { loadSdk } = fakeSdk(() => new Promise(() => {}));
    const abort = new AbortController();
    const starting = startNgrok({ provider: 'ngrok', authtoken: TOKEN, loadSdk }, { port: 4000, signal: abort.signal });
    abort.abort(new Error('stopped by Ctrl-C'));
    await expect(starting).rejects.toThrow('stopped by Ctrl-C');
  });
});
