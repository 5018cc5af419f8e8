import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sign, verify, type VerifyFailureReason } from '../../src/signature/index.js';

// A copy of shared/conformance/signature-vectors.json (public Standard Webhooks / Svix test vectors), kept in the
// repo so a fresh clone can run it. Every case must pass.
interface Vector {
  name: string;
  secret: string;
  secret_key?: string;
  id: string;
  timestamp: number;
  payload: string | null;
  payload_repeat?: { char: string; count: number };
  signature_header: string;
  now: number;
  expect: 'valid' | 'invalid';
  headers: Record<string, string>;
}
const { cases } = JSON.parse(readFileSync(new URL('../conformance/signature-vectors.json', import.meta.url), 'utf8')) as {
  cases: Vector[];
};

const payloadOf = (v: Vector) => v.payload ?? v.payload_repeat!.char.repeat(v.payload_repeat!.count);

// The reason our verifier gives for each invalid vector (the public suites' messages in parentheses).
const expectedReasons: Record<string, VerifyFailureReason> = {
  'bad-sig-last-char-flipped': 'no-matching-signature', // "No matching signature found"
  'bad-sig-garbage': 'no-matching-signature',
  'wrong-version-v2-with-correct-bytes': 'no-matching-signature', // only v1 entries are compared
  'partial-sig-version-only': 'no-signatures', // "v1," carries no signature
  'malformed-no-comma': 'no-signatures',
  'payload-reserialized-json': 'body-reserialized',
  'missing-id-header': 'missing-headers', // "Missing required headers"
  'missing-timestamp-header': 'missing-headers',
  'missing-signature-header': 'missing-headers',
  'timestamp-not-a-number': 'invalid-timestamp', // "Invalid Signature Headers"
  'timestamp-too-old-301s': 'timestamp-too-old', // "Message timestamp too old"
  'timestamp-too-new-301s': 'timestamp-too-new', // "Message timestamp too new"
  'signet-ed25519-v1a-zero-sig': 'no-matching-signature',
};

describe('verify() against the public conformance vectors', () => {
  it('covers every invalid vector with an expected reason', () => {
    const invalid = cases.filter((c) => c.expect === 'invalid').map((c) => c.name);
    expect(invalid.sort()).toEqual(Object.keys(expectedReasons).sort());
  });

  for (const vector of cases) {
    it(`verify(${vector.name}) is ${vector.expect}`, () => {
      const result = verify({ payload: payloadOf(vector), headers: vector.headers, secret: vector.secret, at: vector.now, tolerance: 300 });
      if (vector.expect === 'valid') {
        expect(result).toMatchObject({ ok: true, id: vector.id, timestamp: vector.timestamp });
      } else {
        expect(result).toMatchObject({ ok: false, reason: expectedReasons[vector.name] });
      }
    });
  }
});

describe('sign() reproduces the published signatures', () => {
  for (const vector of cases.filter((c) => c.expect === 'valid' && !c.signature_header.includes(' '))) {
    const secret = vector.secret_key ?? vector.secret;
    it(`sign(${vector.name}) === ${vector.signature_header.slice(0, 16)}…`, () => {
      const signed = sign({ payload: payloadOf(vector), secret, id: vector.id, timestamp: vector.timestamp });
      expect(signed.signature).toBe(vector.signature_header);
    });
  }
});
