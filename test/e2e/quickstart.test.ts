import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';

// The README's quickstart, as a new user runs it: `listen`, then `trigger` and `check` against it, with no --url
// (issue 22: they find the running listen; the test's own runtime directory keeps other sessions' listeners out).
describe('README quickstart', () => {
  let listener: RunningCli;
  let url: string;

  beforeAll(async () => {
    listener = startCli(['listen', '--port', '0']);
    url = `${(await listener.waitFor(/Ready: waiting for deliveries on (http:\/\/127\.0\.0\.1:\d+)/))[1]}/webhooks`;
  });
  afterAll(() => listener.stop());

  it('trigger task.completed is delivered and shown verified by listen', async () => {
    const { code, stdout } = await runCli(['trigger', 'task.completed']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toContain(`to the running listen at ${url}`);
    const eventId = stdout.match(/✓ task\.completed (event_\w+) · attempt 1 · 200 OK/)![1]!;
    await listener.waitFor(new RegExp(`POST /webhooks\\s+task\\.completed\\s+${eventId}\\s+✓ verified\\s+→ 200`));
  });

  it('check against the listener scores 23/23 (5 skipped: they need --effects-url or two secrets) and exits 0', async () => {
    const { code, stdout } = await runCli(['check']);
    expect(stdout).toContain(`the running listen at ${url}`);
    expect(stdout).toMatch(/Score: 23\/23 checks passed, 5 skipped/);
    expect(code).toBe(0);
  });
});
