import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Issue 22 ("mistakes explain themselves"): a secret that is not base64 is refused with the reason, a short one
// is warned about, a pasted signature or header gets its own message, and nothing mentions a prefix nobody typed.
const sign = (secret: string) => runCli(['sign', '--payload', '{}', '--secret', secret]);

describe('secret checks, said by every command that takes --secret', () => {
  it.each([
    ['nope!', 'error: invalid secret: the secret is not valid base64: "!" (character 5) is not a base64 character; copy it again from the Dashboard, whole'],
    ['whsec_nope!', 'error: invalid secret: the secret is not valid base64 after "whsec_": "!" (character 11) is not a base64 character; copy it again from the Dashboard, whole'],
    ['whsec_ab=c', 'error: invalid secret: the secret is not valid base64 after "whsec_": "=" (character 9) can only pad the end; copy it again from the Dashboard, whole'],
    ['whsec_abcde', 'error: invalid secret: the secret is not valid base64 after "whsec_": 5 characters cannot be base64 (a character missing or extra?); copy it again from the Dashboard, whole'],
    ['svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 'error: invalid secret: the secret is a pasted header line, not a secret: use the endpoint secret that starts with whsec_ (the signature is computed from it)'],
    ['v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 'error: invalid secret: the secret looks like a signature ("v1,…"), not a secret: use the endpoint secret that starts with whsec_'],
    ['whsec_v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 'error: invalid secret: the secret is whsec_ followed by a signature ("v1,…"): use the endpoint secret itself, whsec_ and the base64 after it'],
  ])('--secret %s is refused with its reason, exit 2', async (secret, line) => {
    const { code, stdout, stderr } = await sign(secret);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('--secret nope! never mentions a whsec_ prefix nobody typed', async () => {
    expect((await sign('nope!')).stderr).not.toContain('whsec_');
  });

  it('--secret abc (2 bytes) works, with one warning line that Standard Webhooks asks for 24 to 64 bytes', async () => {
    const { code, stdout, stderr } = await sign('abc');
    expect(stderr).toBe('warning: the secret decodes to 2 bytes; Standard Webhooks asks for 24 to 64: fine for a local test, too weak or unusual for a real endpoint\n');
    expect(stdout).toMatch(/^svix-signature: v1,/m);
    expect(code).toBe(0);
  });

  it('the same warning names $SCANDOCS_WEBHOOK_SECRET when the short secret came from it (trigger, before sending)', async () => {
    const { stderr, code } = await runCli(['trigger', 'task.created', '--url', 'http://127.0.0.1:9/webhooks', '--timeout', 'x'], { env: { SCANDOCS_WEBHOOK_SECRET: 'whsec_abcd' } });
    expect(stderr.split('\n')[0]).toBe('warning (from SCANDOCS_WEBHOOK_SECRET): the secret decodes to 3 bytes; Standard Webhooks asks for 24 to 64: fine for a local test, too weak or unusual for a real endpoint');
    expect(code).toBe(2);
  });

  it('the test secret and a 24-byte secret get no warning', async () => {
    expect((await runCli(['sign', '--payload', '{}'])).stderr).not.toContain('warning');
    expect((await sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).stderr).not.toContain('warning');
  });
});
