/** The tunnel providers `listen --tunnel` knows. Adding one is a file next to this one plus a line in index.ts. */
export const TUNNEL_PROVIDERS = ['ngrok', 'cloudflared'] as const;
export type TunnelProviderName = (typeof TUNNEL_PROVIDERS)[number];

/** Everything a tunnel tells the outside world; renderers switch on `type`. */
export type TunnelReport =
  | { type: 'tunnel-starting'; provider: TunnelProviderName }
  | { type: 'tunnel-ready'; provider: TunnelProviderName; url: string }
  /** The provider lost its connection and is trying to get it back (the public URL stays the same). */
  | { type: 'tunnel-interrupted'; provider: TunnelProviderName; reason: string }
  /** Back after an interruption, same URL. */
  | { type: 'tunnel-reconnected'; provider: TunnelProviderName; url: string }
  /** The tunnel died on its own: the public URL no longer reaches the local listener. */
  | { type: 'tunnel-exited'; provider: TunnelProviderName; reason: string }
  /** The tunnel was closed on purpose by `stop()`. */
  | { type: 'tunnel-closed'; provider: TunnelProviderName };

/** What every provider needs: where the local listener is, how long to wait, and where to report. */
export interface TunnelStartOptions {
  /** The local listener's port. */
  port: number;
  /** The local listener's address; 127.0.0.1 by default (never `localhost`, which may resolve to ::1). */
  host?: string;
  /** How long to wait for the public URL before giving up. */
  timeoutMs?: number;
  onReport?: (report: TunnelReport) => void;
  /** Gives up on a start still in progress (Ctrl-C while waiting for the URL): start() rejects with its reason. */
  signal?: AbortSignal;
}

/** An open tunnel: its public URL, and how to close it. */
export interface Tunnel {
  readonly provider: TunnelProviderName;
  /** The public base URL, e.g. https://words.trycloudflare.com (no trailing slash). */
  readonly url: string;
  /** Closes the public URL. Bounded in time; calling it twice is harmless. */
  stop(): Promise<void>;
}

export const DEFAULT_TUNNEL_TIMEOUT_MS = 20_000;
export const DEFAULT_TUNNEL_HOST = '127.0.0.1';
