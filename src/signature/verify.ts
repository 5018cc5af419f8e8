import { createHmac, timingSafeEqual, verify as ed25519Verify } from 'node:crypto';
import { parseSecret, maskSecret, type ParsedSecret } from './secret.js';
import { readWebhookHeaders, type HeaderFamily, type HeaderInput, type WebhookHeaders } from './headers.js';
import { findReserialization } from './diagnose.js';
import { formatSkew } from '../util/duration.js';
import { toUnixSeconds } from '../util/time.js';

/** Standard Webhooks' replay window: a timestamp more than five minutes away from now, either way, is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
/**
 * Signature entries tried per header: a sender has one per secret in rotation, a few at most. Each entry tried
 * costs a comparison for every secret and every re-serialized form the diagnosis tries, so a header of 1,800
 * entries must not buy 1,800 of each (issue 19 defect 4); the entries past these are not read.
 */
export const MAX_SIGNATURES_TRIED = 10;
/**
 * Ends the message of a timestamp failure whose signature matched: the delivery is genuine, only old (or the clock
 * is off). The CLI swaps it for its own flag's name.
 */
export const RECORDED_DELIVERY_HINT = ' (verify it at the time it was sent, with `at`, to check a recorded delivery)';

export interface VerifyOptions {
  /** The raw request body, byte for byte as received. */
  payload: string | Uint8Array;
  /** The request headers (any case; svix-* or webhook-*). */
  headers: HeaderInput;
  /** One secret, or several during key rotation: any match passes. */
  secret: string | readonly string[];
  /** Seconds either way; default 300. */
  tolerance?: number;
  /** The clock to check the timestamp against (unix seconds or Date); now by default. Use it for recorded deliveries. */
  at?: number | Date;
  /**
   * Secrets that must not make the check pass but help explain a failure, such as the built-in test secret:
   * "signed with the test secret, not the one you gave".
   */
  diagnosticSecrets?: ReadonlyArray<{ label: string; secret: string }>;
}

export type VerifyFailureReason =
  | 'invalid-secret'
  | 'missing-headers'
  | 'invalid-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-signatures'
  | 'body-reserialized'
  | 'signed-with-other-secret'
  | 'no-matching-signature';

export interface VerifySuccess {
  ok: true;
  id: string;
  timestamp: number;
  family: HeaderFamily;
  /** The signature entry that matched, e.g. `v1,g0hM…`, and the index of the secret it matched. */
  signature: string;
  secretIndex: number;
}

export interface VerifyFailure {
  ok: false;
  reason: VerifyFailureReason;
  /** One sentence a user can act on. */
  message: string;
  family?: HeaderFamily;
  id?: string;
  timestamp?: number;
  /** Seconds between the timestamp and the clock (positive: the timestamp is in the past). */
  skewSeconds?: number;
  /** Signature versions seen in the header, e.g. ['v1', 'v2']. */
  versionsSeen?: string[];
  /** The tolerance the timestamp was checked against, in seconds. */
  toleranceSeconds?: number;
  /** The signature entries the header held, as received (the first MAX_SIGNATURES_TRIED, the ones tried). */
  receivedSignatures?: string[];
  /** Set when the header held more entries than MAX_SIGNATURES_TRIED: those past them were not read. */
  moreSignaturesInHeader?: boolean;
  /**
   * The `v1,…` signature each HMAC secret in use gives this id, timestamp and body, in the order of the secrets, so
   * a failure can be compared entry by entry (what the inspector shows). A signature, never the secret itself.
   */
  expectedSignatures?: string[];
}

export type VerifyResult = VerifySuccess | VerifyFailure;

interface SignatureEntry {
  version: string;
  value: string;
  raw: string;
}

/** What a verifier checks deliveries against: everything in VerifyOptions but the delivery itself. */
export type VerifierOptions = Omit<VerifyOptions, 'payload' | 'headers' | 'at'> & {
  /**
   * Whether a genuine but stale delivery's message ends with RECORDED_DELIVERY_HINT (default true). A listener's
   * deliveries are live, with no time to give, so it turns the hint off rather than cut it out of the message.
   */
  suggestAt?: boolean;
};
export type SignedDelivery = Pick<VerifyOptions, 'payload' | 'at'> &
  (
    | { headers: HeaderInput; webhookHeaders?: undefined }
    /** Headers its caller has already read (readWebhookHeaders), so they are not read a second time. */
    | { webhookHeaders: WebhookHeaders; headers?: undefined }
  );

