import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The fixed, documented test secret that `listen`, `trigger` and `check` share out of the box,
 * so they agree without any set-up. It signs nothing real: never configure it in production.
 */
export const DEFAULT_TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';

const HMAC_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const SIGNING_KEY_PREFIX = 'whsk_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Standard Webhooks: "secrets should be between 24 and 64 bytes". */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** A secret ready for use: an HMAC key (`v1`), an ed25519 public key (`v1a`, verify only), or an ed25519 signing key. */
export type ParsedSecret =
  /** `warning`: the key's length is outside what Standard Webhooks asks for (24 to 64 bytes): usable, but weak. */
  | { kind: 'hmac'; text: string; key: Buffer; hmacKey: KeyObject; warning?: string }
  | { kind: 'ed25519-public'; text: string; publicKey: KeyObject }
  | { kind: 'ed25519-private'; text: string; privateKey: KeyObject; publicKey: KeyObject };

export type SecretProblem = { ok: false; message: string };

/**
 * Parses `whsec_<base64>` (prefix optional, as every Standard Webhooks library accepts), `whpk_<base64 ed25519 public key, raw 32
 * bytes or DER/SPKI>` or `whsk_<base64 seed32||pub32, or DER/PKCS#8>`. Returns a sentence saying what is wrong instead of throwing,
 * because a malformed secret is the most common user mistake and deserves a precise answer.
 */
export function parseSecret(secret: string): ({ ok: true } & ParsedSecret) | SecretProblem {
  const text = secret.trim();
  if (text === '') return problem('the secret is empty: pass the endpoint secret (whsec_…)');
  if (/^v1a?,/.test(text)) {
    return problem('the secret looks like a signature ("v1,…"), not a secret: use the endpoint secret that starts with whsec_');
  }
  if (/^(svix|webhook)-(signature|id|timestamp)\s*:/i.test(text)) {
    return problem('the secret is a pasted header line, not a secret: use the endpoint secret that starts with whsec_ (the signature is computed from it)');
  }
  if (/^whsec_v1a?,/.test(text)) {
    return problem('the secret is whsec_ followed by a signature ("v1,…"): use the endpoint secret itself, whsec_ and the base64 after it');
  }
  if (/^(sk|pk|rk)[_-]|^bearer\s|^api[_-]?key/i.test(text)) {
    return problem('the secret looks like an API key: use the webhook endpoint secret (whsec_…) from the Dashboard instead');
  }
  if (text.startsWith(PUBLIC_KEY_PREFIX)) {
    const raw = decodeBase64(text.slice(PUBLIC_KEY_PREFIX.length));
    const publicKey = raw && ed25519PublicKey(raw);
    if (!publicKey) {
      return problem('the whpk_ public key is not base64 of an ed25519 key (32 raw bytes or DER/SPKI): copy the whole key');
    }
    return { ok: true, kind: 'ed25519-public', text, publicKey };
  }
  if (text.startsWith(SIGNING_KEY_PREFIX)) {
    const raw = decodeBase64(text.slice(SIGNING_KEY_PREFIX.length));
    const privateKey = raw && ed25519PrivateKey(raw);
    if (!privateKey) {
      return problem('the whsk_ signing key is not base64 of an ed25519 key (64 bytes seed||public, or DER/PKCS#8): copy the whole key');
    }
    return { ok: true, kind: 'ed25519-private', text, privateKey, publicKey: createPublicKey(privateKey) };
  }
  const prefixed = text.startsWith(HMAC_PREFIX);
  const body = prefixed ? text.slice(HMAC_PREFIX.length) : text;
  const key = decodeBase64(body);
  if (!key) {
    // Said about what was typed: a secret given without the prefix is not told about one.
    const where = prefixed ? ` after "${HMAC_PREFIX}"` : '';
    return problem(`the secret is not valid base64${where}: ${base64Problem(body, prefixed ? HMAC_PREFIX.length : 0)}; copy it again from the Dashboard, whole`);
  }
  // createHmac takes a KeyObject faster than bytes, which it would import afresh at every call.
  const parsed = { ok: true as const, kind: 'hmac' as const, text, key, hmacKey: createSecretKey(key) };
  const warning =
    key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES
      ? `the secret decodes to ${key.length} bytes; Standard Webhooks asks for ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}: fine for a local test, too weak or unusual for a real endpoint`
      : undefined;
  return warning ? { ...parsed, warning } : parsed;
}

/** Shows enough of a secret to recognise it, never the whole: `whsec_c2Nh…XkH` → `whsec_c2Nh…(34 chars)`. */
export function maskSecret(secret: string): string {
  const text = secret.trim();
  const prefix = /^(whsec_|whpk_|whsk_)/.exec(text)?.[0] ?? '';
  const rest = text.slice(prefix.length);
  const shown = rest.slice(0, Math.min(4, Math.floor(rest.length / 4)));
  return `${prefix}${shown}${'•'.repeat(6)}`;
}

function problem(message: string): SecretProblem {
  return { ok: false, message };
}

/** Why `text` is not base64, pointing at the first character at fault (counted from 1, after `offset` typed ones). */
function base64Problem(text: string, offset: number): string {
  if (text === '') return 'nothing follows the prefix';
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) {
    const what = bad[0] === ' ' ? 'a space' : /[\x00-\x1f\x7f]/.test(bad[0]) ? 'a control character' : `"${bad[0]}"`;
    return `${what} (character ${bad.index + offset + 1}) is not a base64 character`;
  }
  const padding = text.indexOf('=');
  if (padding !== -1 && !/^=+$/.test(text.slice(padding))) return `"=" (character ${padding + offset + 1}) can only pad the end`;
  if (/={3,}$/.test(text)) return 'it ends with more than two "="';
  return `${text.length} characters cannot be base64 (a character missing or extra?)`;
}

function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/**
 * An ed25519 public key from its 32 raw bytes or its DER/SPKI encoding (44 bytes): the Standard Webhooks libraries
 * publish `whpk_` keys in either form, so both are accepted. Anything else (another curve, RSA, garbage) is refused.
 */
function ed25519PublicKey(bytes: Buffer): KeyObject | undefined {
  try {
    const key =
      bytes.length === 32
        ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(bytes) }, format: 'jwk' })
        : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** An ed25519 private key from seed(32)||public(32) bytes, or its DER/PKCS#8 encoding. */
function ed25519PrivateKey(bytes: Buffer): KeyObject | undefined {
  try {
    const key =
      bytes.length === 64
        ? createPrivateKey({
            key: { kty: 'OKP', crv: 'Ed25519', d: base64url(bytes.subarray(0, 32)), x: base64url(bytes.subarray(32)) },
            format: 'jwk',
          })
        : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}
