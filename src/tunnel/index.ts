/**
 * Tunnels make the local listener reachable from the internet, so the Scan Documents Dashboard can deliver to it.
 * Each provider lives in its own file and is imported only when asked for: `--tunnel` costs nothing unused.
 */
import type { CloudflaredConfig } from './cloudflared.js';
import type { NgrokConfig } from './ngrok.js';
import type { Tunnel, TunnelStartOptions } from './types.js';

export * from './types.js';
export type { NgrokConfig, NgrokSdk, NgrokForwardConfig, NgrokListener } from './ngrok.js';
export type { CloudflaredConfig } from './cloudflared.js';

/** Which provider, and its own settings. */
export type TunnelConfig = NgrokConfig | CloudflaredConfig;

/** Opens a tunnel to the local listener; throws an InputError (code 'tunnel') saying how to fix a failure. */
export async function startTunnel(config: TunnelConfig, options: TunnelStartOptions): Promise<Tunnel> {
  switch (config.provider) {
    case 'ngrok':
      return (await import('./ngrok.js')).startNgrok(config, options);
    case 'cloudflared':
      return (await import('./cloudflared.js')).startCloudflared(config, options);
  }
}
