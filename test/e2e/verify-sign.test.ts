import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ISOLATED_ENV, runCli, type CliResult } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const body = '{"id":"event_wal69rzpapqrm7yj","type":"file.deleted","timestamp":"2025-04-12T15:55:19.000Z","data":{"id":"file_y9f6oitmeoncvcou","name":"file-example","type":"image/png"}}';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-verify-'));

/** Headers signed by the real svix library, as Scan Documents sends them. */
function svixHeaders(payload = body, secret = SECRET, timestamp = Math.floor(Date.now() / 1000), id = 'msg_2bTestDeliveryId') {
  return { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), payload) };
}
const headerFlags = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);

describe('scandocs-webhooks verify', () => {
  it('verify prints "valid" with the matching signature and exits 0', async () => {
    const headers = svixHeaders();
    const { code, stdout, stderr } = await runCli(['verify', '--payload', body, '--secret', SECRET, ...headerFlags(headers)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`✓ valid  ${headers['svix-signature']}`);
  });

  it('verify reads the payload from a file and headers from a raw dump copied from a log', async () => {
    const headers = svixHeaders();
    writeFileSync(join(dir, 'body.json'), body);
    const dump = `POST /webhooks HTTP/1.1\r\nHost: localhost:3000\r\nContent-Type: application/json\r\nSvix-Id: ${headers['svix-id']}\r\nSvix-Timestamp: ${headers['svix-timestamp']}\r\nSvix-Signature: ${headers['svix-signature']}\r\n`;
    writeFileSync(join(dir, 'headers.txt'), dump);
    const { code, stdout } = await runCli(['verify', '--payload', `@${join(dir, 'body.json')}`, '--headers', `@${join(dir, 'headers.txt')}`, '--secret', SECRET]);
    expect(stdout).toContain('✓ valid');
    expect(code).toBe(0);
  });

  it('verify reads the payload from standard input and takes --id/--timestamp/--signature', async () => {
    const h = svixHeaders();
    const { code } = await runCli(
      ['verify', '--payload', '-', '--secret', SECRET, '--id', h['svix-id'], '--timestamp', h['svix-timestamp'], '--signature', h['svix-signature']],
      { input: body },
    );
    expect(code).toBe(0);
  });

  it('verify uses SCANDOCS_WEBHOOK_SECRET when --secret is absent', async () => {
    const { code } = await runCli(['verify', '--payload', body, ...headerFlags(svixHeaders())], { env: { SCANDOCS_WEBHOOK_SECRET: SECRET } });
    expect(code).toBe(0);
  });

  it('verify --json prints one object with the reason', async () => {
    const headers = svixHeaders(body, SECRET, Math.floor(Date.now() / 1000) - 3600);
    const { code, stdout } = await runCli(['verify', '--json', '--payload', body, '--secret', SECRET, ...headerFlags(headers)]);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'verification', ok: false, reason: 'timestamp-too-old', family: 'svix' });
  });

  it('verify --at checks a recorded delivery against the time it arrived', async () => {
    const then = 1_700_000_000;
    const headers = svixHeaders(body, SECRET, then);
    const late = await runCli(['verify', '--payload', body, '--secret', SECRET, ...headerFlags(headers)]);
    expect(late.code).toBe(1);
    const atThen = await runCli(['verify', '--payload', body, '--secret', SECRET, '--at', new Date((then + 60) * 1000).toISOString(), ...headerFlags(headers)]);
    expect(atThen.code).toBe(0);
  });

  // One test per failure reason: the exact sentence a user sees, and exit 1.
  const failures: Array<[string, () => string[], RegExp]> = [
    ['timestamp-too-old', () => headerFlags(svixHeaders(body, SECRET, Math.floor(Date.now() / 1000) - 400)), /timestamp-too-old: svix-timestamp is 40\d s too old \(tolerance 300 s\); the signature itself is valid/],
    ['timestamp-too-new', () => headerFlags(svixHeaders(body, SECRET, Math.floor(Date.now() / 1000) + 900)), /timestamp-too-new: svix-timestamp is (89\d|90[01]) s too new/],
    ['body-reserialized', () => headerFlags(svixHeaders(JSON.stringify(JSON.parse(body), null, 2))), /body-reserialized: the signature matches the pretty-printed \(2 spaces\) form of this JSON, not these bytes: your framework re-serialized the body, verify the raw bytes/],
    ['signed-with-other-secret', () => headerFlags(svixHeaders(body, TEST_SECRET)), /signed-with-other-secret: the signature was made with the built-in test secret \(whsec_c2Nh••••••\), not the secret given/],
    ['no-matching-signature', () => headerFlags({ ...svixHeaders(), 'svix-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,BBBB' }), /no-matching-signature: no signature matched among 2 \(v1, v2\)/],
    ['no-signatures', () => headerFlags({ ...svixHeaders(), 'svix-signature': 'v1,' }), /no-signatures: svix-signature holds no signature/],
  ];
  for (const [reason, headers, message] of failures) {
    it(`verify explains ${reason} and exits 1`, async () => {
      const { code, stdout, stderr } = await runCli(['verify', '--payload', body, '--secret', SECRET, ...headers()]);
      expect(stdout).toMatch(/✗ invalid/);
      expect(stdout).toMatch(message);
      expect(stderr).not.toMatch(/at .*\.js:\d+/);
      expect(code).toBe(1);
    });
  }

  it('verify with a signature made by a different secret given twice (rotation) passes with the second', async () => {
    const { code, stdout } = await runCli(['verify', '--payload', body, '--secret', TEST_SECRET, '--secret', SECRET, ...headerFlags(svixHeaders())]);
    expect(code).toBe(0);
    expect(stdout).toContain('with secret 2 (whsec_MfKQ••••••)');
  });
});

