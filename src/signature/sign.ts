import { createHmac, sign as ed25519Sign } from 'node:crypto';
import { randomString } from '../util/random-pool.js';
import { parseSecret, type ParsedSecret } from './secret.js';
import type { HeaderFamily } from './headers.js';
import { toUnixSeconds } from '../util/time.js';

export interface SignOptions {
  /** The raw body, exactly as it will be sent. */
  payload: string | Uint8Array;
  /** `whsec_…` (HMAC, `v1`) or `whsk_…` (ed25519, `v1a`). */
  secret: string;
  /** Message id; a fresh `msg_…` id when omitted. Keep it the same across retries of one message. */
  id?: string;
  /** Unix seconds or a Date; now when omitted. */
  timestamp?: number | Date;
  /** Which header family to emit: Svix-branded (as Scan Documents sends), unbranded, or both. */
  headerFamily?: HeaderFamily | 'both';
}

export interface SignedMessage {
  id: string;
  timestamp: number;
  /** The signature header value, e.g. `v1,g0hM9SsE…`. */
  signature: string;
  headers: Record<string, string>;
}

/** Signs a payload the way Svix does: HMAC-SHA256 over `{id}.{timestamp}.{payload}` with the base64-decoded secret. */
export function sign(options: SignOptions): SignedMessage {
  if (typeof options?.secret !== 'string') throw new TypeError('sign(): missing secret (whsec_… or whsk_…)');
  if (typeof options.payload !== 'string' && !(options.payload instanceof Uint8Array)) {
    throw new TypeError('sign(): missing payload (the raw body, a string or bytes)');
  }
  const parsed = parseSigningSecret(options.secret);
  const id = options.id ?? newMessageId();
  const timestamp = toUnixSeconds(options.timestamp ?? new Date());
  const payload = typeof options.payload === 'string' ? Buffer.from(options.payload) : options.payload;

  let signature: string;
  if (parsed.kind === 'hmac') {
    // Over the exact bytes: svix's own sign() decodes a Buffer as UTF-8 first, so a body that is not valid
    // UTF-8 would be signed over different bytes than the ones sent. For UTF-8 bodies the result is identical
    // (tests compare it with svix's), and node:crypto also spares a cold pure-JS SHA-256 on every attempt.
    const hmac = createHmac('sha256', parsed.hmacKey).update(`${id}.${timestamp}.`).update(payload);
    signature = `v1,${hmac.digest('base64')}`;
  } else if (parsed.kind === 'ed25519-private') {
    const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), payload]);
    signature = `v1a,${ed25519Sign(null, content, parsed.privateKey).toString('base64')}`;
  } else {
    throw new TypeError('sign(): a whpk_ public key can only verify; sign with the whsec_ or whsk_ secret');
  }
  return { id, timestamp, signature, headers: headersFor(options.headerFamily ?? 'svix', id, timestamp, signature) };
}

/** The last secret signed with, parsed: `trigger` signs every attempt of thousands with the same one. */
let lastSecret: { input: string; parsed: ParsedSecret } | undefined;

function parseSigningSecret(secret: string): ParsedSecret {
  if (lastSecret?.input !== secret) {
    const parsed = parseSecret(secret);
    if (!parsed.ok) throw new TypeError(`sign(): ${parsed.message}`);
    lastSecret = { input: secret, parsed };
  }
  return lastSecret.parsed;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Svix-style message id: `msg_` and 27 random base62 characters. */
export function newMessageId(): string {
  return `msg_${randomString(BASE62, 27)}`;
}

function headersFor(family: HeaderFamily | 'both', id: string, timestamp: number, signature: string): Record<string, string> {
  // Literal objects, not names built in a loop: V8 keeps literals in fast mode, and trigger builds one per attempt.
  const svix = { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signature };
  const webhook = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
  return family === 'svix' ? svix : family === 'webhook' ? webhook : Object.assign(svix, webhook);
}
