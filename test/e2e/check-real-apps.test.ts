import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { startFrameworkApp, type AppFlaw, type FrameworkAppOptions, type RunningApp } from '../helpers/framework-apps.js';
import { startServer } from '../helpers/server.js';

// Issue 21: `check` against real Express 5 and Fastify 5 apps, each planted with one real-world bug. Each bug is
// caught by the check that concerns it, with a hint naming the fix, and by no other check; correct apps stay clean.
const OLD = 'whsec_b2xkLXNlY3JldC1iZWZvcmUtcm90YXRpb24tMTIz';
const NEW = 'whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbi0xMjM0';

const apps: RunningApp[] = [];
afterEach(async () => void (await Promise.all(apps.splice(0).map((app) => app.close()))));

async function app(options: FrameworkAppOptions = {}): Promise<RunningApp> {
  const running = await startFrameworkApp(options);
  apps.push(running);
  return running;
}

interface CheckLine {
  name: string;
  passed: boolean;
  skipped?: boolean;
  skipReason?: string;
  hint?: string;
  warning?: string;
  applied?: number;
}

async function checkJson(args: string[]) {
  const result = await runCli(['check', '--json', ...args], { timeoutMs: 60_000 });
  const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
  const checks = lines.filter((line) => line.type === 'check') as unknown as CheckLine[];
  const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
  const failed = checks.filter((check) => !check.passed && !check.skipped).map((check) => check.name);
  const summary = lines.find((line) => line.type === 'summary') as Record<string, unknown>;
  const common = lines.find((line) => line.type === 'common-failure') as { hint: string } | undefined;
  return { ...result, checks, byName, failed, summary, common };
}

describe('correct apps get clean cards (issue 21)', () => {
  it.each(['express', 'fastify'] as const)('a correct %s app passes every check that runs, and the applied-once ones are skipped without --effects-url', async (framework) => {
    const running = await app({ framework });
    const { code, failed, summary, byName, stderr } = await checkJson(['--url', running.url]);
    expect(stderr).not.toContain('error');
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    expect(summary).toMatchObject({ ok: true, total: 23, passed: 23, skipped: 5 });
    expect(byName['applies-duplicate-once']).toMatchObject({ passed: false, skipped: true, skipReason: 'effects' });
  });

  it.each(['express', 'fastify'] as const)('a correct %s app passes every check with --effects-url and two --secret during a rotation', async (framework) => {
    const running = await app({ framework, secrets: [OLD, NEW] });
    const { code, failed, summary, byName } = await checkJson(['--url', running.url, '--effects-url', running.effectsUrl, '--secret', OLD, '--secret', NEW]);
    expect(failed).toEqual([]);
    expect(summary).toMatchObject({ ok: true, total: 28, passed: 28, skipped: 0 });
    expect(byName['applies-duplicate-once']!.applied).toBe(1);
    expect(byName['applies-nothing-unverified']!.applied).toBe(0);
    expect(code).toBe(0);
  });
});