// Issue 12: a delivery that lacks a header, or whose timestamp is not unix seconds, is an invalid delivery (exit 1
// with its reason, one --json object), as the public Standard Webhooks suites treat it, not a usage error.
describe('scandocs-webhooks verify: an incomplete delivery is invalid, not a usage error', () => {
  const now = Math.floor(Date.now() / 1000);
  const deliveries: Array<[string, () => string[], string, RegExp]> = [
    ['a missing svix-signature header', () => ['-H', 'svix-id: msg_1', '-H', `svix-timestamp: ${now}`], 'missing-headers', /^✗ invalid  missing-headers: missing svix-signature header \(found svix-id, svix-timestamp\)\n {2}pass each with --header/],
    ['a timestamp that is not unix seconds', () => ['--id', 'msg_1', '--timestamp', 'yesterday', '--signature', 'v1,abc'], 'invalid-timestamp', /^✗ invalid  invalid-timestamp: svix-timestamp "yesterday" is not unix seconds/],
  ];
  for (const [what, headers, reason, line] of deliveries) {
    it(`verify with ${what} exits 1 with ✗ invalid ${reason}`, async () => {
      const { code, stdout, stderr } = await runCli(['verify', '--payload', body, '--secret', SECRET, ...headers()]);
      expect(stdout).toMatch(line);
      expect(stderr).toBe('');
      expect(code).toBe(1);
    });
    it(`verify --json with ${what} prints one ${reason} object and exits 1`, async () => {
      const { code, stdout, stderr } = await runCli(['verify', '--json', '--payload', body, '--secret', SECRET, ...headers()]);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'verification', ok: false, reason, family: 'svix' });
      expect(stderr).toMatch(new RegExp(`^✗ invalid  ${reason}: `));
      expect(code).toBe(1);
    });
  }

  it('verify reads the request headers of a `curl -v` transcript given as --headers @file', async () => {
    const h = svixHeaders();
    const transcript = [
      '*   Trying 127.0.0.1:3000...',
      '* Connected to localhost (127.0.0.1) port 3000',
      '> POST /webhooks HTTP/1.1',
      '> Host: localhost:3000',
      '> User-Agent: curl/8.5.0',
      '> content-type: application/json',
      `> svix-id: ${h['svix-id']}`,
      `> svix-timestamp: ${h['svix-timestamp']}`,
      `> svix-signature: ${h['svix-signature']}`,
      '> Content-Length: 180',
      '> ',
      '< HTTP/1.1 401 Unauthorized',
      '< svix-id: msg_fromTheResponseNotTheRequest',
      '< Content-Length: 0',
      '< ',
      '* Connection #0 to host localhost left intact',
    ].join('\n');
    writeFileSync(join(dir, 'curl-v.txt'), transcript);
    const { code, stdout, stderr } = await runCli(['verify', '--payload', body, '--secret', SECRET, '--headers', `@${join(dir, 'curl-v.txt')}`]);
    expect(stderr).toBe('');
    expect(stdout).toContain(`✓ valid  ${h['svix-signature']}`);
    expect(stdout).toContain(`svix-id ${h['svix-id']}`);
    expect(code).toBe(0);
  });
});