/**
 * Verifies a webhook delivery and, when it fails, says exactly why. Never throws for a bad delivery: a malformed
 * secret, missing headers, a timestamp that is not unix seconds or a stale one are results, so callers can show
 * the reason. Misuse (no secret, no payload, no headers) throws one TypeError naming what is missing.
 */
export function verify(options: VerifyOptions): VerifyResult {
  const missing = [
    ...missingSecret(options),
    ...(isPayload(options?.payload) ? [] : ['payload (the raw body, a string or bytes)']),
    ...(options?.headers && typeof options.headers === 'object' ? [] : ['headers (the request headers)']),
  ];
  if (missing.length > 0) throw new TypeError(`verify(): missing ${missing.join(', ')}`);
  return createVerifier(options)(options);
}

function missingSecret(options: Partial<VerifierOptions> | undefined): string[] {
  const secret = options?.secret;
  const given = typeof secret === 'string' || (Array.isArray(secret) && secret.length > 0 && secret.every((s) => typeof s === 'string'));
  return given ? [] : ['secret (whsec_…, or several during key rotation)'];
}

function isPayload(payload: unknown): payload is string | Uint8Array {
  return typeof payload === 'string' || payload instanceof Uint8Array;
}

/**
 * Parses the secrets once and returns a function that verifies deliveries against them: what a listener uses,
 * so decoding secrets is not repeated on every request.
 */
export function createVerifier(options: VerifierOptions): (delivery: SignedDelivery) => VerifyResult {
  const missing = missingSecret(options);
  if (missing.length > 0) throw new TypeError(`createVerifier(): missing ${missing[0]}`);
  const secretTexts = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  const secrets: ParsedSecret[] = [];
  for (const [index, text] of secretTexts.entries()) {
    const parsed = parseSecret(text);
    if (!parsed.ok) {
      const which = secretTexts.length > 1 ? ` (secret ${index + 1})` : '';
      const failure: VerifyFailure = { ok: false, reason: 'invalid-secret', message: `${parsed.message}${which}` };
      return () => failure;
    }
    secrets.push(parsed);
  }
  return (delivery) => verifyDelivery(delivery, secrets, options);
}

function verifyDelivery(options: SignedDelivery, secrets: ParsedSecret[], settings: VerifierOptions): VerifyResult {
  const headers = options.webhookHeaders ?? readWebhookHeaders(options.headers);
  const family = headers.family;
  if (!family || !headers.id || !headers.timestamp || !headers.signature) {
    return { ok: false, reason: 'missing-headers', family, message: describeMissingHeaders(headers) };
  }
  const { id } = headers;
  const timestampText = headers.timestamp.trim();
  if (!/^\d+$/.test(timestampText)) {
    return {
      ok: false,
      reason: 'invalid-timestamp',
      family,
      id,
      message: `${family}-timestamp "${headers.timestamp}" is not unix seconds: it must be a whole number such as ${Math.floor(Date.now() / 1000)}`,
    };
  }
  const timestamp = Number(timestampText);
  const { entries, more } = parseSignatureHeader(headers.signature);
  const payload = toBuffer(options.payload);
  // Each HMAC secret's digest of this delivery, as findMatch makes it: a failure's evidence reuses it.
  const digests: string[] = [];
  const match = findMatch(secrets, id, timestamp, payload, entries, digests);

  const tolerance = settings.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.at === undefined ? Math.floor(Date.now() / 1000) : toUnixSeconds(options.at);
  const skewSeconds = now - timestamp;
  if (Math.abs(skewSeconds) > tolerance) {
    const tooOld = skewSeconds > 0;
    // A timestamp from the future was not replayed: only a clock can put it there.
    const signatureNote = !match
      ? 'no signature matched either'
      : tooOld
        ? 'the signature itself is valid, so this is a replayed delivery or a clock out of sync'
        : "the signature itself is valid, so the sender's clock is ahead of this machine's";
    // Checking at the time it was sent is the fix for a recorded delivery only, and only when no time was given.
    const hint = match && tooOld && options.at === undefined && settings.suggestAt !== false ? RECORDED_DELIVERY_HINT : '';
    return {
      ok: false,
      reason: tooOld ? 'timestamp-too-old' : 'timestamp-too-new',
      family,
      id,
      timestamp,
      skewSeconds,
      versionsSeen: versionsOf(entries),
      ...evidenceOf(tolerance, entries, more, secrets, id, timestamp, payload, digests),
      message:
        `${family}-timestamp is ${formatSkew(Math.abs(skewSeconds))} too ${tooOld ? 'old' : 'new'} (tolerance ${formatSkew(tolerance)}); ` +
        `${signatureNote}${hint}`,
    };
  }
  if (match) {
    return { ok: true, id, timestamp, family, signature: match.entry.raw, secretIndex: match.secretIndex };
  }
  const versionsSeen = versionsOf(entries);
  return {
    ...explainMismatch(family, settings, secrets, id, timestamp, payload, entries, more, versionsSeen),
    family,
    id,
    timestamp,
    skewSeconds,
    versionsSeen,
    ...evidenceOf(tolerance, entries, more, secrets, id, timestamp, payload, digests),
  };
}