describe('each planted bug is caught by its check, with its fix, and by no other (issue 21)', () => {
  const cases: Array<{ item: string; flaw: AppFlaw; framework?: 'express' | 'fastify'; effects?: boolean; fails: string[]; hint: RegExp }> = [
    { item: '1', flaw: 'unknown-task-500', fails: ['accepts-out-of-order'], hint: /task\.completed arrived before task\.created: .*upsert by data\.id/ },
    { item: '2', flaw: 'latin1', fails: ['accepts-raw-utf8', 'accepts-split-utf8'], hint: /decodes the body as latin1 or binary|decodes each chunk/ },
    { item: '2', flaw: 'per-chunk-decode', fails: ['accepts-split-utf8'], hint: /decodes each chunk on its own \(body \+= chunk\); collect the Buffers and decode once/ },
    { item: '3', flaw: 'not-idempotent', effects: true, fails: ['applies-duplicate-once', 'applies-concurrent-once', 'applies-retry-once'], hint: /^applied .* \(applied 2 times, expected 1\)$/ },
    { item: '3', flaw: 'racy', framework: 'fastify', effects: true, fails: ['applies-concurrent-once'], hint: /^applied twice when two identical deliveries arrived at once: .*a unique key on the svix-id/ },
    { item: '3', flaw: 'work-before-verify', effects: true, fails: ['applies-nothing-unverified'], hint: /^applied an event whose signature did not verify: .*verify first, .*\(applied 1 time, expected 0\)$/ },
    { item: '3', flaw: 'dedupes-on-signature', effects: true, fails: ['applies-retry-once'], hint: /^applied an event again when Svix retried it: a retry keeps the svix-id but has a new timestamp and signature; deduplicate on the svix-id/ },
    { item: '6', flaw: 'tolerance-10s', fails: ['accepts-clock-skew'], hint: /^refused a delivery signed 4 minutes ago: .*within 5 minutes/ },
    { item: '6', flaw: 'tolerance-9min', fails: ['refuses-stale-timestamp', 'refuses-future-timestamp'], hint: /^accepted a (delivery signed 6 minutes ago|timestamp 6 minutes in the future)/ },
    { item: '7', flaw: 'default-body-limit', fails: ['accepts-large-payload'], hint: /^refused a 256 KiB event: raise your body parser's size limit/ },
  ];

  it.each(cases)('item $item: an app with $flaw fails exactly $fails', async ({ flaw, framework, effects, fails, hint }) => {
    const running = await app({ flaw, framework });
    const { code, failed, byName } = await checkJson(['--url', running.url, ...(effects ? ['--effects-url', running.effectsUrl] : [])]);
    expect(failed).toEqual(fails);
    for (const name of fails) expect(byName[name]!.hint, name).toMatch(hint);
    expect(code).toBe(1);
  });

  it('item 3: without --effects-url the same buggy apps cannot be told apart, and the card says so instead of passing them', async () => {
    const running = await app({ flaw: 'not-idempotent' });
    const { code, stdout } = await runCli(['check', '--url', running.url], { timeoutMs: 60_000 });
    expect(stdout).toMatch(/– applies-duplicate-once\s+skipped\n\s+skipped: status codes cannot show an event applied twice; pass --effects-url URL/);
    expect(stdout.match(/pass --effects-url/g)).toHaveLength(1);
    expect(stdout).not.toMatch(/✓ applies-/);
    expect(stdout).toContain('Score: 23/23 checks passed, 5 skipped');
    expect(code).toBe(0);
  });

  it('item 7: an app whose body limit is 300 KiB passes, with a warning that the vendor documents no maximum', async () => {
    const running = await app({ flaw: 'default-body-limit' });
    const { byName } = await checkJson(['--url', running.url, '--only', 'accepts-larger-payloads']);
    expect(byName['accepts-larger-payloads']).toMatchObject({ passed: true, warning: expect.stringMatching(/^refused a 512 KiB event: Scan Documents documents no maximum size/) });
  });

  it('item 5: an app that verifies only with the new secret fails accepts-each-secret on the delivery signed only with the old one', async () => {
    const running = await app({ secrets: [NEW] });
    const { failed, byName } = await checkJson(['--url', running.url, '--secret', OLD, '--secret', NEW, '--only', 'accepts-each-secret,accepts-file.created']);
    expect(failed).toEqual(['accepts-file.created', 'accepts-each-secret']);
    expect(byName['accepts-each-secret']!.hint).toMatch(/^refused a delivery signed only with the first \(old\) secret: while you rotate, verify with every secret in use/);
  });

  it('item 4: an app that blocks its process after answering task.completed is blamed on the deliveries that caused it', async () => {
    const running = await app({ flaw: 'blocks-after-answer', blockMs: 3_000 });
    const { failed, byName } = await checkJson(['--url', running.url]);
    expect(failed).toEqual(['accepts-task.completed', 'accepts-out-of-order', 'accepts-large-payload', 'accepts-larger-payloads']);
    for (const name of failed) {
      expect(byName[name]!.hint, name).toMatch(/^after accepting task\.completed the app did not answer for [3-9]\.\d s: it does slow synchronous work after answering, .*move it to a queue or a worker$/);
    }
  }, 60_000);
});

describe('every must-accept check failing the same way: the common line finds the cause (issue 21 item 8)', () => {
  it.each([
    { flaw: 'webhook-headers-only' as const, line: /^✗ all 16 must-accept checks got 401: your verifier reads only webhook-\* headers .*pass the svix-\* headers too/m },
    { flaw: 'literal-key' as const, line: /^✗ all 16 must-accept checks got 401: your verifier uses the secret string itself as the HMAC key: base64-decode the part after whsec_ and use those bytes as the key/m },
    { flaw: 'auth-redirect' as const, line: /^✗ all 16 must-accept checks got 302 → \/login\?next=%2Fwebhooks: exclude the webhook route from your auth middleware/m },
  ])('an app with $flaw gets the line that names it', async ({ flaw, line }) => {
    const running = await app({ flaw });
    const { stdout, code } = await runCli(['check', '--url', running.url], { timeoutMs: 60_000 });
    expect(stdout.replace(/^ {2}/gm, '')).toMatch(line);
    // The old line blamed the URL's path (https, trailing slash) for a login redirect.
    if (flaw === 'auth-redirect') expect(stdout).not.toContain('trailing slash');
    expect(code).toBe(1);
    const { common } = await checkJson(['--url', running.url, '--only', 'accepts-file.*']);
    expect(common!.hint).toMatch(line.source.includes('302') ? /auth middleware/ : /^all 2 must-accept/);
  });
});

describe('--effects-url bad input (issue 21 limits)', () => {
  it.each([
    { name: 'not http(s)', effects: () => 'ftp://127.0.0.1/effects', error: /^error: --effects-url "ftp:\/\/127\.0\.0\.1\/effects" is not an http\(s\) URL: give the whole address, e\.g\. --effects-url http/ },
    { name: 'not a count', effects: (app: RunningApp) => app.url.replace('/webhooks', '/login'), error: /^error: --effects-url answered 404 to \/login\?event_id=.*: answer GET \?event_id=<id> with \{"count": n\} or a bare number/ },
  ])('check --effects-url $name exits 2 with one line naming the option and the fix', async ({ effects, error }) => {
    const running = await app();
    const { code, stdout, stderr } = await runCli(['check', '--url', running.url, '--effects-url', effects(running)]);
    expect(stderr).toMatch(error);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('check --effects-url answering text that is not a count exits 2 and shows what it answered', async () => {
    const running = await app();
    const effects = await startServer((_req, res) => void res.end('<html>ok</html>'));
    try {
      const { code, stderr } = await runCli(['check', '--url', running.url, '--effects-url', `${effects.url}/count`]);
      expect(stderr.trim()).toBe('error: --effects-url answered "<html>ok</html>", not a count: answer GET ?event_id=<id> with {"count": n} or a bare number n, how many times the app applied that event');
      expect(code).toBe(2);
    } finally {
      await effects.close();
    }
  });

  it('check --effects-url that answers the first question but then stalls skips the rest of the group with the reason, never passes it', async () => {
    const running = await app();
    let asked = 0;
    const effects = await startServer((_req, res) => {
      if (++asked === 1) return void res.end('0');
      // Stalls: never answers (the server closes the connection at the end of the test).
    });
    try {
      const { byName, summary } = await checkJson(['--url', running.url, '--effects-url', `${effects.url}/count`, '--only', 'applies-*']);
      expect(byName['applies-duplicate-once']).toMatchObject({ passed: false, skipped: true, skipReason: expect.stringMatching(/^--effects-url did not answer within 3s/) });
      expect(Object.values(byName).every((check) => check.skipped)).toBe(true);
      expect(summary).toMatchObject({ ok: true, total: 0, skipped: 4 });
    } finally {
      await effects.close();
    }
  });
});

describe('check prints as it goes, and Ctrl-C keeps the card (issue 22)', () => {
  it('check prints each result while the battery runs, and on SIGINT (SIGTERM) prints the card of the checks that ran and exits 130', async () => {
    const running = await app({ flaw: 'blocks-after-answer', blockMs: 4_000 });
    for (const json of [false, true]) {
      const cli = startCli(['check', '--url', running.url, ...(json ? ['--json'] : [])]);
      // The first result is printed before the battery is over (the app blocks on task.completed for 4 s).
      await cli.waitFor(json ? /"name":"accepts-task.created"/ : /✓ accepts-task\.created\s+204/, 10_000);
      const code = await cli.stop(json ? 'SIGTERM' : 'SIGINT');
      expect(code).toBe(130);
      if (json) {
        const summary = JSON.parse(cli.stdout().trim().split('\n').at(-1)!) as Record<string, unknown>;
        expect(summary).toMatchObject({ type: 'summary', ok: false, interrupted: true, passed: 3 });
      } else {
        expect(cli.stdout()).toMatch(/Stopped \(Ctrl-C\) after 3 checks: Score: 3\/3 checks passed/);
      }
      await new Promise((resolve) => setTimeout(resolve, 4_500)); // let the app finish its blocking work
    }
  }, 60_000);
});
