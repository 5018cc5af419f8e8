import { createHmac } from 'node:crypto';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import {
  createVerifier,
  newMessageId,
  DEFAULT_TEST_SECRET,
  maskSecret,
  parseSecret,
  readLowerCaseWebhookHeaders,
  readWebhookHeaders,
  sign,
  verify,
} from '../../src/signature/index.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_' + Buffer.from('another-endpoint-secret!').toString('base64');
const body = JSON.stringify({ id: 'event_wal69rzpapqrm7yj', type: 'file.deleted', timestamp: '2025-04-12T15:55:19.000Z', data: { id: 'file_y9f6oitmeoncvcou' } });
const now = 1_764_000_000;

function signed(payload = body, key = secret, timestamp = now) {
  return sign({ payload, secret: key, id: 'msg_test', timestamp }).headers;
}

describe('sign()', () => {
  it('sign() produces headers the real svix library accepts', () => {
    const { headers } = sign({ payload: body, secret });
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
  });

  it('sign() makes the same signature as the svix library for UTF-8 payloads, string or bytes', () => {
    for (const payload of [body, '{"name":"reçu – 東京.pdf"}', '']) {
      const expected = new Webhook(secret).sign('msg_same', new Date(now * 1000), payload);
      expect(sign({ payload, secret, id: 'msg_same', timestamp: now }).signature).toBe(expected);
      expect(sign({ payload: new TextEncoder().encode(payload), secret, id: 'msg_same', timestamp: now }).signature).toBe(expected);
    }
  });

  it('sign() signs bytes that are not UTF-8 exactly as sent, so verify() accepts them', () => {
    // Regression: svix's sign() decodes a Buffer as UTF-8 first (0xff becomes U+FFFD), so replaying a recorded
    // binary body, or `trigger --data @file --raw`, went out with a signature over other bytes.
    const payload = Buffer.from([0x7b, 0x7d, 0xff, 0xfe, 0x00]);
    const signedBinary = sign({ payload, secret, id: 'msg_bin', timestamp: now });
    expect(verify({ payload, headers: signedBinary.headers, secret, at: now })).toMatchObject({ ok: true });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`msg_bin.${now}.`), payload])).digest('base64');
    expect(signedBinary.signature).toBe(`v1,${expected}`);
  });

  it('sign({headerFamily: "both"}) emits svix-* and webhook-* with the same values', () => {
    const { headers } = sign({ payload: body, secret, id: 'msg_1', timestamp: now, headerFamily: 'both' });
    expect(headers['svix-signature']).toBe(headers['webhook-signature']);
    expect(headers['webhook-id']).toBe('msg_1');
  });

  it('sign() throws a TypeError for a malformed secret (misuse, not input)', () => {
    expect(() => sign({ payload: body, secret: 'v1,abc' })).toThrow(TypeError);
  });

  // Issue 12: misuse is one TypeError naming what is missing, not "Cannot read properties of undefined".
  it('sign() without a secret or payload throws one TypeError saying which is missing', () => {
    expect(() => sign({ payload: body } as any)).toThrow(new TypeError('sign(): missing secret (whsec_… or whsk_…)'));
    expect(() => sign({ secret } as any)).toThrow(new TypeError('sign(): missing payload (the raw body, a string or bytes)'));
  });

  it('verify() without a secret, payload or headers throws one TypeError naming each missing option', () => {
    const headers = { 'svix-id': 'msg_1', 'svix-timestamp': String(now), 'svix-signature': 'v1,x' };
    expect(() => verify({ payload: body, headers } as any)).toThrow(new TypeError('verify(): missing secret (whsec_…, or several during key rotation)'));
    expect(() => verify({ payload: body, headers, secret: [] })).toThrow(/^verify\(\): missing secret/);
    expect(() => verify({ headers, secret } as any)).toThrow(new TypeError('verify(): missing payload (the raw body, a string or bytes)'));
    expect(() => verify({ payload: body, secret } as any)).toThrow(new TypeError('verify(): missing headers (the request headers)'));
    expect(() => verify({} as any)).toThrow(
      new TypeError('verify(): missing secret (whsec_…, or several during key rotation), payload (the raw body, a string or bytes), headers (the request headers)'),
    );
  });

  it('verify() returns a reason, never throws, for every bad delivery', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing-headers'],
      [{ 'svix-id': 'msg_1', 'svix-timestamp': String(now) }, 'missing-headers'],
      [{ 'svix-id': 'msg_1', 'svix-timestamp': 'soon', 'svix-signature': 'v1,x' }, 'invalid-timestamp'],
      [{ 'svix-id': 'msg_1', 'svix-timestamp': String(now), 'svix-signature': 'garbage' }, 'no-signatures'],
    ];
    for (const [headers, reason] of cases) expect(verify({ payload: body, headers, secret, at: now })).toMatchObject({ ok: false, reason });
    expect(verify({ payload: body, headers: {}, secret: 'not base64!' })).toMatchObject({ ok: false, reason: 'invalid-secret' });
  });

  it('sign() signs with the secret of each call when calls alternate between secrets', () => {
    // sign() remembers the last secret it parsed; a stale one would sign with the wrong key.
    for (const key of [secret, otherSecret, secret, otherSecret]) {
      const expected = new Webhook(key).sign('msg_alt', new Date(now * 1000), body);
      expect(sign({ payload: body, secret: key, id: 'msg_alt', timestamp: now }).signature).toBe(expected);
    }
    expect(() => sign({ payload: body, secret: 'v1,abc' })).toThrow(TypeError);
    expect(() => sign({ payload: body, secret: 'v1,abc' })).toThrow(TypeError);
  });
});

