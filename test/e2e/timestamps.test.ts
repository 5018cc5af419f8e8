import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';

// Issue 22 ("timestamp messages"): a skew is a duration in words, a future timestamp is "too new" (never "a
// replayed delivery"), verify suggests --at only when it was not given, listen never suggests it (it has none),
// and listen's 401 says in plain words that the timestamp, not the signature, was refused.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ id: 'event_1', type: 'file.deleted', timestamp: '2026-11-28T12:00:00Z', data: {} });
const DAY = 86_400;
const signed = (timestamp: number) => ({
  'svix-id': 'msg_ts',
  'svix-timestamp': String(timestamp),
  'svix-signature': new Webhook(SECRET).sign('msg_ts', new Date(timestamp * 1000), body),
});
const flags = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
const now = () => Math.floor(Date.now() / 1000);

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

describe('verify: timestamps', () => {
  it('a delivery 400 days old: the skew in days, and the hint to check it with --at', async () => {
    const { code, stdout } = await runCli(['verify', '--payload', body, '--secret', SECRET, ...flags(signed(now() - 400 * DAY))]);
    expect(code).toBe(1);
    expect(stdout).toContain('svix-timestamp is 400 days too old (tolerance 5 minutes); the signature itself is valid, so this is a replayed delivery or a clock out of sync (check with --at to verify a recorded delivery)');
    expect(stdout).not.toMatch(/\d{5,} s/);
  });

  it('with --at given and still out of tolerance, --at is not suggested again', async () => {
    const sent = now() - 400 * DAY;
    const at = new Date((sent + 2 * DAY) * 1000).toISOString();
    const { code, stdout } = await runCli(['verify', '--payload', body, '--secret', SECRET, '--at', at, ...flags(signed(sent))]);
    expect(code).toBe(1);
    expect(stdout).toContain('svix-timestamp is 2 days too old');
    expect(stdout).not.toContain('--at');
  });

  it('a timestamp in the future is too new, never a replayed delivery', async () => {
    const { code, stdout } = await runCli(['verify', '--payload', body, '--secret', SECRET, ...flags(signed(now() + 3 * 3600))]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/svix-timestamp is (3|2\.9|3\.1) hours too new \(tolerance 5 minutes\); the signature itself is valid, so the sender's clock is ahead of this machine's/);
    expect(stdout).not.toContain('replayed');
    expect(stdout).not.toContain('--at');
  });
});

describe('listen: timestamps', () => {
  it('an old delivery: no --at suggested, and a 401 body in plain words', async () => {
    const cli = startCli(['listen', '--port', '0', '--no-inspect', '--secret', SECRET]);
    running.push(cli);
    const [, url] = await cli.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
    const response = await fetch(`${url}/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed(now() - 400 * DAY) }, body });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe(
      'refused: timestamp out of tolerance: timestamp-too-old: svix-timestamp is 400 days too old (tolerance 5 minutes); the signature itself is valid, so this is a replayed delivery or a clock out of sync\n',
    );
    await cli.waitFor(/400 days too old/);
    await cli.stop();
    expect(cli.stdout()).not.toContain('--at');
    expect(cli.stdout()).not.toContain('`at`');
  }, 20_000);
});
