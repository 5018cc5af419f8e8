import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/signature/index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ROTATED = 'whsec_b3RoZXItYXBwLXNlY3JldC0xMjM0NTY3OA==';
const at = 1_732_800_000;

function headers(body: string, timestamp = at, id = 'msg_evidence') {
  return { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': new Webhook(SECRET).sign(id, new Date(timestamp * 1000), body) };
}

describe('verify(): the evidence a failure carries (for the inspector’s "why it failed")', () => {
  it('a tampered body: the signatures received, and the one each secret expects over the bytes received', () => {
    const h = headers('{"a":1}');
    const result = verify({ payload: '{"a":2}', headers: h, secret: [SECRET, ROTATED], at });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.receivedSignatures).toEqual([h['svix-signature']]);
    expect(result.expectedSignatures).toEqual([
      new Webhook(SECRET).sign('msg_evidence', new Date(at * 1000), '{"a":2}'),
      new Webhook(ROTATED).sign('msg_evidence', new Date(at * 1000), '{"a":2}'),
    ]);
    expect(result.toleranceSeconds).toBe(300);
    expect(JSON.stringify(result)).not.toContain(SECRET.slice(6));
  });

  it('a stale timestamp: skew and tolerance, and the expected signature equals the received one', () => {
    const h = headers('{"a":1}', at - 600);
    const result = verify({ payload: '{"a":1}', headers: h, secret: SECRET, at, tolerance: 120 });
    expect(result).toMatchObject({ ok: false, reason: 'timestamp-too-old', skewSeconds: 600, toleranceSeconds: 120 });
    if (result.ok) return;
    expect(result.expectedSignatures).toEqual(result.receivedSignatures);
  });

  it('a stale timestamp under key rotation: the secret that matched and the one after it each give their signature', () => {
    // The first secret matches, so the search stops there: the second one's signature is still made for the evidence.
    const h = headers('{"a":1}', at - 600);
    const result = verify({ payload: '{"a":1}', headers: h, secret: [SECRET, ROTATED], at, tolerance: 120 });
    expect(result).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    if (result.ok) return;
    expect(result.expectedSignatures).toEqual([h['svix-signature'], new Webhook(ROTATED).sign('msg_evidence', new Date((at - 600) * 1000), '{"a":1}')]);
  });

  it('the signature header is read entry by entry as svix reads it: a value ends at its second comma, entries without a version or value are skipped', () => {
    const h = { ...headers('{"a":1}'), 'svix-signature': '  v1,AAA, v1,BBB,extra\tv2,xyz v1, ,q junk ,v1 v1,,x  ' };
    const result = verify({ payload: '{"a":1}', headers: h, secret: SECRET, at });
    expect(result).toMatchObject({ ok: false, reason: 'no-matching-signature', versionsSeen: ['v1', 'v2'], receivedSignatures: ['v1,AAA', 'v1,BBB', 'v2,xyz'] });
    const good = headers('{"a":1}')['svix-signature'];
    expect(verify({ payload: '{"a":1}', headers: { ...h, 'svix-signature': `v1,AAA, ${good},extra` }, secret: SECRET, at })).toMatchObject({ ok: true, signature: good });
  });

  it('a success carries none of it', () => {
    const result = verify({ payload: '{"a":1}', headers: headers('{"a":1}'), secret: SECRET, at });
    expect(result).not.toHaveProperty('expectedSignatures');
  });
});
