import type { TunnelConfig } from './index.js';
import type { Tunnel, TunnelReport } from './types.js';

export interface OpenTunnelOptions {
  /** Where the listener is bound; the tunnel dials it there (127.0.0.1 when bound to every interface). */
  host: string;
  port: number;
  timeoutMs?: number;
  onReport(report: TunnelReport): void;
  /** Gives up on a start still in progress: openTunnel then resolves undefined. */
  signal?: AbortSignal;
}

/** Opens the tunnel for a ready listener, loading only the provider asked for; undefined when aborted first. */
export async function openTunnel(config: TunnelConfig, options: OpenTunnelOptions): Promise<Tunnel | undefined> {
  const { startTunnel } = await import('./index.js');
  try {
    return await startTunnel(config, {
      host: dialHost(options.host),
      port: options.port,
      timeoutMs: options.timeoutMs,
      onReport: options.onReport,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) return undefined;
    throw error;
  }
}

/** A listener bound to every interface is reached on loopback; an IPv6 address needs brackets in a URL. */
function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
