import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';

// Issue 22 ("trigger, check, replay find the running listen"): without --url they send to the listen running on
// this machine, announced in a private per-user directory; with none running, one line and exit 2 at once.
const OTHER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NO_LISTENER = 'error: no --url, and no listen is running: start `scandocs-webhooks listen` in another terminal, or pass --url\n';

/** A runtime directory of this test's own, so each test sees exactly the listeners it starts. */
function runtime(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'scandocs-discovery-'));
  return { dir, env: { XDG_RUNTIME_DIR: dir, TMPDIR: dir } };
}

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

async function startListen(env: Record<string, string>, extra: string[] = []): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli(['listen', '--port', '0', '--no-inspect', ...extra], { env });
  running.push(cli);
  const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
  return { cli, url: url! };
}

describe('no --url and no listen running', () => {
  it.each([
    ['trigger', ['trigger', 'task.completed']],
    ['replay', ['replay', 'events.jsonl']],
    ['check', ['check']],
  ])('%s says to start listen or pass --url, in one line, and exits 2', async (_name, args) => {
    const { env, dir } = runtime();
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(args, { env, cwd: dir });
    expect(stderr).toBe(NO_LISTENER);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('trigger, replay and check without --url', () => {
  it('trigger sends to the running listen and says so in its first line', async () => {
    const { env } = runtime();
    const { cli, url } = await startListen(env);
    const { code, stdout } = await runCli(['trigger', 'task.completed', '--no-retries'], { env });
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toContain(`to the running listen at ${url}/webhooks`);
    await cli.waitFor(/POST \/webhooks\s+task\.completed[\s\S]*→ 200/);
  }, 30_000);

  it('the announcement is private: a 0700 directory holding one 0600 file, removed when listen stops', async () => {
    const { env, dir } = runtime();
    const { cli } = await startListen(env);
    const announcements = join(dir, 'scandocs-webhooks');
    expect(statSync(announcements).mode & 0o777).toBe(0o700);
    const files = readdirSync(announcements);
    expect(files).toEqual([`listen-${cli.child.pid}.json`]);
    expect(statSync(join(announcements, files[0]!)).mode & 0o777).toBe(0o600);
    // Where it listens and which kind of secret, never the secret itself.
    const text = readFileSync(join(announcements, files[0]!), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ pid: cli.child.pid, secretSource: 'default' });
    expect(text).not.toContain('whsec_');
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(readdirSync(announcements)).toEqual([]);
  }, 30_000);

  it('without XDG_RUNTIME_DIR, the directory is in TMPDIR with the uid in its name', async () => {
    const { dir } = runtime();
    const env = { XDG_RUNTIME_DIR: '', TMPDIR: dir };
    const { cli } = await startListen(env);
    const announcements = join(dir, `scandocs-webhooks-${process.getuid!()}`);
    expect(statSync(announcements).mode & 0o777).toBe(0o700);
    expect(readdirSync(announcements)).toEqual([`listen-${cli.child.pid}.json`]);
    const { code, stdout } = await runCli(['trigger', 'file.created', '--no-retries'], { env });
    expect(code).toBe(0);
    expect(stdout).toContain('to the running listen at');
    expect(await cli.stop()).toBe(0);
    expect(readdirSync(announcements)).toEqual([]);
  }, 30_000);

  it('with two listens, the most recently started is chosen; once it stops, the other', async () => {
    const { env } = runtime();
    const first = await startListen(env);
    const second = await startListen(env);
    const toSecond = await runCli(['trigger', 'task.created', '--no-retries'], { env });
    expect(toSecond.stdout).toContain(`to the running listen at ${second.url}/webhooks`);
    expect(await second.cli.stop()).toBe(0);
    const toFirst = await runCli(['trigger', 'task.created', '--no-retries'], { env });
    expect(toFirst.code).toBe(0);
    expect(toFirst.stdout).toContain(`to the running listen at ${first.url}/webhooks`);
  }, 30_000);

  it('a listener killed before it could clean up (a dead pid) is ignored, and its file removed', async () => {
    const { env, dir } = runtime();
    const announcements = join(dir, 'scandocs-webhooks');
    const { cli } = await startListen(env);
    expect(await cli.stop('SIGKILL')).toBe(null);
    expect(readdirSync(announcements)).toHaveLength(1);
    // A pid that surely is gone: a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(announcements, `listen-${dead}.json`), JSON.stringify({ pid: Number(dead), url: 'http://127.0.0.1:9/webhooks', startedAt: Date.now(), secretSource: 'default' }), { mode: 0o600 });
    const { code, stderr } = await runCli(['trigger', 'task.completed'], { env });
    expect(stderr).toBe(NO_LISTENER);
    expect(code).toBe(2);
    expect(readdirSync(announcements)).toEqual([]);
  }, 30_000);

  it('a listener verifying with another secret: trigger warns before sending, and agrees once given the same --secret', async () => {
    const { env } = runtime();
    await startListen(env, ['--secret', OTHER_SECRET]);
    const wrong = await runCli(['trigger', 'task.completed', '--no-retries'], { env });
    expect(wrong.stdout.split('\n')[0]).toBe(
      'warning: the running listen verifies with a secret given with --secret, but this run signs with the built-in test secret: pass the listener\'s secret with --secret (or set $SCANDOCS_WEBHOOK_SECRET for both)',
    );
    expect(wrong.code).toBe(1);
    const right = await runCli(['trigger', 'task.completed', '--no-retries', '--secret', OTHER_SECRET], { env });
    expect(right.stdout).not.toContain('warning');
    expect(right.code).toBe(0);
  }, 30_000);

  it('replay sends a recorded journal to the running listen', async () => {
    const { env, dir } = runtime();
    const journal = join(dir, 'events.jsonl');
    const recorder = await startListen(env, ['--record', journal]);
    expect((await runCli(['trigger', 'file.created', '--no-retries'], { env })).code).toBe(0);
    await recorder.cli.waitFor(/file\.created[\s\S]*→ 200/);
    expect(await recorder.cli.stop()).toBe(0);
    const { cli, url } = await startListen(env);
    const { code, stdout } = await runCli(['replay', journal, '--no-retries'], { env });
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toContain(`to the running listen at ${url}/webhooks`);
    await cli.waitFor(/file\.created[\s\S]*→ 200/);
  }, 30_000);

  it('check grades the running listen', async () => {
    const { env } = runtime();
    const { url } = await startListen(env);
    const { stdout } = await runCli(['check', '--only', 'accepts-file.created'], { env });
    expect(stdout.split('\n')[0]).toContain(`Checking the running listen at ${url}/webhooks`);
  }, 30_000);
});
