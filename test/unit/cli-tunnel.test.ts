import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { resolveTunnel, type TunnelSettings } from '../../src/cli/tunnel/settings.js';
import { formatTunnelReport, tunnelJson, type TunnelContext } from '../../src/cli/tunnel/render.js';
import { InputError } from '../../src/errors.js';
import { FAKE_NGROK_MODULE } from '../helpers/tunnel.js';

const base = { tunnelTimeout: '20s' };
const plain = new Chalk({ level: 0 });

function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('resolveTunnel', () => {
  it('resolveTunnel({}) is undefined: no tunnel, nothing to load', () => {
    expect(resolveTunnel(base, {})).toBeUndefined();
  });

  it('resolveTunnel({tunnel: cloudflared}) runs cloudflared from PATH, or the --cloudflared-path given', () => {
    expect(resolveTunnel({ ...base, tunnel: 'cloudflared' }, {})).toEqual({ config: { provider: 'cloudflared' }, timeoutMs: 20_000 });
    expect(resolveTunnel({ ...base, tunnel: 'cloudflared', cloudflaredPath: '/opt/cf', tunnelTimeout: '1m' }, {})).toEqual({
      config: { provider: 'cloudflared', command: '/opt/cf' },
      timeoutMs: 60_000,
    });
  });

  it('resolveTunnel({tunnel: ngrok}) takes the authtoken from NGROK_AUTHTOKEN, and --ngrok-authtoken over it', () => {
    expect(resolveTunnel({ ...base, tunnel: 'ngrok' }, { NGROK_AUTHTOKEN: 'from-env' })?.config).toEqual({ provider: 'ngrok', authtoken: 'from-env' });
    expect(resolveTunnel({ ...base, tunnel: 'ngrok', ngrokAuthtoken: 'from-flag' }, { NGROK_AUTHTOKEN: 'from-env' })?.config).toEqual({
      provider: 'ngrok',
      authtoken: 'from-flag',
    });
  });

  it('resolveTunnel({ngrokDomain}) accepts a bare domain or a pasted URL', () => {
    const domain = (text: string) => (resolveTunnel({ ...base, tunnel: 'ngrok', ngrokDomain: text }, { NGROK_AUTHTOKEN: 't' })?.config as { domain?: string }).domain;
    expect(domain('my-app.ngrok.app')).toBe('my-app.ngrok.app');
    expect(domain('https://My-App.ngrok.app/')).toBe('my-app.ngrok.app');
    expect(failure(() => domain('not a domain')).message).toBe(
      '--ngrok-domain "not a domain" is not a domain name: pass the one reserved in your ngrok dashboard, e.g. --ngrok-domain my-app.ngrok.app',
    );
  });

  it('without an authtoken, says where to get one and how to pass it', () => {
    const error = failure(() => resolveTunnel({ ...base, tunnel: 'ngrok' }, { NGROK_AUTHTOKEN: '  ' }));
    expect(error.code).toBe('tunnel');
    expect(error.message).toBe(
      'ngrok needs an authtoken: copy yours from https://dashboard.ngrok.com/get-started/your-authtoken and set NGROK_AUTHTOKEN=<token> (or pass --ngrok-authtoken <token>); no ngrok account? use --tunnel cloudflared',
    );
  });

  it('refuses --skip-verify with --tunnel unless --allow-unverified is also given', () => {
    const error = failure(() => resolveTunnel({ ...base, tunnel: 'cloudflared', skipVerify: true }, {}));
    expect(error.message).toBe(
      "--skip-verify with --tunnel would accept unsigned requests from anyone on the internet: drop --skip-verify (pass the endpoint's --secret), or add --allow-unverified if you mean it",
    );
    expect(resolveTunnel({ ...base, tunnel: 'cloudflared', skipVerify: true, allowUnverified: true }, {})).toBeDefined();
    // Without a tunnel the listener is local only: --skip-verify needs no second flag.
    expect(resolveTunnel({ ...base, skipVerify: true }, {})).toBeUndefined();
  });

  it('refuses provider flags that do not match --tunnel', () => {
    expect(failure(() => resolveTunnel({ ...base, ngrokDomain: 'a.ngrok.app' }, {})).message).toBe(
      '--ngrok-domain only applies to --tunnel ngrok: add --tunnel ngrok, or drop --ngrok-domain',
    );
    expect(failure(() => resolveTunnel({ ...base, tunnel: 'ngrok', cloudflaredPath: '/x' }, { NGROK_AUTHTOKEN: 't' })).message).toBe(
      '--cloudflared-path only applies to --tunnel cloudflared: add --tunnel cloudflared, or drop --cloudflared-path',
    );
  });

  it('rejects a --tunnel-timeout that is not a positive duration', () => {
    expect(failure(() => resolveTunnel({ ...base, tunnel: 'cloudflared', tunnelTimeout: 'soon' }, {})).code).toBe('invalid-duration');
    expect(failure(() => resolveTunnel({ ...base, tunnel: 'cloudflared', tunnelTimeout: '0' }, {})).message).toMatch(/^--tunnel-timeout must be more than 0/);
  });

  it('loads the SDK from SCANDOCS_WEBHOOKS_NGROK_MODULE when the test seam is set', async () => {
    const settings = resolveTunnel({ ...base, tunnel: 'ngrok' }, { NGROK_AUTHTOKEN: 't', SCANDOCS_WEBHOOKS_NGROK_MODULE: FAKE_NGROK_MODULE }) as TunnelSettings;
    const config = settings.config as { loadSdk?: () => Promise<{ forward: unknown }> };
    expect(typeof (await config.loadSdk!()).forward).toBe('function');
    expect(resolveTunnel({ ...base, tunnel: 'ngrok' }, { NGROK_AUTHTOKEN: 't' })?.config).not.toHaveProperty('loadSdk');
  });
});