/** What a failure carries to be compared entry by entry; only failures pay for it. */
function evidenceOf(
  tolerance: number,
  entries: SignatureEntry[],
  more: boolean,
  secrets: ParsedSecret[],
  id: string,
  timestamp: number,
  payload: Buffer,
  digests: readonly string[],
) {
  return {
    toleranceSeconds: tolerance,
    receivedSignatures: entries.map((e) => e.raw),
    ...(more && { moreSignaturesInHeader: true }),
    expectedSignatures: expectedSignatures(secrets, id, timestamp, payload, digests),
  };
}

/**
 * The `v1,…` entry each HMAC secret makes for this content (ed25519 public keys cannot sign, so they have none).
 * `digests` holds those findMatch already made; only a secret it did not reach (it stopped at a match) is hashed.
 */
function expectedSignatures(secrets: ParsedSecret[], id: string, timestamp: number, payload: Buffer, digests: readonly string[]): string[] {
  const prefix = `${id}.${timestamp}.`;
  return secrets.flatMap((secret, index) =>
    secret.kind === 'hmac' ? [`v1,${digests[index] ?? createHmac('sha256', secret.hmacKey).update(prefix).update(payload).digest('base64')}`] : [],
  );
}

function explainMismatch(
  family: HeaderFamily,
  settings: VerifierOptions,
  secrets: ParsedSecret[],
  id: string,
  timestamp: number,
  payload: Buffer,
  entries: SignatureEntry[],
  more: boolean,
  versionsSeen: string[],
): { ok: false; reason: VerifyFailureReason; message: string } {
  if (entries.length === 0) {
    return {
      ok: false,
      reason: 'no-signatures',
      message: `${family}-signature holds no signature: expected space-separated entries such as "v1,<base64>"`,
    };
  }
  const reserialized = findReserialization(payload, (candidate) => findMatch(secrets, id, timestamp, candidate, entries) !== undefined);
  if (reserialized) {
    return {
      ok: false,
      reason: 'body-reserialized',
      message: `the signature matches the ${reserialized} form of this JSON, not these bytes: your framework re-serialized the body, verify the raw bytes`,
    };
  }
  for (const other of settings.diagnosticSecrets ?? []) {
    const parsed = parseSecret(other.secret);
    if (parsed.ok && findMatch([parsed], id, timestamp, payload, entries)) {
      return {
        ok: false,
        reason: 'signed-with-other-secret',
        message: `the signature was made with ${other.label} (${maskSecret(other.secret)}), not the secret given: use the same secret on both sides`,
      };
    }
  }
  const usable = usableVersions(secrets);
  const comparable = entries.filter((e) => usable.includes(e.version)).length;
  const seen = versionsSeen.join(', ');
  const hint =
    comparable === 0
      ? `none of them is ${usable.join('/')}, the version${usable.length > 1 ? 's' : ''} this secret verifies`
      : 'check that the secret is this endpoint’s and that the body is the raw bytes received';
  const among = more ? `the first ${entries.length} (the most tried per header; it holds more)` : entries.length;
  return {
    ok: false,
    reason: 'no-matching-signature',
    message: `no signature matched among ${among} (${seen}): ${hint}`,
  };
}

/**
 * Tries every secret against every comparable signature entry; unknown versions are skipped, as the spec requires.
 * Each HMAC secret's base64 digest is left in `digests`, at the secret's index, when given.
 */
