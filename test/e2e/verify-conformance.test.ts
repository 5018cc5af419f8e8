import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// The CLI, not only the library, must agree with every public conformance vector: exit 0 valid, 1 invalid, and
// with --json one verification object on stdout. (Before issue 12 it exited 2 on the missing-header and
// non-numeric-timestamp vectors.)
interface Vector {
  name: string;
  secret: string;
  payload: string | null;
  payload_repeat?: { char: string; count: number };
  now: number;
  expect: 'valid' | 'invalid';
  headers: Record<string, string>;
}
const { cases } = JSON.parse(readFileSync(new URL('../conformance/signature-vectors.json', import.meta.url), 'utf8')) as { cases: Vector[] };
const dir = mkdtempSync(join(tmpdir(), 'scandocs-conformance-'));
const payloadFile = (name: string, payload: string | Buffer) => {
  const path = join(dir, `${name}.body`);
  writeFileSync(path, payload);
  return `@${path}`;
};
const headerFlags = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);

describe('the verify CLI against the public conformance vectors', () => {
  for (const vector of cases) {
    it(`verify --json (${vector.name}) exits ${vector.expect === 'valid' ? 0 : 1}`, async () => {
      const payload = vector.payload ?? vector.payload_repeat!.char.repeat(vector.payload_repeat!.count);
      const args = ['verify', '--json', '--payload', payloadFile(vector.name, payload), '--secret', vector.secret, '--at', String(vector.now), '--tolerance', '300'];
      const { code, stdout, stderr } = await runCli([...args, ...headerFlags(vector.headers)]);
      expect(stderr).not.toMatch(/^error:/m);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const record = JSON.parse(lines[0]!);
      expect(record).toMatchObject({ type: 'verification', ok: vector.expect === 'valid' });
      expect(code).toBe(vector.expect === 'valid' ? 0 : 1);
      if (vector.expect === 'invalid') expect(stderr).toMatch(new RegExp(`^✗ invalid  ${record.reason}: `, 'm'));
    });
  }
});

// The ed25519 vector's key, raw and as DER/SPKI (the two forms the Standard Webhooks libraries publish whpk_ keys in).
const ed = cases.find((c) => c.name === 'svix-server-ed25519-v1a')!;
const raw = Buffer.from(ed.secret.slice('whpk_'.length), 'base64');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const spki = `whpk_${Buffer.concat([SPKI_ED25519_PREFIX, raw]).toString('base64')}`;

describe('verify with whpk_ keys in both forms', () => {
  it('verify accepts a DER/SPKI whpk_ key and exits 0 on the ed25519 vector', async () => {
    const { code, stdout } = await runCli(['verify', '--json', '--payload', payloadFile('spki', ed.payload!), '--secret', spki, '--at', String(ed.now), ...headerFlags(ed.headers)]);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'verification', ok: true, signature: expect.stringMatching(/^v1a,/) });
    expect(code).toBe(0);
  });

  it('verify with a DER/SPKI whpk_ key and a changed body exits 1 (no-matching-signature)', async () => {
    const { code, stdout } = await runCli(['verify', '--json', '--payload', payloadFile('spki-bad', ed.payload!.replace(/\d/, '9')), '--secret', spki, '--at', String(ed.now), ...headerFlags(ed.headers)]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, reason: 'no-matching-signature' });
    expect(code).toBe(1);
  });

  it('verify refuses a whpk_ key that is SPKI of another curve (P-256) with exit 2', async () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const { code, stdout, stderr } = await runCli(['verify', '--payload', '{}', '--secret', `whpk_${p256.toString('base64')}`, '--id', 'msg_1', '--timestamp', '1', '--signature', 'v1a,AAAA']);
    expect(stderr).toMatch(/^error: invalid secret: the whpk_ public key is not base64 of an ed25519 key \(32 raw bytes or DER\/SPKI\)/);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('sign with a DER/PKCS#8 whsk_ key makes a v1a signature that verify accepts with the DER/SPKI whpk_ key', async () => {
    const pair = generateKeyPairSync('ed25519');
    const whsk = `whsk_${pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
    const whpk = `whpk_${pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`;
    const signed = await runCli(['sign', '--json', '--payload', '{"a":1}', '--secret', whsk]);
    expect(signed.code).toBe(0);
    const { headers } = JSON.parse(signed.stdout) as { headers: Record<string, string> };
    expect(headers['svix-signature']).toMatch(/^v1a,/);
    const checked = await runCli(['verify', '--payload', '{"a":1}', '--secret', whpk, ...headerFlags(headers)]);
    expect(checked.stdout).toMatch(/^✓ valid  v1a,/);
    expect(checked.code).toBe(0);
  });
});
