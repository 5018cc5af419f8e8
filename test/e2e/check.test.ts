import { closedPort, startServer } from '../helpers/server.js';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'svix';
import { BIN, ISOLATED_ENV, runCli } from '../helpers/cli.js';
import { startWebhookEndpoint, type EndpointFlaw, type WebhookEndpointOptions } from '../helpers/webhook-endpoints.js';

const ACCEPTS = [
  'accepts-file.created',
  'accepts-file.deleted',
  'accepts-task.created',
  'accepts-task.completed',
  'accepts-task.failed',
  'accepts-task.deleted',
  'accepts-rotated-signatures',
  'accepts-unknown-type',
  'accepts-duplicate',
  'accepts-out-of-order',
  'accepts-large-payload',
  'accepts-larger-payloads',
  'accepts-exact-bytes',
  'accepts-raw-utf8',
  'accepts-split-utf8',
  'accepts-clock-skew',
];
const REFUSES = [
  'refuses-unsigned',
  'refuses-tampered-body',
  'refuses-wrong-secret',
  'refuses-stale-timestamp',
  'refuses-future-timestamp',
  'refuses-malformed-signature',
];
/** The checks that run without --effects-url and a second --secret (the others are listed as skipped). */
const ALL = [...ACCEPTS, ...REFUSES, 'no-redirect'];
const SKIPPED = ['accepts-each-secret', 'applies-duplicate-once', 'applies-concurrent-once', 'applies-retry-once', 'applies-nothing-unverified'];
const BATTERY_ORDER = [...ACCEPTS.slice(0, 7), 'accepts-each-secret', ...ACCEPTS.slice(7), ...REFUSES, ...SKIPPED.slice(1), 'no-redirect'];
const OTHER_SECRET = 'whsec_b3RoZXItYXBwLXNlY3JldC0xMjM0NTY3OA==';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function endpoint(options: WebhookEndpointOptions = {}) {
  const server = await startWebhookEndpoint(options);
  running.push(server);
  return server;
}

interface CheckLine {
  name: string;
  skipped?: boolean;
  group: string;
  passed: boolean;
  status: number | null;
  latencyMs: number;
  location?: string;
  warning?: string;
  hint?: string;
  responses: Array<{ label: string; status?: number; error?: { cause: string } }>;
}

/** Runs `check --json` and splits stdout into its check objects and its summary. */
async function checkJson(args: string[]) {
  const result = await runCli(['check', '--json', ...args], { timeoutMs: 60_000 });
  const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
  const checks = lines.filter((line) => line.type === 'check') as unknown as CheckLine[];
  const summary = lines.find((line) => line.type === 'summary');
  const failed = checks.filter((check) => !check.passed && !check.skipped).map((check) => check.name);
  return { ...result, lines, checks, summary, failed };
}