describe('scandocs-webhooks verify: bad input exits 2 with one line', () => {
  const usage: Array<[string, () => string[], RegExp]> = [
    ['no headers at all', () => ['--payload', body, '--secret', SECRET], /^error: no headers given: pass --header/],
    ['secret that is a signature', () => ['--payload', body, '--secret', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', '--id', 'a'], /^error: invalid secret: the secret looks like a signature/],
    ['secret that is not base64', () => ['--payload', body, '--secret', 'whsec_???', '--id', 'a'], /^error: invalid secret: the secret is not valid base64/],
    ['empty secret', () => ['--payload', body, '--secret', '', '--id', 'a'], /^error: --secret is empty \(an unset variable\?\)/],
    ['unreadable @file', () => ['--payload', '@/nonexistent/body.json', '--id', 'a'], /^error: cannot read --payload file "\/nonexistent\/body.json": no such file/],
    ['malformed --header', () => ['--payload', body, '-H', 'svix-id msg_1'], /^error: --header "svix-id msg_1" is not "name: value"/],
    ['unknown flag', () => ['--payload', body, '--sekret', SECRET], /^error: unknown option '--sekret'/],
    ['bad --at', () => ['--payload', body, '--id', 'a', '--at', 'soon'], /^error: --at "soon" is not a time/],
  ];
  for (const [what, args, message] of usage) {
    it(`verify with ${what} exits 2 and says how to fix it`, async () => {
      const { code, stdout, stderr } = await runCli(['verify', ...args()]);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe('');
      expect(code).toBe(2);
    });
  }
});

describe('scandocs-webhooks sign', () => {
  it('sign prints svix headers that the svix library verifies', async () => {
    const { code, stdout } = await runCli(['sign', '--payload', body, '--secret', SECRET]);
    expect(code).toBe(0);
    const headers = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(': ') as [string, string]));
    expect(Object.keys(headers)).toEqual(['svix-id', 'svix-timestamp', 'svix-signature']);
    expect(() => new Webhook(SECRET).verify(body, headers)).not.toThrow();
  });

  it('sign uses the test secret by default and says so on stderr', async () => {
    const { stdout, stderr } = await runCli(['sign', '--payload', body, '--id', 'msg_1', '--timestamp', '1700000000']);
    const signature = stdout.match(/svix-signature: (.*)/)![1];
    expect(signature).toBe(new Webhook(TEST_SECRET).sign('msg_1', new Date(1_700_000_000_000), body));
    expect(stderr).toContain('built-in test secret whsec_c2Nh••••••');
    expect(stderr).not.toContain(TEST_SECRET);
  });

  it('sign --unbranded --json prints webhook-* headers as one object', async () => {
    const { stdout } = await runCli(['sign', '--payload', body, '--unbranded', '--json', '--id', 'msg_1', '--timestamp', '2026-01-01T00:00:00Z']);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ type: 'signature', id: 'msg_1', timestamp: 1_767_225_600 });
    expect(Object.keys(out.headers)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });

  it('sign --curl prints a command that delivers a verifiable request', async () => {
    const { stdout } = await runCli(['sign', '--payload', "{\"name\":\"it's\"}", '--secret', SECRET, '--curl', 'http://127.0.0.1:3000/webhooks']);
    expect(stdout).toMatch(/^curl -sS -X POST 'http:\/\/127.0.0.1:3000\/webhooks'/);
    expect(stdout).toContain(`--data-binary '{"name":"it'\\''s"}'`);
  });

  it('sign output round-trips through verify', async () => {
    const signed = await runCli(['sign', '--payload', body, '--secret', SECRET]);
    writeFileSync(join(dir, 'signed.txt'), signed.stdout);
    const checked = await runCli(['verify', '--payload', body, '--secret', SECRET, '--headers', `@${join(dir, 'signed.txt')}`]);
    expect(checked.code).toBe(0);
  });

  it('sign --json --curl includes the curl command in its object', async () => {
    const { code, stdout } = await runCli(['sign', '--json', '--payload', body, '--secret', SECRET, '--id', 'msg_1', '--curl', 'http://127.0.0.1:3000/webhooks']);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ type: 'signature', id: 'msg_1', curl: expect.stringMatching(/^curl -sS -X POST 'http:\/\/127.0.0.1:3000\/webhooks'/) });
    expect(out.curl).toContain(`-H 'svix-signature: ${out.signature}'`);
    expect(code).toBe(0);
  });

  it('the curl command sign --curl prints says the status it got, even a 204 with no body', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    try {
      const signed = await runCli(['sign', '--payload', body, '--secret', SECRET, '--curl', `${server.url}/webhooks`]);
      const ran = await runShell(signed.stdout);
      expect(ran.stderr).toBe('');
      expect(ran.stdout.trim()).toBe('HTTP 204');
      expect(ran.code).toBe(0);
      expect(() => new Webhook(SECRET).verify(server.requests[0]!.body.toString(), server.requests[0]!.headers as Record<string, string>)).not.toThrow();
    } finally {
      await server.close();
    }
  });

  const signUsage: Array<[string, string[], RegExp]> = [
    ['an empty --id', ['--id', ''], /^error: --id is empty: pass a message id such as --id msg_1, or leave it out for a fresh one\n$/],
    ['--curl that is not a URL', ['--curl', 'notaurl'], /^error: --curl "notaurl" is not an http\(s\) URL: pass the endpoint, e.g. --curl http:\/\/localhost:3000\/webhooks\n$/],
  ];
  for (const [what, args, message] of signUsage) {
    it(`sign with ${what} exits 2 with one line`, async () => {
      const { code, stdout, stderr } = await runCli(['sign', '--payload', body, '--secret', SECRET, ...args]);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
      expect(code).toBe(2);
    });
  }

  it('sign with a whpk_ public key exits 2 explaining it only verifies', async () => {
    const { code, stderr } = await runCli(['sign', '--payload', body, '--secret', 'whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=']);
    expect(stderr).toMatch(/^error: a whpk_ public key can only verify/);
    expect(code).toBe(2);
  });
});

describe('scandocs-webhooks (program)', () => {
  it('--help lists the commands and the exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const name of ['listen', 'trigger', 'replay', 'check', 'events', 'verify', 'sign']) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(stdout).toMatch(/Exit codes: 0 success, 1 the check or delivery failed, 2 usage error/);
  });

  it('help <command> and <command> --help load that command and show its options', async () => {
    for (const args of [['help', 'verify'], ['verify', '--help'], ['--debug', 'verify', '--help']]) {
      const { code, stdout } = await runCli(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Usage: scandocs-webhooks verify \[options\]/);
      expect(stdout).toMatch(/--payload <text\|@file\|->/);
    }
  });

  it('--version prints the package version', async () => {
    const { stdout } = await runCli(['--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command exits 2 with a suggestion', async () => {
    const { code, stderr } = await runCli(['verfy']);
    expect(stderr).toMatch(/unknown command 'verfy'/);
    expect(stderr).toMatch(/Did you mean verify\?/);
    expect(code).toBe(2);
  });
});

/** Runs a command line in a POSIX shell, as a user pasting sign --curl's output would. */
function runShell(command: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...ISOLATED_ENV } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}
