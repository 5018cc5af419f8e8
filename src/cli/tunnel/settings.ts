import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors.js';
import type { NgrokSdk, TunnelConfig } from '../../tunnel/index.js';
import { parseDuration } from '../parse/duration.js';
import type { TunnelCommandOptions } from './flags.js';

const NGROK_AUTHTOKEN_ENV = 'NGROK_AUTHTOKEN';
/**
 * Test seam, not a feature: a module path the CLI imports instead of `@ngrok/ngrok`, so end-to-end tests can check
 * the options the real CLI passes to the SDK and the URL it prints, without a network.
 */
const NGROK_MODULE_ENV = 'SCANDOCS_WEBHOOKS_NGROK_MODULE';

export interface TunnelSettings {
  config: TunnelConfig;
  timeoutMs: number;
}

/**
 * Decides whether and how to open a tunnel, before anything starts, so every mistake is one line and exit 2.
 * Returns undefined without --tunnel. Reads no environment of its own: `env` is passed in.
 */
export function resolveTunnel(
  options: TunnelCommandOptions & { skipVerify?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): TunnelSettings | undefined {
  const provider = options.tunnel;
  const misplaced = [
    options.ngrokAuthtoken !== undefined && provider !== 'ngrok' && '--ngrok-authtoken',
    options.ngrokDomain !== undefined && provider !== 'ngrok' && '--ngrok-domain',
    options.cloudflaredPath !== undefined && provider !== 'cloudflared' && '--cloudflared-path',
  ].find(Boolean);
  if (misplaced) {
    const needs = misplaced.startsWith('--ngrok') ? 'ngrok' : 'cloudflared';
    throw new InputError('usage', `${misplaced} only applies to --tunnel ${needs}: add --tunnel ${needs}, or drop ${misplaced}`);
  }
  if (!provider) return undefined;

  // A tunnel makes the endpoint public: accepting unsigned requests from the whole internet must be deliberate.
  if (options.skipVerify && !options.allowUnverified) {
    throw new InputError(
      'usage',
      `--skip-verify with --tunnel would accept unsigned requests from anyone on the internet: drop --skip-verify (pass the endpoint's --secret), or add --allow-unverified if you mean it`,
    );
  }
  const timeoutMs = parseDuration(options.tunnelTimeout, '--tunnel-timeout');
  if (timeoutMs <= 0) throw new InputError('invalid-duration', `--tunnel-timeout must be more than 0, e.g. --tunnel-timeout 30s`);

  if (provider === 'cloudflared') {
    return { config: { provider, ...(options.cloudflaredPath ? { command: options.cloudflaredPath } : {}) }, timeoutMs };
  }
  const authtoken = (options.ngrokAuthtoken ?? env[NGROK_AUTHTOKEN_ENV] ?? '').trim();
  if (!authtoken) {
    throw new InputError(
      'tunnel',
      `ngrok needs an authtoken: copy yours from https://dashboard.ngrok.com/get-started/your-authtoken and set ${NGROK_AUTHTOKEN_ENV}=<token> (or pass --ngrok-authtoken <token>); no ngrok account? use --tunnel cloudflared`,
    );
  }
  const domain = options.ngrokDomain === undefined ? undefined : parseDomain(options.ngrokDomain);
  const seam = env[NGROK_MODULE_ENV];
  return {
    config: { provider, authtoken, ...(domain ? { domain } : {}), ...(seam ? { loadSdk: () => importSdk(seam) } : {}) },
    timeoutMs,
  };
}

/** Accepts `my-app.ngrok.app` and, since people paste them, `https://my-app.ngrok.app/`. */
function parseDomain(text: string): string {
  const domain = text.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(domain)) {
    throw new InputError('usage', `--ngrok-domain "${text}" is not a domain name: pass the one reserved in your ngrok dashboard, e.g. --ngrok-domain my-app.ngrok.app`);
  }
  return domain.toLowerCase();
}

async function importSdk(path: string): Promise<NgrokSdk> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as NgrokSdk & { default?: NgrokSdk };
  return module.default ?? module;
}

/**
 * Lets the process end once the command is done, even if the ngrok SDK still holds it: while a connect is
 * pending its native task keeps the event loop alive and `ngrok.kill()` never returns. The timer is unref'd, so
 * it changes nothing when nothing else is open; main.ts has set process.exitCode by the time it fires.
 */
export function exitSoonEvenIfHeld(graceMs = 1_000): void {
  setTimeout(() => process.exit(), graceMs).unref();
}