describe('check against the reference endpoint (verifies with the svix library)', () => {
  it('check --url passes every check, exits 0 and prints the report card grouped by heading', async () => {
    const server = await endpoint();
    const { code, stdout, stderr } = await runCli(['check', '--url', server.endpoint]);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const headings = ['Must accept', 'Must refuse', 'Must not redirect'].map((heading) => lines.indexOf(heading));
    expect(headings.every((index) => index > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    for (const name of ACCEPTS) expect(stdout).toMatch(new RegExp(`✓ ${escape(name)}\\s+200( → 200)*\\s+\\d+ms`));
    for (const name of SKIPPED) expect(stdout).toMatch(new RegExp(`– ${escape(name)}\\s+skipped`));
    for (const name of REFUSES) expect(stdout).toMatch(new RegExp(`✓ ${escape(name)}\\s+401\\s+\\d+ms`));
    expect(stdout).not.toContain('✗');
    expect(stdout).toContain(`Score: ${ALL.length}/${ALL.length} checks passed, ${SKIPPED.length} skipped`);
    expect(stdout).toContain('signing with whsec_c2Nh•••••• (the built-in test secret');
  });

  it('check --json prints one passed object per check in battery order, then the summary', async () => {
    const server = await endpoint();
    const { code, checks, summary, lines } = await checkJson(['--url', server.endpoint]);

    expect(code).toBe(0);
    expect(checks.map((check) => check.name)).toEqual(BATTERY_ORDER);
    expect(checks.every((check) => (check.passed || check.skipped) && check.hint === undefined)).toBe(true);
    expect(checks.filter((check) => check.skipped).map((check) => check.name)).toEqual(SKIPPED);
    expect(lines.at(-1)).toEqual(summary);
    expect(summary).toMatchObject({ type: 'summary', ok: true, total: ALL.length, passed: ALL.length, failed: 0, warnings: 0, skipped: SKIPPED.length });
  });

  it('check sends what each check says: 256 KiB, the same svix-id twice, task.completed before task.created', async () => {
    const server = await endpoint();
    await runCli(['check', '--url', server.endpoint, '--only', 'accepts-large-payload,accepts-duplicate,accepts-out-of-order']);

    // Each accepted delivery is followed by a GET that sees whether the app still answers (issue 21 item 4).
    const posts = server.requests.filter((request) => request.method === 'POST');
    expect(server.requests.filter((request) => request.method === 'GET')).toHaveLength(posts.length);
    const [duplicate, retry, completed, created, largeCreated, large] = posts;
    expect(posts).toHaveLength(6);
    expect(JSON.parse(largeCreated!.body.toString()).type).toBe('task.created');
    expect(retry!.headers['svix-id']).toBe(duplicate!.headers['svix-id']);
    expect(retry!.body.equals(duplicate!.body)).toBe(true);
    const [first, second] = [completed, created].map((request) => JSON.parse(request!.body.toString()) as { type: string; data: { id: string } });
    expect([first!.type, second!.type]).toEqual(['task.completed', 'task.created']);
    expect(second!.data.id).toBe(first!.data.id);
    expect(large!.body.length).toBe(256 * 1024);
    // Signed exactly as production signs: the svix library verifies every one of them.
    const webhook = new Webhook('whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh');
    for (const request of posts) expect(() => webhook.verify(request.body.toString(), request.headers as Record<string, string>)).not.toThrow();
  });

  it('check --secret signs with the given secret, so an endpoint configured with it passes', async () => {
    const server = await endpoint({ secret: OTHER_SECRET });
    const { code, failed } = await checkJson(['--url', server.endpoint, '--secret', OTHER_SECRET]);
    expect(failed).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('check against broken endpoints fails exactly the checks it should', () => {
  const cases: Array<{ flaw: EndpointFlaw; args?: string[]; fails: string[] }> = [
    { flaw: 'no-verification', fails: REFUSES },
    { flaw: 'no-timestamp-check', fails: ['refuses-stale-timestamp', 'refuses-future-timestamp'] },
    { flaw: 'first-signature-only', fails: ['accepts-rotated-signatures'] },
    { flaw: 'rejects-unknown-types', fails: ['accepts-unknown-type'] },
    { flaw: 'fails-duplicates', fails: ['accepts-duplicate'] },
    // Slow only on task.completed (three checks send one); a 1 s timeout keeps the test short.
    // (accepts-larger-payloads only warns: the vendor documents no maximum size.)
    { flaw: 'slow', args: ['--timeout', '1s'], fails: ['accepts-task.completed', 'accepts-out-of-order', 'accepts-large-payload'] },
    { flaw: 'redirects', fails: [...ACCEPTS, 'no-redirect'] },
  ];

  it.each(cases)('check against an endpoint with $flaw fails exactly those checks and exits 1', async ({ flaw, args = [], fails }) => {
    const server = await endpoint({ flaw, slowMs: 1_500 });
    const { code, checks, failed, summary } = await checkJson(['--url', server.endpoint, ...args]);

    expect(failed).toEqual(fails);
    expect(code).toBe(1);
    expect(checks).toHaveLength(BATTERY_ORDER.length);
    for (const check of checks) expect(typeof check.hint === 'string' && check.hint.length > 20).toBe(!check.passed && !check.skipped);
    expect(summary).toMatchObject({ ok: false, passed: ALL.length - fails.length, failed: fails.length });
  });

  it('check prints ✗, the status, and the fix for each failure of an endpoint without verification', async () => {
    const server = await endpoint({ flaw: 'no-verification' });
    const { code, stdout } = await runCli(['check', '--url', server.endpoint]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ refuses-unsigned\s+200\s+\d+ms\n\s+accepted a request with no signature: verify svix-signature before handling the event/);
    expect(stdout).toMatch(/✗ refuses-stale-timestamp\s+200\s+\d+ms\n\s+accepted a delivery signed 6 minutes ago/);
    expect(stdout).toContain(`Score: ${ALL.length - REFUSES.length}/${ALL.length} checks passed, ${SKIPPED.length} skipped`);
  });

  it('check shows the Location of a redirect and says Svix does not follow it', async () => {
    const server = await endpoint({ flaw: 'redirects' });
    const { stdout } = await runCli(['check', '--url', server.endpoint, '--only', 'no-redirect']);
    expect(stdout).toMatch(/✗ no-redirect\s+303\s+\d+ms\n\s+answered 303 → \/webhooks\/done: Svix does not follow redirects/);

    const { checks } = await checkJson(['--url', server.endpoint, '--only', 'no-redirect']);
    expect(checks[0]).toMatchObject({ name: 'no-redirect', passed: false, status: 303, location: '/webhooks/done' });
  });

  it('check reports the timeout of a slow handler with the advice to answer first', async () => {
    const server = await endpoint({ flaw: 'slow', slowMs: 1_500 });
    const { checks } = await checkJson(['--url', server.endpoint, '--only', 'accepts-task.completed', '--timeout', '500ms']);
    expect(checks[0]).toMatchObject({ passed: false, status: null, responses: [{ label: 'task.created, first', status: 200 }, { label: 'task.completed', error: { cause: 'timeout' } }] });
    expect(checks[0]!.hint).toMatch(/^no answer within 500ms: acknowledge with 2xx as soon as the event is verified and stored/);
  });

  it('check passes a slow answer within the timeout, with a warning above 1 s', async () => {
    const server = await endpoint({ flaw: 'slow', slowMs: 1_200 });
    const { code, stdout } = await runCli(['check', '--url', server.endpoint, '--only', 'accepts-task.completed']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ accepts-task.completed\s+200 → 200\s+1.\ds\n\s+warning: answered in 1.\ds: acknowledge first and do the work afterwards/);
    expect(stdout).toContain('Score: 1/1 checks passed, 1 with a warning');
  });

  it('check counts a 500 refusal as refused, but with a server error', async () => {
    const server = await endpoint({ flaw: 'crashes-on-bad-signature' });
    const { code, checks, summary } = await checkJson(['--url', server.endpoint, '--only', 'refuses-*']);
    expect(code).toBe(0);
    expect(checks.map((check) => [check.name, check.passed, check.status])).toEqual(REFUSES.map((name) => [name, true, 500]));
    for (const check of checks) expect(check.warning).toMatch(/^refused, but with a server error \(500\)/);
    expect(summary).toMatchObject({ ok: true, warnings: REFUSES.length });
  });

  it('check with another secret than the endpoint’s fails every accept check with advice on the secret', async () => {
    const server = await endpoint({ secret: OTHER_SECRET });
    const { code, failed, checks } = await checkJson(['--url', server.endpoint]);
    // In JSON every check keeps its own hint; the human card shows it once (see below).
    expect(code).toBe(1);
    expect(failed).toEqual([...ACCEPTS, 'no-redirect']);
    expect(checks[0]!.hint).toMatch(/^refused a valid signed file.created \(401\): verify the raw body bytes, before any JSON parsing, with the same secret/);
  });
});

// Issue 12: the battery catches a re-serializing verifier, says a common cause once, and no-redirect wants a 2xx.
describe('check tells the truth about an endpoint', () => {
  it('check fails an endpoint that verifies JSON.stringify(JSON.parse(raw)) with the body-reserialized hint', async () => {
    const server = await endpoint({ flaw: 'reserializes' });
    const { code, failed, checks, summary } = await checkJson(['--url', server.endpoint]);
    expect(failed).toEqual(['accepts-exact-bytes']);
    expect(checks.find((check) => check.name === 'accepts-exact-bytes')!.hint).toMatch(/verifies a re-serialized body \(JSON\.stringify\(JSON\.parse\(raw\)\): body-reserialized\)/);
    expect(summary).toMatchObject({ ok: false, passed: ALL.length - 1, total: ALL.length });
    expect(code).toBe(1);
  });

  // Issue 22: results print as they complete, so the common line closes the group instead of opening it.
  it('check against an endpoint with another secret says once, after the must-accept group, that every accept check got 401', async () => {
    const server = await endpoint({ secret: OTHER_SECRET });
    const { code, stdout } = await runCli(['check', '--url', server.endpoint], { timeoutMs: 60_000 });
    const lines = stdout.split('\n');
    const common = lines.findIndex((line) => line.startsWith(`  ✗ all ${ACCEPTS.length} must-accept checks got 401: the endpoint verifies with another secret`));
    expect(common).toBeGreaterThan(lines.indexOf('Must accept'));
    expect(common).toBeLessThan(lines.indexOf('Must refuse'));
    expect(stdout.match(/another secret than the one check signs with/g)).toHaveLength(1);
    expect(stdout.match(/refused a valid signed/g)).toHaveLength(1);
    for (const name of ACCEPTS) expect(stdout).toMatch(new RegExp(`✗ ${escape(name)}\\s+401`));
    expect(code).toBe(1);
  });

  it('check against an endpoint answering 500 to everything says so once, first, and --json adds a common-failure object', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    running.push(server);
    const human = await runCli(['check', '--url', server.url], { timeoutMs: 60_000 });
    expect(human.stdout).toMatch(new RegExp(`^  ✗ all ${ACCEPTS.length} must-accept checks got 500: the handler fails on every event`, 'm'));
    expect(human.stdout.match(/your server's log has the error; acknowledge/g)).toHaveLength(1);
    const { lines } = await checkJson(['--url', server.url]);
    expect(lines.filter((line) => line.type === 'common-failure')).toEqual([
      { type: 'common-failure', group: 'must-accept', answer: '500', checks: ACCEPTS.length, hint: expect.stringMatching(/^all \d+ must-accept checks got 500/) },
    ]);
  });

  it('check no-redirect fails on a non-2xx that is not a redirect', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    running.push(server);
    const { code, checks } = await checkJson(['--url', server.url, '--only', 'no-redirect']);
    expect(checks[0]).toMatchObject({ name: 'no-redirect', passed: false, status: 500, hint: expect.stringMatching(/^answered 500: a valid delivery must get a 2xx at this URL/) });
    expect(code).toBe(1);
  });
});

describe('check selection and usage', () => {
  it('check --only/--skip run the selected checks only (comma lists, repeats and patterns)', async () => {
    const server = await endpoint();
    const { code, checks } = await checkJson([
      '--url', server.endpoint,
      '--only', 'refuses-*', '--only', 'no-redirect',
      '--skip', 'refuses-unsigned,refuses-wrong-secret',
    ]);
    expect(code).toBe(0);
    expect(checks.map((check) => check.name)).toEqual(['refuses-tampered-body', 'refuses-stale-timestamp', 'refuses-future-timestamp', 'refuses-malformed-signature', 'no-redirect']);
    expect(server.requests.filter((request) => request.method === 'POST')).toHaveLength(5);
  });

  // Issue 22: --help fits 80 columns, examples and exit codes included.
  it('check --help fits 80 columns and ends with its exit codes', async () => {
    const { code, stdout } = await runCli(['check', '--help'], { env: { COLUMNS: '80' } });
    expect(code).toBe(0);
    for (const line of stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(stdout.trim()).toMatch(/Exit codes: 0 every check that ran passed, [\s\S]*130 stopped by Ctrl-C[\s\S]*\.$/);
    expect(stdout).toContain('--effects-url');
  });

  it('check --list names every check with its rule and sends nothing', async () => {
    const { code, stdout } = await runCli(['check', '--list']);
    expect(code).toBe(0);
    for (const name of ALL) expect(stdout).toMatch(new RegExp(`^  ${escape(name)}\\s+\\S`, 'm'));
  });

  it.each([
    { args: ['--url', 'http://127.0.0.1:9/webhooks', '--only', 'refuses-nothing'], error: /^error: unknown check "refuses-nothing" in --only: valid checks are accepts-file.created, .*no-redirect/ },
    { args: ['--url', 'http://127.0.0.1:9/webhooks', '--skip', 'nope'], error: /^error: unknown check "nope" in --skip/ },
    // Issue 22: without --url, check grades the running listen; with none running, it says how to start one.
    { args: [], error: /^error: no --url, and no listen is running: start `scandocs-webhooks listen` in another terminal, or pass --url$/m },
    { args: ['--url', 'localhost:3000'], error: /^error: --url "localhost:3000" is not an http\(s\) URL: give the whole address, e.g. --url http/ },
    { args: ['--url', 'http://127.0.0.1:9/webhooks', '--timeout', 'soon'], error: /^error: invalid --timeout "soon"/ },
    { args: ['--url', 'http://127.0.0.1:9/webhooks', '--secret', 'sk_live_123'], error: /^error: invalid secret: the secret looks like an API key/ },
  ])('check $args exits 2 with one line saying what to fix', async ({ args, error }) => {
    const { code, stdout, stderr } = await runCli(['check', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(error);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('check against a port nobody listens on says so in one line and exits 1', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/webhooks`;
    const human = await runCli(['check', '--url', url]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`✗ cannot reach ${escape(url)}: .*ECONNREFUSED.* \\(is your app running, and listening on this port\\?\\)`));
    expect(human.stdout).toContain(`Score: 0/${ALL.length}: the endpoint is unreachable, no check ran`);
    expect(human.stdout).not.toContain('Must accept');

    const { code, lines } = await checkJson(['--url', url]);
    expect(code).toBe(1);
    expect(lines.map((line) => line.type)).toEqual(['unreachable', 'summary']);
    expect(lines[0]).toMatchObject({ url, cause: 'refused' });
    expect(lines[1]).toMatchObject({ ok: false, passed: 0, total: ALL.length, skipped: SKIPPED.length, unreachable: { cause: 'refused' } });
  });
});

describe('check in a terminal', () => {
  /**
   * Runs the CLI under `script`, a real pseudo-terminal, so ui.interactive (and the ora spinner) is on.
   * `background` runs it as a shell's background job would be: outside the terminal's foreground process group.
   */
  function inTerminal(setup: string, args: string[], { background = false } = {}): Promise<{ code: number | null; output: string }> {
    // `timeout` bounds the CLI itself: killing `script` would not reach it (it runs in its own session on the pty).
    // Without --foreground, timeout moves the CLI into a process group of its own, which is what a background job is;
    // `; exit $?` keeps the shell from exec-ing timeout, so the group is not orphaned, whichever shell `script` uses.
    const cli = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const command = `${setup}timeout ${background ? '' : '--foreground '}-s KILL 12 ${cli}; exit $?`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SCANDOCS_WEBHOOK_SECRET: '', ...ISOLATED_ENV };
    delete env.CI;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, output }))));
  }

  it('check shows a spinner per check in a terminal, and clears it before each result', async () => {
    const server = await endpoint();
    const { code, output } = await inTerminal('stty cols 100; ', ['check', '--url', server.endpoint, '--only', 'accepts-file.created']);
    expect(output).toContain('accepts-file.created (1/1)');
    expect(output).toMatch(/✓ accepts-file.created\s+200/);
    expect(code).toBe(0);
  });

  // Regression: the spinner put stdin in raw mode, and a background job touching the terminal's settings is stopped
  // by SIGTTOU, so `check … &` hung until killed (CI's /bin/sh ran the test this way).
  it('check finishes with its spinner when run as a background job in a terminal', async () => {
    const server = await endpoint();
    const { code, output } = await inTerminal('stty cols 100; ', ['check', '--url', server.endpoint, '--only', 'accepts-file.created'], { background: true });
    expect(output).toContain('accepts-file.created (1/1)');
    expect(output).toContain('Score: 1/1 checks passed');
    expect(code).toBe(0);
  });

  // Issue 22: on a terminal, hints are wrapped to its width between words; off a terminal they stay whole.
  it.each([80, 120])('check in a %i-column terminal keeps every line within the width, breaking only between words', async (columns) => {
    const server = await endpoint({ flaw: 'no-verification' });
    const { output } = await inTerminal(`stty cols ${columns}; `, ['check', '--url', server.endpoint]);
    const lines = output.split('\n').map((line) => line.replace(/\r/g, '').split('\x1b[0K').at(-1)!.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    expect(output).toContain('Score:');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns);
    // The hint is all there, in order, once its lines are joined.
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('accepted a request with no signature: verify svix-signature before handling the event (new Webhook(secret).verify(rawBody, headers))');
    const piped = await runCli(['check', '--url', server.endpoint, '--only', 'refuses-unsigned']);
    expect(piped.stdout).toMatch(/^ {6}accepted a request with no signature: verify svix-signature before handling the event \(new Webhook\(secret\)\.verify\(rawBody, headers\)\)$/m);
  });

  // Issue 22: on a terminal too, each result is printed when its check completes, and Ctrl-C keeps the card.
  it('check in a terminal prints results as they complete and, on Ctrl-C, the card of the checks that ran, exiting 130', async () => {
    const server = await endpoint({ flaw: 'slow', slowMs: 6_000 });
    // `timeout -s INT` plays the user's Ctrl-C 2.5 s in, while accepts-task.completed waits for its slow answer.
    const cli = [process.execPath, BIN, 'check', '--url', server.endpoint].map((a) => `'${a}'`).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SCANDOCS_WEBHOOK_SECRET: '' };
    delete env.CI;
    const child = spawn('script', ['-qec', `stty cols 100; timeout --foreground --preserve-status -s INT 2.5 ${cli}; exit $?`, '/dev/null'], { env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise((resolve) => child.on('close', (c) => (clearTimeout(timer), resolve(c))));
    expect(output).toMatch(/✓ accepts-task\.created\s+200/);
    expect(output).not.toMatch(/accepts-task\.completed\s+200/);
    expect(output).toMatch(/Stopped \(Ctrl-C\) after 3 checks: Score: 3\/3 checks passed/);
    expect(code).toBe(130);
  });

  // Regression: a pty that reports 0 columns made ora's line clearing loop forever, and check never ended.
  it('check finishes in a terminal that reports 0 columns', async () => {
    const server = await endpoint();
    const { code, output } = await inTerminal('', ['check', '--url', server.endpoint, '--only', 'accepts-file.created']);
    expect(output).toContain('Score: 1/1 checks passed');
    expect(code).toBe(0);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