describe('newMessageId()', () => {
  it('newMessageId() is always msg_ and 27 base62 characters, and distinct', () => {
    const ids = Array.from({ length: 2_000 }, () => newMessageId());
    for (const id of ids) expect(id).toMatch(/^msg_[0-9A-Za-z]{27}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('verify()', () => {
  it('verify() accepts what the real svix library signed', () => {
    const svixSignature = new Webhook(secret).sign('msg_svix', new Date(now * 1000), body);
    const result = verify({ payload: body, headers: { 'svix-id': 'msg_svix', 'svix-timestamp': String(now), 'svix-signature': svixSignature }, secret, at: now });
    expect(result).toMatchObject({ ok: true, family: 'svix', id: 'msg_svix' });
  });

  it('verify() accepts a Headers object and raw bytes', () => {
    const result = verify({ payload: Buffer.from(body), headers: new Headers(signed()), secret, at: now });
    expect(result.ok).toBe(true);
  });

  it('verify() with several secrets (rotation) reports which one matched', () => {
    const result = verify({ payload: body, headers: signed(body, otherSecret), secret: [secret, otherSecret], at: now });
    expect(result).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it('verify() honours a custom tolerance and an explicit clock', () => {
    expect(verify({ payload: body, headers: signed(), secret, at: now + 30, tolerance: 10 })).toMatchObject({ ok: false, reason: 'timestamp-too-old', skewSeconds: 30 });
    expect(verify({ payload: body, headers: signed(), secret, at: new Date((now + 30) * 1000), tolerance: 60 }).ok).toBe(true);
  });

  it('verify() says the signature is otherwise valid when only the timestamp is stale', () => {
    const result = verify({ payload: body, headers: signed(), secret, at: now + 3600 });
    expect(result).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(!result.ok && result.message).toMatch(/1 hour too old .*signature itself is valid/);
  });

  it('verify() diagnoses a pretty-printed re-serialization', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const result = verify({ payload: body, headers: signed(pretty), secret, at: now });
    expect(result).toMatchObject({ ok: false, reason: 'body-reserialized' });
    expect(!result.ok && result.message).toMatch(/pretty-printed \(2 spaces\).*verify the raw bytes/);
  });

  it('verify() names the diagnostic secret that made the signature', () => {
    const result = verify({
      payload: body,
      headers: signed(body, DEFAULT_TEST_SECRET),
      secret,
      at: now,
      diagnosticSecrets: [{ label: 'the built-in test secret', secret: DEFAULT_TEST_SECRET }],
    });
    expect(result).toMatchObject({ ok: false, reason: 'signed-with-other-secret' });
    expect(!result.ok && result.message).toContain('the built-in test secret (whsec_c2Nh');
  });

  it('verify() reports missing headers by name and the family found', () => {
    const { 'svix-signature': _dropped, ...headers } = signed();
    const result = verify({ payload: body, headers, secret, at: now });
    expect(result).toMatchObject({ ok: false, reason: 'missing-headers', family: 'svix' });
    expect(!result.ok && result.message).toBe('missing svix-signature header (found svix-id, svix-timestamp)');
  });

  it('verify() points out a foreign signature header', () => {
    const result = verify({ payload: body, headers: { 'stripe-signature': 't=1,v1=abc' }, secret });
    expect(!result.ok && result.message).toMatch(/found stripe-signature, which is not a Standard Webhooks header/);
  });

  it('verify() lists the versions seen when none can be checked with this secret', () => {
    const result = verify({ payload: body, headers: { ...signed(), 'svix-signature': 'v2,abc v1a,def' }, secret, at: now });
    expect(!result.ok && result.message).toMatch(/no signature matched among 2 \(v2, v1a\): none of them is v1/);
  });

  it('verify() returns invalid-secret for each malformed secret form', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', /looks like a signature/],
      ['sk_live_abcdef', /looks like an API key/],
      ['whsec_not base64!', /not valid base64/],
      ['whpk_AAAA', /32 raw bytes or DER\/SPKI/],
    ];
    for (const [bad, message] of cases) {
      const result = verify({ payload: body, headers: signed(), secret: bad, at: now });
      expect(result).toMatchObject({ ok: false, reason: 'invalid-secret' });
      expect(!result.ok && result.message).toMatch(message);
    }
  });
});

describe('secrets', () => {
  it('maskSecret() never shows the whole secret', () => {
    expect(maskSecret(DEFAULT_TEST_SECRET)).toBe('whsec_c2Nh••••••');
    expect(maskSecret('abc')).not.toContain('abc');
  });

  it('parseSecret() accepts a secret without the whsec_ prefix', () => {
    expect(parseSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toMatchObject({ ok: true, kind: 'hmac' });
  });
});

describe('createVerifier()', () => {
  it('createVerifier() parses the secrets once and verifies many deliveries the same way verify() does', () => {
    const check = createVerifier({ secret: [otherSecret, secret], tolerance: 60 });
    expect(check({ payload: body, headers: signed(), at: now })).toMatchObject({ ok: true, secretIndex: 1 });
    expect(check({ payload: body, headers: signed(), at: now + 61 })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
  });

  it('createVerifier({ suggestAt: false }) leaves the check-it-at-the-time hint off a stale genuine delivery (a listener has no time to give)', () => {
    // Signed ten minutes ago and checked now, with no `at` given: the case the hint is for.
    const stale = { payload: body, headers: signed(body, secret, Math.floor(Date.now() / 1000) - 600) };
    expect((createVerifier({ secret })(stale) as { message: string }).message).toMatch(/with `at`, to check a recorded delivery\)$/);
    const live = createVerifier({ secret, suggestAt: false })(stale) as { message: string; reason: string };
    expect(live.reason).toBe('timestamp-too-old');
    expect(live.message).not.toContain('`at`');
    expect(live.message).toMatch(/the signature itself is valid, so this is a replayed delivery or a clock out of sync$/);
  });

  it('createVerifier() given webhookHeaders already read returns what it returns given the headers', () => {
    const check = createVerifier({ secret });
    const cases: Array<Record<string, string>> = [
      signed(),
      { ...signed(), 'svix-signature': 'v1,bm90IGEgc2lnbmF0dXJl' },
      { 'svix-id': 'msg_test', 'svix-timestamp': String(now), 'webhook-signature': signed()['svix-signature']! },
      { 'stripe-signature': 't=1,v1=abc', 'content-type': 'application/json' },
    ];
    for (const headers of cases) {
      expect(readLowerCaseWebhookHeaders(headers)).toEqual(readWebhookHeaders(headers));
      const expected = check({ payload: body, headers, at: now });
      expect(check({ payload: body, webhookHeaders: readLowerCaseWebhookHeaders(headers), at: now })).toEqual(expected);
      expect(check({ payload: body, webhookHeaders: readWebhookHeaders(headers), at: now })).toEqual(expected);
    }
    expect(check({ payload: body, webhookHeaders: readLowerCaseWebhookHeaders(cases[3]!), at: now })).toMatchObject({
      reason: 'missing-headers',
      message: expect.stringContaining('found stripe-signature'),
    });
  });

  it('createVerifier() with a malformed secret returns invalid-secret for every delivery', () => {
    const check = createVerifier({ secret: 'v1,abc' });
    expect(check({ payload: body, headers: signed(), at: now })).toMatchObject({ ok: false, reason: 'invalid-secret' });
  });
});