function findMatch(
  secrets: ParsedSecret[],
  id: string,
  timestamp: number,
  payload: Buffer,
  entries: SignatureEntry[],
  digests?: string[],
): { entry: SignatureEntry; secretIndex: number } | undefined {
  // What is signed is `${id}.${timestamp}.` then the payload; HMAC takes it in two updates, without a copy.
  const prefix = `${id}.${timestamp}.`;
  let content: Buffer | undefined;
  for (let secretIndex = 0; secretIndex < secrets.length; secretIndex++) {
    const secret = secrets[secretIndex]!;
    if (secret.kind === 'hmac') {
      const digest = createHmac('sha256', secret.hmacKey).update(prefix).update(payload).digest('base64');
      if (digests) digests[secretIndex] = digest;
      const expected = Buffer.from(digest);
      for (const entry of entries) {
        if (entry.version !== 'v1') continue;
        const given = Buffer.from(entry.value);
        // Constant-time comparison: an early-exit compare would leak how many leading bytes of a forged
        // signature are right, letting an attacker discover a valid one byte by byte.
        if (given.length === expected.length && timingSafeEqual(given, expected)) return { entry, secretIndex };
      }
    } else {
      for (const entry of entries) {
        if (entry.version !== 'v1a') continue;
        const signature = Buffer.from(entry.value, 'base64');
        content ??= Buffer.concat([Buffer.from(prefix), payload]);
        if (signature.length === 64 && ed25519Verify(null, content, secret.publicKey, signature)) return { entry, secretIndex };
      }
    }
  }
  return undefined;
}

/** The signature versions a header holds, each once, in order: ['v1', 'v2']. */
function versionsOf(entries: SignatureEntry[]): string[] {
  return [...new Set(entries.map((e) => e.version))];
}

/**
 * Splits `v1,abc v1,def v2,xyz`; entries without a version separator or value are ignored, as Svix does. Like the
 * svix library, an entry's value ends at its second comma: two svix-signature header lines arrive joined as
 * `v1,abc, v1,def`, and svix reads both signatures from that (issue 11).
 */
function parseSignatureHeader(header: string): { entries: SignatureEntry[]; more: boolean } {
  const entries: SignatureEntry[] = [];
  // Entry by entry, so that a header of thousands is not read past the entries kept.
  const pattern = /\S+/g;
  for (let match = pattern.exec(header); match; match = pattern.exec(header)) {
    const text = match[0];
    // Read by position rather than split(',', 2): this runs for every delivery.
    const comma = text.indexOf(',');
    const end = comma < 0 ? -1 : text.indexOf(',', comma + 1);
    const raw = end < 0 ? text : text.slice(0, end);
    if (comma <= 0 || comma === raw.length - 1) continue;
    // One past the limit says that there are more, without reading the rest of the header.
    if (entries.length === MAX_SIGNATURES_TRIED) return { entries, more: true };
    entries.push({ version: raw.slice(0, comma), value: raw.slice(comma + 1), raw });
  }
  return { entries, more: false };
}

function usableVersions(secrets: ParsedSecret[]): string[] {
  return [...new Set(secrets.map((s) => (s.kind === 'hmac' ? 'v1' : 'v1a')))];
}

function describeMissingHeaders(headers: WebhookHeaders): string {
  if (!headers.family) {
    const foreign = headers.names.find((n) => /signature|x-hub|stripe/.test(n));
    const seen = foreign ? `; found ${foreign}, which is not a Standard Webhooks header` : '';
    return `missing svix-id, svix-timestamp and svix-signature headers (or their webhook-* equivalents)${seen}`;
  }
  const missing = (['id', 'timestamp', 'signature'] as const).filter((p) => !headers[p]).map((p) => `${headers.family}-${p}`);
  const present = (['id', 'timestamp', 'signature'] as const).filter((p) => headers[p]).map((p) => `${headers.family}-${p}`);
  const other = headers.family === 'svix' ? 'webhook' : 'svix';
  const mixed = headers.names.some((n) => n.startsWith(`${other}-`))
    ? `; ${other}-* headers are present too, but one delivery must use a single family`
    : '';
  return `missing ${missing.join(' and ')} header${missing.length > 1 ? 's' : ''} (found ${present.join(', ') || 'none'})${mixed}`;
}

function toBuffer(payload: string | Uint8Array): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}
