import { pickRoute, type ForwardRoute } from '../listener/route.js';
import { parseSecret, sign } from '../signature/index.js';
import type { ReplaySeams } from './actions.js';

/**
 * What replays need from the listener: its URL, its forward targets, and signing with its secret, done here on the
 * server so the secret never reaches the page. A `whpk_` public key cannot sign, so then only original signatures
 * can be replayed.
 */
export function listenerReplaySeams(options: { secret?: string; routes: readonly ForwardRoute[]; listenerUrl(): string | undefined }): ReplaySeams {
  const parsed = options.secret === undefined ? undefined : parseSecret(options.secret);
  const secret = parsed?.ok && parsed.kind !== 'ed25519-public' ? options.secret : undefined;
  return {
    listenerUrl: options.listenerUrl,
    sign: secret === undefined ? undefined : (body, id) => sign({ payload: body, secret, id }).headers,
    forwardUrl: options.routes.length === 0 ? undefined : (eventType) => pickRoute(options.routes, eventType)?.url.href,
  };
}
