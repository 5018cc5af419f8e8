import { InputError } from '../errors.js';
import { maskSecret } from '../signature/secret.js';
import { formatDuration } from '../util/duration.js';
import { within } from '../util/within.js';
import { DEFAULT_TUNNEL_HOST, DEFAULT_TUNNEL_TIMEOUT_MS, type Tunnel, type TunnelStartOptions } from './types.js';

/** The part of `@ngrok/ngrok` this provider uses; tests pass an object of this shape instead of the native SDK. */
export interface NgrokSdk {
  forward(config: NgrokForwardConfig): Promise<NgrokListener>;
}

/** The `ngrok.forward()` options we set (a subset of the SDK's `Config`). */
export interface NgrokForwardConfig {
  addr: string;
  authtoken: string;
  domain?: string;
  /** Shown in the ngrok dashboard next to the endpoint. */
  forwards_to: string;
  /** Called by the SDK with "connected", and with "closed" whenever the session drops (it then reconnects). */
  onStatusChange: (status: string) => void;
}

export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}

export interface NgrokConfig {
  provider: 'ngrok';
  /** Required: the CLI resolves it from its flag or NGROK_AUTHTOKEN and refuses to start without one. */
  authtoken: string;
  /** A reserved domain, e.g. my-app.ngrok.app. */
  domain?: string;
  /** Where the SDK comes from; `@ngrok/ngrok`, loaded only now, by default. */
  loadSdk?: () => Promise<NgrokSdk>;
}

/** listener.close() is an RPC to ngrok's servers: never let a dead network hold up Ctrl-C. */
const CLOSE_TIMEOUT_MS = 3_000;

/** Opens an ngrok endpoint that forwards to the local listener, through the official SDK (no binary download). */
export async function startNgrok(config: NgrokConfig, options: TunnelStartOptions): Promise<Tunnel> {
  const { port, host = DEFAULT_TUNNEL_HOST, timeoutMs = DEFAULT_TUNNEL_TIMEOUT_MS, onReport = () => {}, signal } = options;
  const sdk = await (config.loadSdk ?? loadOfficialSdk)();
  onReport({ type: 'tunnel-starting', provider: 'ngrok' });

  let ready = false;
  let stopping = false;
  let interrupted = false;
  const onStatusChange = (status: string) => {
    // The SDK reconnects by itself after a drop: say so, and say when it is back, but only once the URL was shown.
    if (!ready || stopping) return;
    if (status === 'closed' && !interrupted) {
      interrupted = true;
      onReport({ type: 'tunnel-interrupted', provider: 'ngrok', reason: 'lost the connection to ngrok; reconnecting' });
    } else if (status === 'connected' && interrupted) {
      interrupted = false;
      onReport({ type: 'tunnel-reconnected', provider: 'ngrok', url });
    }
  };

  const forwarding = sdk.forward({
    addr: `${host}:${port}`,
    authtoken: config.authtoken,
    ...(config.domain ? { domain: config.domain } : {}),
    forwards_to: `scandocs-webhooks listen on ${host}:${port}`,
    onStatusChange,
  });
  let listener: NgrokListener;
  try {
    listener = await within(forwarding, timeoutMs, () => {
      return new InputError(
        'tunnel',
        `ngrok did not answer within ${formatDuration(timeoutMs)}: check your internet connection (or a proxy/firewall blocking ngrok), then try again`,
      );
    }, signal);
  } catch (error) {
    // A connection that completes after we gave up must not stay open behind the user's back.
    void forwarding.then((late) => late.close()).catch(() => {});
    if (error instanceof InputError || signal?.aborted) throw error;
    const reason = describeSdkError(error, config.authtoken);
    // The offline reason ("failed to establish tcp connection") does not say what to do about it.
    const hint = /establish tcp connection|failed to resolve|dns/i.test(reason) ? ' (check your internet connection, then try again)' : '';
    throw new InputError('tunnel', `ngrok could not open the tunnel: ${reason}${hint}`);
  }

  const url = trimSlash(listener.url() ?? '');
  if (!url) {
    await listener.close().catch(() => {});
    throw new InputError('tunnel', 'ngrok opened a session but gave no public URL: try again, or check the endpoint in your ngrok dashboard');
  }
  ready = true;
  onReport({ type: 'tunnel-ready', provider: 'ngrok', url });

  let stopped: Promise<void> | undefined;
  return {
    provider: 'ngrok',
    url,
    stop() {
      stopping = true;
      stopped ??= within(listener.close(), CLOSE_TIMEOUT_MS, () => new Error('ngrok close timed out'))
        .catch(() => {})
        .then(() => onReport({ type: 'tunnel-closed', provider: 'ngrok' }));
      return stopped;
    },
  };
}

async function loadOfficialSdk(): Promise<NgrokSdk> {
  try {
    const sdk = (await import('@ngrok/ngrok')) as unknown as NgrokSdk & { default?: NgrokSdk };
    return sdk.default ?? sdk;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(
      'tunnel',
      `the ngrok SDK (@ngrok/ngrok) did not load on this platform (${reason}): run npm install again, or use the cloudflared tunnel`,
      { kind: 'ngrok-sdk', reason },
    );
  }
}

/**
 * The SDK's reason on one line. ngrok's auth errors span several lines and echo the authtoken back
 * ("Your authtoken: …"), so the token is masked wherever it appears.
 */
export function describeSdkError(error: unknown, authtoken: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  const masked = authtoken ? raw.split(authtoken).join(maskSecret(authtoken)) : raw;
  const text = masked.replace(/\s+/g, ' ').trim();
  return text.length > 400 ? `${text.slice(0, 399)}…` : text || 'unknown error';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