describe('formatTunnelReport', () => {
  const verified: TunnelContext = { localUrl: 'http://127.0.0.1:4000', verification: { verified: true, secretSource: 'flag' } };
  const ready = { type: 'tunnel-ready', provider: 'cloudflared', url: 'https://words.trycloudflare.com' } as const;

  it('formatTunnelReport(tunnel-ready) shows the public URL, the Dashboard URL to paste, and that requests are verified', () => {
    expect(formatTunnelReport(ready, verified, plain)).toEqual([
      '  public    https://words.trycloudflare.com → http://127.0.0.1:4000 (cloudflared)',
      '',
      '  Paste this into the Scan Documents Dashboard as the webhook endpoint URL:',
      '    https://words.trycloudflare.com/webhooks',
      '',
      '  verify    on: requests to the public URL need a valid svix-signature, anything else is answered 401',
    ]);
  });

  it('warns that real events need the endpoint secret when listen uses the built-in test secret', () => {
    const lines = formatTunnelReport(ready, { ...verified, verification: { verified: true, secretSource: 'default' } }, plain);
    expect(lines.at(-1)).toBe("            real events are signed with your endpoint's secret: copy it from the Dashboard and restart with --secret whsec_…");
  });

  it('says verification is off when --allow-unverified let --skip-verify through', () => {
    const lines = formatTunnelReport(ready, { ...verified, verification: { verified: false } }, plain);
    expect(lines.at(-1)).toBe('  verify    OFF (--skip-verify --allow-unverified): anyone who finds this URL can post anything to your listener');
  });

  it('formatTunnelReport(tunnel-exited) says the URL is gone and the listener keeps running', () => {
    expect(formatTunnelReport({ type: 'tunnel-exited', provider: 'cloudflared', reason: 'cloudflared exited with code 1: boom' }, verified, plain)).toEqual([
      '✗ cloudflared tunnel closed: cloudflared exited with code 1: boom',
      '  the public URL no longer works; the local listener keeps running on http://127.0.0.1:4000 (restart listen for a new URL)',
    ]);
  });

  it('tunnelJson(tunnel-ready) adds the Dashboard URL', () => {
    expect(tunnelJson(ready)).toEqual({ ...ready, dashboardUrl: 'https://words.trycloudflare.com/webhooks' });
    expect(tunnelJson({ type: 'tunnel-closed', provider: 'ngrok' })).toEqual({ type: 'tunnel-closed', provider: 'ngrok' });
  });
});
